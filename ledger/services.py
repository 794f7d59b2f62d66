"""Every write to the ledger.

``entry_post`` is the one way money moves: it validates a set of lines, posts them as one
balanced entry under an idempotency key, and returns the entry. ``entry_reverse`` posts
the mirror of an entry. Other apps post through these two functions only.

The faces (API and admin) post for people, through ``entry_post_manual`` and
``entry_reverse_manual``: a person's entry stays off the control accounts that another
part of the system keeps, lives in its own key namespace, and a person reverses only
entries that people posted; an entry another part of the system posted is corrected there.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import mail_admins
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput, NotFound
from mutualsociety.common.money import (
    MONEY_FIELD_MAX,
    ZERO,
    is_whole_cents,
    quantize_money,
    to_decimal,
)
from mutualsociety.common.selectors import current_period_end
from mutualsociety.common.services import (
    amount_ceiling_check,
    date_window_check,
    outbox_enqueue,
)

from .models import Account, IntegrityCheck, JournalEntry, Posting

logger = logging.getLogger(__name__)

HALF_CENT = Decimal("0.005")

#: The source of an entry a person posted through a face.
MANUAL_SOURCE = "ledger.manual"
#: Sources whose entries a person may reverse through a face: manual entries, and the
#: demo society's opening entries (``seed_demo``), which no other record stands behind.
MANUALLY_REVERSIBLE_SOURCES = frozenset({MANUAL_SOURCE, "demo"})
#: A manual entry's key is stored under this prefix, so that it never takes a key that a
#: part of the system will use ("members.due:12", "reversal:7").
MANUAL_KEY_PREFIX = "manual:"
KEY_MAX_LENGTH = 200
MANUAL_KEY_MAX_LENGTH = KEY_MAX_LENGTH - len(MANUAL_KEY_PREFIX)


@dataclass(frozen=True)
class Line:
    """One line of an entry to post: a signed amount on an account (debit > 0)."""

    account: str  # the account's code
    amount: Decimal

    @property
    def side(self) -> str:
        return "debit" if self.amount > 0 else "credit"


def Debit(account: str, amount: Decimal | int | str) -> Line:  # noqa: N802 - reads as a value
    """A debit of ``amount`` (> 0) to ``account``."""
    return Line(account, to_decimal(amount))


def Credit(account: str, amount: Decimal | int | str) -> Line:  # noqa: N802
    """A credit of ``amount`` (> 0) to ``account``."""
    return Line(account, -to_decimal(amount))


def _normalise(lines: Sequence[Line]) -> list[tuple[str, Decimal]]:
    """Validate the lines; return (account code, amount) sorted, for comparing replays."""
    if not lines:
        raise InvalidInput(_("An entry needs at least two lines; none were given."), field="lines")
    out: list[tuple[str, Decimal]] = []
    for index, line in enumerate(lines, start=1):
        try:
            amount = to_decimal(line.amount)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(
                _("Line %(n)d: the amount is not a number.") % {"n": index}, field="lines"
            ) from exc
        if not amount.is_finite():
            raise InvalidInput(
                _("Line %(n)d: the amount is not a number.") % {"n": index}, field="lines"
            )
        if amount == 0:
            raise InvalidInput(
                _("Line %(n)d: the amount is zero; every line must move money.") % {"n": index},
                field="lines",
            )
        if not is_whole_cents(amount):
            raise InvalidInput(
                _("Line %(n)d: %(amount)s has more than two decimal places; round it first.")
                % {"n": index, "amount": amount},
                field="lines",
            )
        if abs(amount) > MONEY_FIELD_MAX:
            raise InvalidInput(
                _("Line %(n)d: %(amount)s is more than one posting can hold (%(max)s).")
                % {"n": index, "amount": amount, "max": MONEY_FIELD_MAX},
                field="lines",
            )
        out.append((str(line.account), quantize_money(amount)))
    if len(out) < 2:
        raise InvalidInput(
            _("An entry needs at least two lines (a debit and a credit)."), field="lines"
        )
    total = sum((amount for _code, amount in out), ZERO)
    if total != 0:
        debits = sum((a for _c, a in out if a > 0), ZERO)
        credits = -sum((a for _c, a in out if a < 0), ZERO)
        raise InvalidInput(
            _(
                "The entry does not balance: debits %(debits)s, credits %(credits)s "
                "(difference %(diff)s)."
            )
            % {"debits": debits, "credits": credits, "diff": total},
            field="lines",
        )
    return sorted(out)


def _existing_matches(entry: JournalEntry, date: dt.date, lines: list[tuple[str, Decimal]]) -> bool:
    existing = sorted(
        (code, amount) for code, amount in entry.postings.values_list("account__code", "amount")
    )
    return entry.date == date and existing == lines


@transaction.atomic
def entry_post(
    *,
    idempotency_key: str,
    date: dt.date,
    memo: str,
    lines: Sequence[Line],
    source_type: str = "",
    source_id: str | int = "",
    actor=None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one balanced journal entry, once per idempotency key.

    Refused with ``InvalidInput``, leaving nothing behind: no lines, a single line, a zero
    line, an amount finer than the cent or larger than a posting holds (18 digits),
    debits that differ from credits, an unknown or inactive account, an empty key or memo.
    Amounts and dates are not held to the limits of what people type (the society's
    largest single amount, the window of dates): ``entry_post`` also posts what the
    system computes, such as an apportionment's total over every member.

    Posting again with the same key returns the first entry when the date and lines are
    the same (marked ``replayed``), and raises ``IdempotencyConflict`` when they differ
    (the key was reused for something else).

    Concurrency: the entry is inserted in a savepoint; when another transaction holds or
    has committed the same key, the unique index makes this one wait and then fail, and
    the committed entry is returned instead, so N simultaneous posts make one entry.
    """
    key = (idempotency_key or "").strip()
    if not key:
        raise InvalidInput(_("An idempotency key is required."), field="idempotency_key")
    if len(key) > KEY_MAX_LENGTH:
        raise InvalidInput(
            _("The idempotency key is longer than %(n)d characters.") % {"n": KEY_MAX_LENGTH},
            field="idempotency_key",
        )
    memo = (memo or "").strip()
    if not memo:
        raise InvalidInput(_("A memo is required: say what the entry is for."), field="memo")
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise InvalidInput(_("The date must be a calendar date."), field="date")
    normalised = _normalise(lines)

    existing = JournalEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _replay(existing, date, normalised)

    codes = {code for code, _amount in normalised}
    accounts = {a.code: a for a in Account.objects.filter(code__in=codes)}
    unknown = sorted(codes - accounts.keys())
    if unknown:
        raise InvalidInput(
            _("Unknown account: %(codes)s.") % {"codes": ", ".join(unknown)}, field="lines"
        )
    inactive = sorted(code for code, account in accounts.items() if not account.is_active)
    # A reversal corrects the past, so it may touch an account closed since.
    if inactive and reverses is None:
        raise InvalidInput(
            _("Account %(codes)s is inactive and takes no new postings.")
            % {"codes": ", ".join(inactive)},
            field="lines",
        )

    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                idempotency_key=key,
                date=date,
                memo=memo[:500],
                currency=settings.SOCIETY_CURRENCY,
                source_type=source_type,
                source_id=str(source_id),
                reverses=reverses,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            Posting.objects.bulk_create(
                Posting(entry=entry, account=accounts[code], amount=amount, date=date)
                for code, amount in normalised
            )
    except IntegrityError:
        # Another transaction posted the same key first (or reversed the same entry).
        existing = JournalEntry.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _replay(existing, date, normalised)
    return entry


def manual_idempotency_key(idempotency_key: str) -> str:
    """The key under which a manual entry with the client's ``idempotency_key`` is stored."""
    return f"{MANUAL_KEY_PREFIX}{(idempotency_key or '').strip()}"


@transaction.atomic
def entry_post_manual(
    *,
    idempotency_key: str,
    date: dt.date,
    memo: str,
    lines: Sequence[Line],
    actor,
) -> JournalEntry:
    """Post an entry a person made by hand (finance, through the API).

    Everything ``entry_post`` refuses is refused, and besides: a line on an account that
    takes no manual entries (``Account.manual_postings_allowed`` off: a control account
    whose balance must equal the sum of another part of the system's records, such as
    contributions receivable) is refused on "lines", naming the account; the entry is
    corrected where those records are kept. The client's key is stored as
    ``manual:<key>``, so that a manual entry never takes a key the system will use;
    posting the same client key again returns the same entry.

    What a person types is held to plausible limits (refused on the field, with the line
    named): every line's amount at most the society's largest single amount
    (``amount_ceiling_check``), and the date not before the society was founded nor
    after the current accounting period, the calendar month (``date_window_check``):
    the books of a later month are not open yet.
    """
    client_key = (idempotency_key or "").strip()
    if not client_key:
        raise InvalidInput(_("An idempotency key is required."), field="idempotency_key")
    if len(client_key) > MANUAL_KEY_MAX_LENGTH:
        raise InvalidInput(
            _("The idempotency key is longer than %(n)d characters.")
            % {"n": MANUAL_KEY_MAX_LENGTH},
            field="idempotency_key",
        )
    key = manual_idempotency_key(client_key)
    # A replay is answered by entry_post (the same entry, or a conflict) even when an
    # account was closed to manual entries since: replaying changes nothing.
    if not JournalEntry.objects.filter(idempotency_key=key).exists():
        codes = {code for code, _amount in _normalise(lines)}  # amounts valid from here
        for index, line in enumerate(lines, start=1):
            amount_ceiling_check(abs(to_decimal(line.amount)), field="lines", line=index)
        if isinstance(date, dt.date) and not isinstance(date, dt.datetime):
            _manual_date_check(date)  # entry_post refuses anything else
        closed = Account.objects.filter(code__in=codes, manual_postings_allowed=False)
        if closed:
            raise InvalidInput(
                _(
                    "Account %(accounts)s is kept by another part of the system and takes "
                    "no manual entries; correct its records there."
                )
                % {"accounts": ", ".join(str(account) for account in closed)},
                field="lines",
            )
    return entry_post(
        idempotency_key=key,
        date=date,
        memo=memo,
        lines=lines,
        source_type=MANUAL_SOURCE,
        source_id=getattr(actor, "pk", None) or "",
        actor=actor,
    )


def _manual_date_check(date: dt.date, field: str = "date") -> None:
    """A date a person gives an entry: from the society's founding to the end of the
    current accounting period (the calendar month)."""
    end = current_period_end()
    date_window_check(
        date,
        field=field,
        latest=end,
        too_late=_(
            "%(date)s is after %(end)s, the end of the current accounting period; an entry "
            "for a later period is posted once that period has begun."
        )
        % {"date": date.isoformat(), "end": end.isoformat()},
    )


def _replay(
    existing: JournalEntry, date: dt.date, lines: list[tuple[str, Decimal]]
) -> JournalEntry:
    if not _existing_matches(existing, date, lines):
        raise IdempotencyConflict(
            _(
                "The idempotency key %(key)s was already used for entry #%(id)s with other "
                "lines or another date; use a new key for a new entry."
            )
            % {"key": existing.idempotency_key, "id": existing.pk},
            field="idempotency_key",
        )
    existing.replayed = True
    return existing


@transaction.atomic
def entry_reverse(
    *,
    entry: JournalEntry | int,
    memo: str = "",
    date: dt.date | None = None,
    actor=None,
) -> JournalEntry:
    """Reverse an entry by posting its mirror (every amount with the opposite sign).

    An entry is reversed at most once: reversing it again returns the same reversal
    (marked ``replayed``: the original is locked, so of simultaneous calls one posts). A
    reversal itself cannot be reversed; post a new entry instead. The reversal is dated
    ``date`` (default today) and never earlier than the entry it reverses.
    """
    entry_id = entry.pk if isinstance(entry, JournalEntry) else entry
    # Lock the original so that two reversals of it queue up behind each other.
    original = JournalEntry.objects.select_for_update().filter(pk=entry_id).first()
    if original is None:
        raise NotFound(_("Journal entry #%(id)s does not exist.") % {"id": entry_id})
    if original.reverses_id is not None:
        raise InvalidInput(
            _("Entry #%(id)s is itself a reversal; post a new entry instead of reversing it.")
            % {"id": original.pk},
            field="entry",
        )
    already = JournalEntry.objects.filter(reverses=original).first()
    if already is not None:
        already.replayed = True
        return already
    date = date or timezone.localdate()
    if date < original.date:
        raise InvalidInput(
            _("A reversal cannot be dated before the entry it reverses (%(date)s).")
            % {"date": original.date.isoformat()},
            field="date",
        )
    lines = [
        Line(code, -amount)
        for code, amount in original.postings.values_list("account__code", "amount")
    ]
    return entry_post(
        idempotency_key=f"reversal:{original.pk}",
        date=date,
        memo=(
            memo
            or _("Reversal of entry #%(id)s: %(memo)s") % {"id": original.pk, "memo": original.memo}
        ),
        lines=lines,
        source_type="ledger.reversal",
        source_id=original.pk,
        actor=actor,
        reverses=original,
    )


@transaction.atomic
def entry_reverse_manual(
    *,
    entry: JournalEntry | int,
    memo: str = "",
    date: dt.date | None = None,
    actor,
) -> JournalEntry:
    """Reverse an entry for a person (finance, through the API or the admin).

    Only an entry people posted (source ``ledger.manual``, or the demo society's opening
    entries) is reversed here. An entry another part of the system posted stands for a
    record kept there (a due, a payment, a claim); reversing it alone would leave that
    record and the ledger disagreeing, so it is refused on "entry" and corrected where the
    record is kept, which reverses the entry itself through ``entry_reverse``. Otherwise
    the rules of ``entry_reverse`` apply, and a date the person gives lies in the window
    of a manual entry (not after the current accounting period).
    """
    entry_id = entry.pk if isinstance(entry, JournalEntry) else entry
    # Lock the original as entry_reverse does (it locks it again: a no-op).
    original = JournalEntry.objects.select_for_update().filter(pk=entry_id).first()
    if original is None:
        raise NotFound(_("Journal entry #%(id)s does not exist.") % {"id": entry_id})
    # A reversal keeps entry_reverse's own refusal ("post a new entry instead").
    if original.reverses_id is None and original.source_type not in MANUALLY_REVERSIBLE_SOURCES:
        raise InvalidInput(
            _(
                "Entry #%(id)s was posted by %(source)s, not by hand, and stands for a "
                "record kept there; correct that record (which reverses the entry with it) "
                "instead of reversing the entry in the ledger."
            )
            % {"id": original.pk, "source": original.source_type or _("the system")},
            field="entry",
        )
    if date is not None and not JournalEntry.objects.filter(reverses=original).exists():
        _manual_date_check(date)
    return entry_reverse(entry=original, memo=memo, date=date, actor=actor)


#: What can stop the daily check from computing or storing its result: a database error
#: (an overflow, a timeout), an arithmetic one (a sum Decimal cannot represent), a value it
#: cannot read. The check is then kept as failed, with the reason, and the admins alerted.
INTEGRITY_CHECK_FAILURES = (DatabaseError, ArithmeticError, ValueError, TypeError)


def _integrity_totals() -> dict:
    """Count and add up the whole ledger in two set-based queries (no row into Python)."""
    totals = Posting.objects.aggregate(
        postings=Count("id"),
        debits=Sum("amount", filter=Q(amount__gt=0), default=ZERO),
        credits=Sum("amount", filter=Q(amount__lt=0), default=ZERO),
    )
    # SQLite adds decimals as binary floats (0.10 + 0.20 - 0.30 is not exactly 0 there):
    # sums are rounded to the cent, and an entry is unbalanced when it misses zero by half
    # a cent or more (amounts are whole cents, so a real difference is at least one).
    debits, credits = quantize_money(totals["debits"]), -quantize_money(totals["credits"])
    unbalanced = (
        Posting.objects.values("entry_id")
        .annotate(total=Sum("amount"))
        .filter(Q(total__gte=HALF_CENT) | Q(total__lte=-HALF_CENT))
        .count()
    )
    reasons = []
    if unbalanced:
        reasons.append(
            _("%(n)d journal entries do not balance.") % {"n": unbalanced},
        )
    if debits != credits:
        reasons.append(
            _("Total debits %(debits)s differ from total credits %(credits)s.")
            % {"debits": debits, "credits": credits}
        )
    return {
        "entries": JournalEntry.objects.count(),
        "postings": totals["postings"],
        "total_debits": debits,
        "total_credits": credits,
        "unbalanced_entries": unbalanced,
        "ok": not reasons,
        "reason": " ".join(reasons),
    }


def integrity_check_run(*, on: dt.date | None = None) -> IntegrityCheck:
    """Check the whole ledger in two set-based queries and keep the day's result.

    The ledger is sound when every entry's postings sum to zero (and so the trial balance
    is zero). One result per day: running it again the same day returns that result.

    The check never crashes on what it cannot compute: whatever stops it from adding up
    the ledger or storing the result (``INTEGRITY_CHECK_FAILURES``) is caught in a
    savepoint, so the transaction stays usable, and the day's result is kept as failed
    with the reason (the counts and totals it could not get left empty). A failed check,
    computed or not, e-mails the admins once, after commit.
    """
    on = on or timezone.localdate()
    existing = IntegrityCheck.objects.filter(checked_on=on).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            check, created = IntegrityCheck.objects.get_or_create(
                checked_on=on, defaults=_integrity_totals()
            )
    except INTEGRITY_CHECK_FAILURES as exc:
        logger.exception("The ledger integrity check of %s could not be computed.", on)
        reason = _("The check could not be computed: %(error)s") % {
            "error": f"{type(exc).__name__}: {str(exc).strip()}"
        }
        # A concurrent run that stored the day's result first wins (created is False).
        check, created = IntegrityCheck.objects.get_or_create(
            checked_on=on, defaults={"ok": False, "reason": reason}
        )
    if created and not check.ok:
        from .tasks import alert_integrity_failure

        # The result is kept with the alert to send: a mail server or broker that is
        # down delays the e-mail, it does not lose it.
        outbox_enqueue(
            task=alert_integrity_failure,
            args=[check.pk],
            key=f"ledger.alert_integrity_failure:{check.pk}",
        )
    return check


def integrity_check_alert(*, check_id: int) -> bool:
    """E-mail ``ADMINS`` that the day's integrity check failed (outside any transaction).
    False when the check passed."""
    check = IntegrityCheck.objects.get(pk=check_id)
    if check.ok:
        return False
    if check.unbalanced_entries is None:
        message = (
            f"The ledger integrity check of {check.checked_on} could not be computed, so "
            f"the ledger is unchecked until it is fixed.\n\n{check.reason}"
        )
    else:
        message = (
            f"{check.unbalanced_entries} journal entries do not balance; total debits "
            f"{check.total_debits}, total credits {check.total_credits} over "
            f"{check.postings} postings in {check.entries} entries.\n\n{check.reason}"
        )
    mail_admins(subject=f"Ledger integrity check failed on {check.checked_on}", message=message)
    return True
