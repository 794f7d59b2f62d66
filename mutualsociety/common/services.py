from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence as SequenceOf
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from celery import Task
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

from mutualsociety.celery import app as celery_app

from .exceptions import FourEyesViolation, InvalidInput, NotAllowed, TransitionNotAllowed
from .models import (
    BankAccountChange,
    OutboxTask,
    Sequence,
    Society,
    SocietyEvent,
    WorkerHeartbeat,
)
from .selectors import DATE_FLOOR, society_get

logger = logging.getLogger("mutualsociety.outbox")


def _amount(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, force_grouping=True)


def amount_ceiling_check(amount: Decimal, *, field: str, line: int | None = None) -> Decimal:
    """Refuse an amount a person entered that is over the society's largest single amount
    (``Society.max_single_amount``, default 1,000,000,000.00); return it otherwise.

    The one place this limit is enforced: every service that takes an amount a person
    typed calls it — a payment received (``members.payment_record``), a line of a manual
    ledger entry (``ledger.entry_post_manual``), the amount claimed (``claims`` intake) and
    assessed (``claim_assess``), a plan's benefits, premiums, cap and approval threshold
    (``members.plan_version_check`` and the admin's plan forms) — so the API, the admin and
    the portal refuse it alike, on ``field`` (with ``line``, "Line n:" leads the message).
    Amounts the system computes (dues from a premium, an apportionment's total over all
    members, reversals) are not limited: they can legitimately exceed what one person
    would type, and the ledger bounds them by its own column.
    """
    ceiling = society_get().max_single_amount
    if amount > ceiling:
        values = {"amount": _amount(amount), "ceiling": _amount(ceiling), "n": line}
        if line is None:
            message = _(
                "%(amount)s is over %(ceiling)s, the largest single amount the society "
                "accepts; check the amount, or ask an administrator to raise the limit."
            )
        else:
            message = _(
                "Line %(n)d: %(amount)s is over %(ceiling)s, the largest single amount "
                "the society accepts; check the amount, or ask an administrator to raise "
                "the limit."
            )
        raise InvalidInput(message % values, field=field)
    return amount


def date_window_check(value: dt.date, *, field: str, latest: dt.date, too_late: str) -> dt.date:
    """Refuse a date a person entered for money that lies outside a plausible window;
    return it otherwise.

    Not before the society was founded (``Society.founded_on``; 1 January 2000 while it
    is empty), and not after ``latest`` (what the operation allows: today for money
    received, the end of the current month for a manual ledger entry), with ``too_late``
    as the message then. Refused on ``field``.
    """
    founded_on = society_get().founded_on
    earliest = founded_on or DATE_FLOOR
    if value < earliest:
        if founded_on:
            message = _(
                "%(date)s is before %(earliest)s, when the society was founded; check the year."
            )
        else:
            message = _(
                "%(date)s is before %(earliest)s, the earliest date accepted; check the "
                "year (once the society's founding date is filled in, it is the limit)."
            )
        raise InvalidInput(
            message % {"date": value.isoformat(), "earliest": earliest.isoformat()}, field=field
        )
    if value > latest:
        raise InvalidInput(too_late, field=field)
    return value


def worker_heartbeat_record(*, hostname: str, at: datetime | None = None) -> WorkerHeartbeat:
    """Record that ``hostname`` is alive. Replaying it only moves the time forward."""
    at = at or timezone.now()
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:200], defaults={"beat_at": at}
    )
    return heartbeat


def sessions_clear_expired() -> int:
    """Delete expired sessions (what ``manage.py clearsessions`` does); returns the count."""
    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def sequence_next(*, name: str, count: int = 1) -> int:
    """Reserve ``count`` numbers of the sequence ``name``; return the first.

    Must run inside the caller's transaction: the row stays locked until it commits, so
    two transactions never get the same number.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name).update(value=F("value") + count)
        value = Sequence.objects.select_for_update().get(name=name).value
    return value - count + 1


# --- The task outbox ---------------------------------------------------------------------
#
# A service never calls ``task.delay()``: the broker may be down, and a committed change
# must not answer an error, nor lose its e-mail. It records the work with
# ``outbox_enqueue`` inside its transaction instead; the row commits or rolls back with
# the change. After the commit the row is offered to the broker once, quickly; while the
# broker is unreachable it waits for the relay.

#: One try, no retry loop: kombu's default policy retries, and the Redis result backend
#: (which a sent task subscribes to unless its result is ignored) retries for 20 s.
PUBLISH_RETRY_POLICY = {"max_retries": 0}


def outbox_enqueue(
    *,
    task: Task,
    key: str,
    args: SequenceOf[Any] = (),
    kwargs: dict[str, Any] | None = None,
) -> OutboxTask:
    """Record ``task(*args, **kwargs)`` for Celery in the caller's transaction and offer it
    to the broker after the commit.

    ``key`` names the work (``"members.send_welcome:12"``): when a row with the key exists
    (a replayed call), it is returned and nothing is added. Arguments must be JSON (ids,
    dates as ISO strings), as every task takes. The tasks themselves stay idempotent: a
    row is published once, but a worker may run a message twice after a crash.
    """
    if task.name not in celery_app.tasks:
        raise ValueError(f"{task.name!r} is not a registered Celery task.")
    message, created = OutboxTask.objects.get_or_create(
        key=key[:200],
        defaults={"task": task.name, "args": list(args), "kwargs": dict(kwargs or {})},
    )
    if created:
        message_id = message.pk
        transaction.on_commit(lambda: outbox_publish(message_id=message_id))
    return message


def outbox_publish(*, message_id: int) -> bool:
    """Offer one pending row to the broker now; True when it was handed over.

    Runs after the commit that recorded the row. A broker that does not answer costs
    one quick failed attempt and one warning; the row stays pending for the relay.
    """
    with celery_app.connection_for_write() as connection:
        return _publish_one(message_id, connection) is True


def outbox_relay(*, limit: int = 1000) -> dict[str, int]:
    """Hand the pending rows to the broker, oldest first, each exactly once.

    Each row is locked (rows another publisher holds are skipped), published under its
    own task id and marked sent in one transaction, so two relays, or a relay and the
    after-commit publish, never send a row twice. Stops at the first broker failure (one
    warning; the rows wait for the next run). Also forgets sent rows older than
    ``OUTBOX_KEEP_SENT_DAYS``. Returns ``{"sent": n, "pending": m}``.
    """
    ids = list(
        OutboxTask.objects.filter(state=OutboxTask.State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    if ids:
        with celery_app.connection_for_write() as connection:
            for message_id in ids:
                outcome = _publish_one(message_id, connection)
                if outcome is None:
                    break
                sent += int(outcome)
    outbox_forget_sent()
    pending = OutboxTask.objects.filter(state=OutboxTask.State.PENDING).count()
    return {"sent": sent, "pending": pending}


def outbox_forget_sent(*, now: datetime | None = None) -> int:
    """Delete the rows handed over more than ``OUTBOX_KEEP_SENT_DAYS`` ago; their key no
    longer guards against a replay then (the tasks are idempotent)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS)
    deleted, _by_model = OutboxTask.objects.filter(
        state=OutboxTask.State.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted


def _publish_one(message_id: int, connection) -> bool | None:
    """Publish one row under its lock. True: sent now; False: not pending (sent already,
    or another publisher holds it); None: the broker failed (the attempt is recorded)."""
    broker_errors = (
        KombuError,
        OSError,
        *connection.connection_errors,
        *connection.channel_errors,
    )
    # The lock is held while publishing: that is what makes the hand-over exactly once.
    # A dead broker fails within the connect timeout (CELERY_BROKER_TRANSPORT_OPTIONS).
    with transaction.atomic():
        message = (
            OutboxTask.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, state=OutboxTask.State.PENDING)
            .first()
        )
        if message is None:
            return False
        now = timezone.now()
        message.attempts += 1
        message.last_attempt_at = now
        try:
            _send(message, connection)
        except broker_errors as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            message.save(update_fields=["attempts", "last_attempt_at", "last_error"])
            logger.warning(
                "The broker did not take task %s (outbox row %s): %s. It stays pending; "
                "the relay hands it over when the broker is back.",
                message.task,
                message.pk,
                message.last_error,
            )
            return None
        message.state = OutboxTask.State.SENT
        message.sent_at = now
        message.last_error = ""
        message.save(
            update_fields=["attempts", "last_attempt_at", "last_error", "state", "sent_at"]
        )
    return True


def _send(message: OutboxTask, connection) -> None:
    if celery_app.conf.task_always_eager:
        # Tests and debugging: run in-process, as ``delay()`` would.
        celery_app.tasks[message.task].apply(
            args=message.args, kwargs=message.kwargs, task_id=message.celery_task_id
        )
        return
    # The result is ignored: nobody waits for it, and asking for it makes the Redis result
    # backend subscribe first (the 19-second hang of a dead broker).
    celery_app.send_task(
        message.task,
        args=message.args,
        kwargs=message.kwargs,
        task_id=message.celery_task_id,
        ignore_result=True,
        connection=connection,
        retry=True,
        retry_policy=PUBLISH_RETRY_POLICY,
    )


# --- The society's settings ----------------------------------------------------------------
#
# Who changes what (docs/roles-and-security.md): the particulars (name, contact, home page,
# parameters) by whoever holds common.change_society (the board secretary); the bank
# account members pay into by finance (common.change_society_payment_details), proposed
# by one person and approved by another; the security settings by the administrator
# (common.change_society_security). Each protected change leaves a SocietyEvent and a
# LogEntry, so that it shows in the admin's history of the society.

PAYMENT_PERM = "common.change_society_payment_details"
SECURITY_PERM = "common.change_society_security"


def _society_locked() -> Society:
    Society.objects.get_or_create(pk=1)
    return Society.objects.select_for_update().get(pk=1)


def _require(actor, perm: str, message: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(message)


def _history(actor, society: Society, message: str) -> None:
    """The admin's history of the society shows every protected change, whichever face
    made it."""
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[society], action_flag=CHANGE, change_message=message
    )


def society_update(*, actor, changes: dict) -> Society:
    """Change the society's particulars (everything but the bank account and the security
    settings, which have their own services and owners).

    Needs ``common.change_society``. A change that names a protected field is refused as a
    whole: the bank account and the security switch are never changed on this path.
    """
    _require(actor, "common.change_society", _("You may not change the society's details."))
    protected = sorted(set(changes) & {*Society.PAYMENT_FIELDS, *Society.SECURITY_FIELDS})
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
    *, actor, bank_name: str, bank_account_name: str, bank_account_number: str, reason: str
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
            proposed_by=actor,
        )
        SocietyEvent.objects.create(
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


def society_bank_account_approve(
    *, change: BankAccountChange | int, actor, reason: str = ""
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
        if change.status != BankAccountChange.Status.PENDING:
            raise TransitionNotAllowed(
                _("This change was already %(status)s.")
                % {"status": change.get_status_display().lower()}
            )
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
        change.status = BankAccountChange.Status.APPROVED
        change.decided_by = actor
        change.decided_at = timezone.now()
        change.decision_reason = (reason or "").strip()
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        SocietyEvent.objects.create(
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
    *, change: BankAccountChange | int, actor, reason: str
) -> BankAccountChange:
    """Reject a proposed bank account: the society keeps the account it has.

    Needs ``common.change_society_payment_details``, a person other than the proposer
    (who withdraws instead), and a reason.
    """
    return _bank_account_close(change=change, actor=actor, reason=reason, withdraw=False)


def society_bank_account_withdraw(
    *, change: BankAccountChange | int, actor, reason: str = ""
) -> BankAccountChange:
    """The proposer takes back their own proposal while it waits."""
    return _bank_account_close(change=change, actor=actor, reason=reason, withdraw=True)


def _bank_account_close(*, change, actor, reason: str, withdraw: bool) -> BankAccountChange:
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
        if change.status != BankAccountChange.Status.PENDING:
            raise TransitionNotAllowed(
                _("This change was already %(status)s.")
                % {"status": change.get_status_display().lower()}
            )
        if withdraw and change.proposed_by_id != actor.pk:
            raise NotAllowed(_("Only the person who proposed a change may withdraw it."))
        if not withdraw and change.proposed_by_id == actor.pk:
            raise FourEyesViolation(
                _("You proposed this change; withdraw it, or let another person decide it.")
            )
        if not withdraw and not reason:
            raise InvalidInput(_("Say why the change is rejected."), field="reason")
        change.status = status
        change.decided_by = actor
        change.decided_at = timezone.now()
        change.decision_reason = reason
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        SocietyEvent.objects.create(
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


def society_security_change(*, actor, require_staff_two_factor: bool, reason: str) -> Society:
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
        SocietyEvent.objects.create(
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


def _on_off(value: bool) -> str:
    return _("on") if value else _("off")
