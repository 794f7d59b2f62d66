"""The bank account members are told to pay into: changed by maker-checker.

Finance proposes (``society_bank_account_propose``), a different person holding the same
permission approves or rejects, the proposer may withdraw; only an approval changes the
society's row, so members keep seeing the current account until then. Every step leaves a
society event and an entry in the admin's history (docs/roles-and-security.md).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import FourEyesViolation, InvalidInput, NotAllowed, TransitionNotAllowed
from ..models import BankAccountChange, Society, SocietyEvent
from ..transitions import BANK_ACCOUNT_CHANGE
from .society import (
    PAYMENT_PERM,
    Actor,
    history_record,
    permission_require,
    society_event,
    society_lock,
)


def society_bank_account_propose(
    *, actor: Actor, bank_name: str, bank_account_name: str, bank_account_number: str, reason: str
) -> BankAccountChange:
    """Propose a new bank account for members' contributions (the maker's half).

    Needs ``common.change_society_payment_details``. Nothing changes for members until a
    different person approves it. One proposal waits at a time; proposing the account
    already in use is refused; a reason is required. Replaying the same proposal while it
    waits returns it.
    """
    permission_require(
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
        society = society_lock()
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
        history_record(
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
    permission_require(
        actor, PAYMENT_PERM, _("Only finance may approve a change of the society's bank account.")
    )
    with transaction.atomic():
        society = society_lock()
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
        history_record(
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
    permission_require(
        actor, PAYMENT_PERM, _("Only finance may decide on a change of the society's bank account.")
    )
    reason = (reason or "").strip()
    status = BankAccountChange.Status.WITHDRAWN if withdraw else BankAccountChange.Status.REJECTED
    with transaction.atomic():
        society = society_lock()
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
        history_record(
            actor,
            society,
            message % {"new": change.new_account, "proposer": change.proposed_by, "reason": reason},
        )
        return change
