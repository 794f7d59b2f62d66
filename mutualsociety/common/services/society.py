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
from django.utils import timezone
from django.utils.translation import gettext as _

from ..events import event_record
from ..exceptions import FourEyesViolation, InvalidInput, NotAllowed, TransitionNotAllowed
from ..models import BankAccountChange, Society, SocietyEvent
from ..money import CENT, MONEY_EXACT_MAX, quantize_money
from ..transitions import BANK_ACCOUNT_CHANGE


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


def _society_locked() -> Society:
    Society.objects.get_or_create(pk=1)
    return Society.objects.select_for_update().get(pk=1)


def _require(actor: Actor | None, perm: str, message: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(message)


def _history(actor: Actor, society: Society, message: str) -> None:
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
    _require(actor, "common.change_society", _("You may not change the society's details."))
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
        society = _society_locked()
        for name, value in changes.items():
            setattr(society, name, value)
        if changes:
            society.save(update_fields=sorted(changes))
        return society


def society_bank_account_propose(
    *, actor: Actor, bank_name: str, bank_account_name: str, bank_account_number: str, reason: str
) -> BankAccountChange:
    """Propose a new bank account for members' contributions (the maker's half).

    Needs ``common.change_society_payment_details``. Nothing changes for members until a
    different person approves it. One proposal waits at a time; proposing the account
    already in use is refused; a reason is required. Replaying the same proposal while it
    waits returns it.
    """
    _require(
        actor, PAYMENT_PERM, _("Only finance may propose a change of the society's bank account.")
    )
    new = {
        "bank_name": (bank_name or "").strip(),
        "bank_account_name": (bank_account_name or "").strip(),
        "bank_account_number": (bank_account_number or "").strip(),
    }
    reason = (reason or "").strip()
    missing = {name: [_("This field is required.")] for name, value in new.items() if not value}
    if not reason:
        missing["reason"] = [_("Say why the account changes.")]
    if missing:
        raise InvalidInput(_("The new bank account is incomplete."), fields=missing)
    digits = new["bank_account_number"].replace(" ", "").replace("-", "")
    if not digits.isdigit() or not 8 <= len(digits) <= 34:
        raise InvalidInput(
            _("Enter the bank account number (8 to 34 digits)."), field="bank_account_number"
        )
    with transaction.atomic():
        society = _society_locked()
        pending = BankAccountChange.objects.filter(status=BankAccountChange.Status.PENDING).first()
        if pending is not None:
            same = all(getattr(pending, k) == v for k, v in new.items())
            if same and pending.proposed_by_id == actor.pk and pending.reason == reason:
                return pending
            raise TransitionNotAllowed(
                _(
                    "A change of the bank account already waits for approval; approve, "
                    "reject or withdraw it first."
                )
            )
        old = {name: getattr(society, name) for name in Society.PAYMENT_FIELDS}
        if old == new:
            raise InvalidInput(
                _("That is the bank account members are already told to pay into."),
                field="bank_account_number",
            )
        change = BankAccountChange.objects.create(
            **new,
            old_bank_name=old["bank_name"],
            old_bank_account_name=old["bank_account_name"],
            old_bank_account_number=old["bank_account_number"],
            reason=reason,
            proposed_by_id=actor.pk,
        )
        society_event(
            society=society,
            type=SocietyEvent.Type.BANK_PROPOSED,
            actor=actor,
            field="bank_account",
            old_value=change.old_account[:400],
            new_value=change.new_account[:400],
            reason=reason,
            change=change,
        )
        _history(
            actor,
            society,
            _("Proposed a new bank account: %(old)s → %(new)s. Reason: %(reason)s")
            % {"old": change.old_account, "new": change.new_account, "reason": reason},
        )
        return change


def _change_locked(change: BankAccountChange | int) -> BankAccountChange:
    pk = change.pk if isinstance(change, BankAccountChange) else change
    found = BankAccountChange.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("There is no such bank account change."))
    return found


def _decision_check(change: BankAccountChange, new: str) -> None:
    """A change is decided once (the table ``BANK_ACCOUNT_CHANGE``), in these words."""
    if not BANK_ACCOUNT_CHANGE.allowed(change.status, new):
        raise TransitionNotAllowed(
            _("This change was already %(status)s.")
            % {"status": change.get_status_display().lower()}
        )


def society_bank_account_approve(
    *, change: BankAccountChange | int, actor: Actor, reason: str = ""
) -> BankAccountChange:
    """Approve a proposed bank account (the checker's half): the society's row changes now.

    Needs ``common.change_society_payment_details`` and a person other than the proposer
    (four eyes). Refused when the account was changed since the proposal (its "before"
    would be wrong). Replaying an approval by the same person returns it.
    """
    _require(
        actor, PAYMENT_PERM, _("Only finance may approve a change of the society's bank account.")
    )
    with transaction.atomic():
        society = _society_locked()
        change = _change_locked(change)
        if change.status == BankAccountChange.Status.APPROVED and change.decided_by_id == actor.pk:
            return change
        _decision_check(change, BankAccountChange.Status.APPROVED)
        if change.proposed_by_id == actor.pk:
            raise FourEyesViolation(
                _("You proposed this change; another person must approve it (four eyes).")
            )
        current = {name: getattr(society, name) for name in Society.PAYMENT_FIELDS}
        before = {
            "bank_name": change.old_bank_name,
            "bank_account_name": change.old_bank_account_name,
            "bank_account_number": change.old_bank_account_number,
        }
        if current != before:
            raise TransitionNotAllowed(
                _(
                    "The bank account changed after this was proposed; reject it and "
                    "propose the change again."
                )
            )
        for name in Society.PAYMENT_FIELDS:
            setattr(society, name, getattr(change, name))
        society.save(update_fields=list(Society.PAYMENT_FIELDS))
        BANK_ACCOUNT_CHANGE.move(change, BankAccountChange.Status.APPROVED)
        change.decided_by_id = actor.pk
        change.decided_at = timezone.now()
        change.decision_reason = (reason or "").strip()
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        society_event(
            society=society,
            type=SocietyEvent.Type.BANK_APPROVED,
            actor=actor,
            field="bank_account",
            old_value=change.old_account[:400],
            new_value=change.new_account[:400],
            reason=change.decision_reason or change.reason,
            change=change,
        )
        _history(
            actor,
            society,
            _("Approved the new bank account proposed by %(proposer)s: %(old)s → %(new)s.")
            % {
                "proposer": change.proposed_by,
                "old": change.old_account,
                "new": change.new_account,
            },
        )
        return change


def society_bank_account_reject(
    *, change: BankAccountChange | int, actor: Actor, reason: str
) -> BankAccountChange:
    """Reject a proposed bank account: the society keeps the account it has.

    Needs ``common.change_society_payment_details``, a person other than the proposer
    (who withdraws instead), and a reason.
    """
    return _bank_account_close(change=change, actor=actor, reason=reason, withdraw=False)


def society_bank_account_withdraw(
    *, change: BankAccountChange | int, actor: Actor, reason: str = ""
) -> BankAccountChange:
    """The proposer takes back their own proposal while it waits."""
    return _bank_account_close(change=change, actor=actor, reason=reason, withdraw=True)


def _bank_account_close(
    *, change: BankAccountChange | int, actor: Actor, reason: str, withdraw: bool
) -> BankAccountChange:
    _require(
        actor, PAYMENT_PERM, _("Only finance may decide on a change of the society's bank account.")
    )
    reason = (reason or "").strip()
    status = BankAccountChange.Status.WITHDRAWN if withdraw else BankAccountChange.Status.REJECTED
    with transaction.atomic():
        society = _society_locked()
        change = _change_locked(change)
        if change.status == status and change.decided_by_id == actor.pk:
            return change
        _decision_check(change, status)
        if withdraw and change.proposed_by_id != actor.pk:
            raise NotAllowed(_("Only the person who proposed a change may withdraw it."))
        if not withdraw and change.proposed_by_id == actor.pk:
            raise FourEyesViolation(
                _("You proposed this change; withdraw it, or let another person decide it.")
            )
        if not withdraw and not reason:
            raise InvalidInput(_("Say why the change is rejected."), field="reason")
        BANK_ACCOUNT_CHANGE.move(change, status)
        change.decided_by_id = actor.pk
        change.decided_at = timezone.now()
        change.decision_reason = reason
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        society_event(
            society=society,
            type=SocietyEvent.Type.BANK_WITHDRAWN if withdraw else SocietyEvent.Type.BANK_REJECTED,
            actor=actor,
            field="bank_account",
            old_value=change.old_account[:400],
            new_value=change.new_account[:400],
            reason=reason,
            change=change,
        )
        message = (
            _("Withdrew the proposed bank account %(new)s.")
            if withdraw
            else _("Rejected the bank account %(new)s proposed by %(proposer)s. Reason: %(reason)s")
        )
        _history(
            actor,
            society,
            message % {"new": change.new_account, "proposer": change.proposed_by, "reason": reason},
        )
        return change


def society_security_change(
    *, actor: Actor, require_staff_two_factor: bool, reason: str
) -> Society:
    """Turn the rule "staff must use two-factor sign-in" on or off.

    Needs ``common.change_society_security`` (the administrator; superusers). A reason is
    required. Replaying the same value changes and records nothing.
    """
    _require(
        actor,
        SECURITY_PERM,
        _("Only the administrator may change the society's security settings."),
    )
    reason = (reason or "").strip()
    with transaction.atomic():
        society = _society_locked()
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
        _history(
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
    _require(
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
        society = _society_locked()
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
        _history(
            actor,
            society,
            _("Changed the largest single amount: %(old)s → %(new)s. Reason: %(reason)s")
            % {"old": old, "new": new, "reason": reason},
        )
        return society


def _on_off(value: bool) -> str:
    return _("on") if value else _("off")
