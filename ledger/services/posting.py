"""Posting and reversing journal entries: the one way money moves.

``entry_post`` validates a set of lines, posts them as one balanced entry under an
idempotency key, and returns the entry. ``entry_reverse`` posts the mirror of an entry.
``entries_post`` posts many entries as ``entry_post`` would, in a fixed number of
statements (a set-based job owing one entry per row). Other apps post through these only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput, NotFound
from mutualsociety.common.money import (
    MONEY_FIELD_MAX,
    ZERO,
    is_whole_cents,
    quantize_money,
    to_decimal,
)

from ..models import Account, JournalEntry, Posting

KEY_MAX_LENGTH = 200


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


def lines_normalise(lines: Sequence[Line]) -> list[tuple[str, Decimal]]:
    """Validate the lines of an entry; return (account code, amount) sorted, for comparing
    replays. Refused with ``InvalidInput`` on "lines": fewer than two lines, an amount
    that is not a number, zero, finer than the cent or larger than a posting holds, and
    debits that differ from credits."""
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
    normalised = lines_normalise(lines)

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


@dataclass(frozen=True)
class EntrySpec:
    """One entry of a set posted by ``entries_post`` (the arguments of ``entry_post``)."""

    idempotency_key: str
    date: dt.date
    memo: str
    lines: Sequence[Line]
    source_type: str = ""
    source_id: str | int = ""


def entries_post(*, entries: Sequence[EntrySpec], actor=None) -> int:
    """Post many balanced entries at once, each as ``entry_post`` would, with a fixed
    number of statements whatever their number: the keys already posted are read in one
    query (each a replay: the same date and lines, or ``IdempotencyConflict``), the new
    entries inserted in one statement and their postings in another. For a service that
    owes one entry per row of a set (an advance settling each of many dues). Every entry
    is validated first, so that one refused leaves nothing behind. Returns how many were
    posted (replays not counted)."""
    if not entries:
        return 0
    normalised: dict[str, tuple[EntrySpec, list[tuple[str, Decimal]]]] = {}
    for spec in entries:
        key = (spec.idempotency_key or "").strip()
        if not key or len(key) > KEY_MAX_LENGTH or key in normalised:
            raise InvalidInput(
                _("Each entry needs its own idempotency key of at most %(n)d characters.")
                % {"n": KEY_MAX_LENGTH},
                field="idempotency_key",
            )
        if not (spec.memo or "").strip():
            raise InvalidInput(_("A memo is required: say what the entry is for."), field="memo")
        normalised[key] = (spec, lines_normalise(spec.lines))
    for existing in JournalEntry.objects.filter(idempotency_key__in=list(normalised)):
        spec, lines = normalised.pop(existing.idempotency_key)
        _replay(existing, spec.date, lines)
    if not normalised:
        return 0
    codes = {code for _spec, lines in normalised.values() for code, _amount in lines}
    accounts = {a.code: a for a in Account.objects.filter(code__in=codes, is_active=True)}
    missing = sorted(codes - accounts.keys())
    if missing:
        raise InvalidInput(
            _("Unknown account: %(codes)s.") % {"codes": ", ".join(missing)}, field="lines"
        )
    created_by = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        rows = JournalEntry.objects.bulk_create(
            JournalEntry(
                idempotency_key=key,
                date=spec.date,
                memo=spec.memo.strip()[:500],
                currency=settings.SOCIETY_CURRENCY,
                source_type=spec.source_type,
                source_id=str(spec.source_id),
                created_by=created_by,
            )
            for key, (spec, _lines) in normalised.items()
        )
        Posting.objects.bulk_create(
            Posting(entry=row, account=accounts[code], amount=amount, date=row.date)
            for row, (_spec, lines) in zip(rows, normalised.values(), strict=True)
            for code, amount in lines
        )
    return len(rows)


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
            % {"date": format_date(original.date)},
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
