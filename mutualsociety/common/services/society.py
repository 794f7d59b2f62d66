"""The society's settings, each changed by its owner (docs/roles-and-security.md).

The particulars (name, contact, home page, parameters) by whoever holds
``common.change_society`` (the board secretary); the bank account members pay into by
finance (``common.change_society_payment_details``), proposed by one person and approved
by another (maker-checker); the security settings by the administrator
(``common.change_society_security``). Each protected change leaves a ``SocietyEvent``
and a ``LogEntry``, so that it shows in the admin's history of the society.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils.translation import gettext as _

from ..events import event_record
from ..exceptions import InvalidInput, NotAllowed
from ..models import BankAccountChange, Society, SocietyEvent
from ..money import CENT, MONEY_EXACT_MAX, quantize_money


class Actor(Protocol):
    """Whoever acts: a user of the project's user model (which common does not import)."""

    pk: Any

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


PAYMENT_PERM = "common.change_society_payment_details"
SECURITY_PERM = "common.change_society_security"


def society_event(
    *,
    society: Society,
    type: str,  # noqa: A002 - the event's type, as everywhere in the project
    actor: Actor | None,
    field: str,
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
    change: BankAccountChange | None = None,
) -> SocietyEvent:
    """Append one event to the society's history (in the caller's transaction)."""
    return event_record(
        SocietyEvent,
        subject=society,
        type=type,
        actor=actor,
        field=field,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        change=change,
    )


def society_lock() -> Society:
    Society.objects.get_or_create(pk=1)
    return Society.objects.select_for_update().get(pk=1)


def permission_require(actor: Actor | None, perm: str, message: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(message)


def history_record(actor: Actor, society: Society, message: str) -> None:
    """The admin's history of the society shows every protected change, whichever face
    made it."""
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[society], action_flag=CHANGE, change_message=message
    )


def society_update(*, actor: Actor, changes: dict[str, Any]) -> Society:
    """Change the society's particulars (everything but the bank account and the security
    settings, which have their own services and owners).

    Needs ``common.change_society``. A change that names a protected field is refused as a
    whole: the bank account and the security switch are never changed on this path.
    """
    permission_require(
        actor, "common.change_society", _("You may not change the society's details.")
    )
    protected = sorted(
        set(changes) & {*Society.PAYMENT_FIELDS, *Society.SECURITY_FIELDS, *Society.LIMIT_FIELDS}
    )
    if protected:
        raise NotAllowed(
            _("The bank account and the security settings are changed by their owners."),
            fields={name: [_("Changed by its owner only.")] for name in protected},
        )
    editable = {f.name for f in Society._meta.concrete_fields if f.editable and not f.primary_key}
    unknown = sorted(set(changes) - editable)
    if unknown:
        raise InvalidInput(_("Unknown setting: %(names)s.") % {"names": ", ".join(unknown)})
    with transaction.atomic():
        society = society_lock()
        for name, value in changes.items():
            setattr(society, name, value)
        if changes:
            society.save(update_fields=sorted(changes))
        return society


def society_security_change(
    *, actor: Actor, require_staff_two_factor: bool, reason: str
) -> Society:
    """Turn the rule "staff must use two-factor sign-in" on or off.

    Needs ``common.change_society_security`` (the administrator; superusers). A reason is
    required. Replaying the same value changes and records nothing.
    """
    permission_require(
        actor,
        SECURITY_PERM,
        _("Only the administrator may change the society's security settings."),
    )
    reason = (reason or "").strip()
    with transaction.atomic():
        society = society_lock()
        old = society.require_staff_two_factor
        new = bool(require_staff_two_factor)
        if old == new:
            return society
        if not reason:
            raise InvalidInput(
                _("Say why the security setting changes."), field="require_staff_two_factor"
            )
        society.require_staff_two_factor = new
        society.save(update_fields=["require_staff_two_factor"])
        society_event(
            society=society,
            type=SocietyEvent.Type.SECURITY,
            actor=actor,
            field="require_staff_two_factor",
            old_value="on" if old else "off",
            new_value="on" if new else "off",
            reason=reason,
        )
        history_record(
            actor,
            society,
            _(
                "Changed “staff must use two-factor authentication”: %(old)s → %(new)s. "
                "Reason: %(reason)s"
            )  # fmt: skip
            % {"old": _on_off(old), "new": _on_off(new), "reason": reason},
        )
        return society


def society_limit_change(*, actor: Actor, max_single_amount: Decimal, reason: str) -> Society:
    """Change the largest single amount a person may enter (``amount_ceiling_check``).

    An internal control over what finance and claims staff type, so it is not theirs to
    set: it needs ``common.change_society_security`` (the administrator; superusers) and a
    reason, and leaves a society event and an entry in the admin's history. Replaying the
    same value changes and records nothing.
    """
    permission_require(
        actor,
        SECURITY_PERM,
        _("Only the administrator may change the society's limits."),
    )
    reason = (reason or "").strip()
    new = quantize_money(max_single_amount)
    if not CENT <= new <= MONEY_EXACT_MAX:
        raise InvalidInput(
            _("The largest single amount must lie between 0.01 and %(max)s.")
            % {"max": MONEY_EXACT_MAX},
            field="max_single_amount",
        )
    with transaction.atomic():
        society = society_lock()
        old = society.max_single_amount
        if old == new:
            return society
        if not reason:
            raise InvalidInput(_("Say why the limit changes."), field="max_single_amount")
        society.max_single_amount = new
        society.save(update_fields=["max_single_amount"])
        society_event(
            society=society,
            type=SocietyEvent.Type.LIMIT,
            actor=actor,
            field="max_single_amount",
            old_value=str(old),
            new_value=str(new),
            reason=reason,
        )
        history_record(
            actor,
            society,
            _("Changed the largest single amount: %(old)s → %(new)s. Reason: %(reason)s")
            % {"old": old, "new": new, "reason": reason},
        )
        return society


def _on_off(value: bool) -> str:
    return _("on") if value else _("off")
