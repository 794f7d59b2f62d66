"""Entries people make by hand (finance, through the API or the admin).

A person's entry stays off the control accounts that another part of the system keeps,
lives in its own key namespace, and a person reverses only entries that people posted;
an entry another part of the system posted is corrected there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput, NotFound
from mutualsociety.common.money import to_decimal
from mutualsociety.common.selectors import current_period_end
from mutualsociety.common.services import amount_ceiling_check, date_window_check

from ..models import Account, JournalEntry
from .posting import KEY_MAX_LENGTH, Line, entry_post, entry_reverse, lines_normalise

#: The source of an entry a person posted through a face.
MANUAL_SOURCE = "ledger.manual"
#: Sources whose entries a person may reverse through a face: manual entries, and the
#: demo society's opening entries (``seed_demo``), which no other record stands behind.
MANUALLY_REVERSIBLE_SOURCES = frozenset({MANUAL_SOURCE, "demo"})
#: A manual entry's key is stored under this prefix, so that it never takes a key that a
#: part of the system will use ("members.due:12", "reversal:7").
MANUAL_KEY_PREFIX = "manual:"
MANUAL_KEY_MAX_LENGTH = KEY_MAX_LENGTH - len(MANUAL_KEY_PREFIX)


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
        codes = {code for code, _amount in lines_normalise(lines)}  # amounts valid from here
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
        debited = {code for code, amount in lines_normalise(lines) if amount > 0}
        guarded = Account.objects.filter(code__in=debited, manual_debits_allowed=False)
        if guarded:
            raise InvalidInput(
                _(
                    "Account %(accounts)s is reduced only by its own procedure (a repayment "
                    "of the fund is made under its rules), not by a manual entry."
                )
                % {"accounts": ", ".join(str(account) for account in guarded)},
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
    already = JournalEntry.objects.filter(reverses=original).first()
    if already is not None:
        # A replay returns the reversal made; one that asks for another date or memo is
        # not a replay but a second, different reversal of the same entry: refused, as a
        # reused idempotency key with other lines is.
        conflicts = {}
        if date is not None and date != already.date:
            conflicts["date"] = [
                _("Entry #%(id)s was already reversed on %(date)s by entry #%(reversal)s.")
                % {"id": original.pk, "date": format_date(already.date), "reversal": already.pk}
            ]
        if (memo or "").strip() and memo.strip() != already.memo:
            conflicts["memo"] = [
                _("Entry #%(id)s was already reversed by entry #%(reversal)s with another memo.")
                % {"id": original.pk, "reversal": already.pk}
            ]
        if conflicts:
            raise IdempotencyConflict(
                _(
                    "Entry #%(id)s was already reversed by entry #%(reversal)s; an entry is "
                    "reversed once. Post a new entry to correct it further."
                )
                % {"id": original.pk, "reversal": already.pk},
                fields=conflicts,
            )
    elif date is not None:
        _manual_date_check(date)
    return entry_reverse(entry=original, memo=memo, date=date, actor=actor)
