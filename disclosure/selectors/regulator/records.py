"""The books, the claims and the governance records: the trial balance at a day, every
claim in full with the statistics and the apportionment periods, meetings with their
rolls, receipts and minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from claims.selectors import apportionment_summaries, claim_queue, claim_statistics
from governance.selectors import meeting_minutes, meeting_motions, meetings_on_record
from governance.selectors import motion_receipts as governance_motion_receipts
from ledger.selectors import trial_balance

from ...exports import Column, Table

# --- Ledger -------------------------------------------------------------------------------


def quarter_ends(today: dt.date, n: int = 8) -> list[dt.date]:
    """The last ``n`` quarter ends on or before ``today``, newest first."""
    ends = []
    year, quarter = today.year, (today.month - 1) // 3  # the quarter before this one
    if quarter == 0:
        year, quarter = year - 1, 4
    for _i in range(n):
        month = quarter * 3
        ends.append(dt.date(year, month, 31 if month in (3, 12) else 30))
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return ends


def trial_balance_table(as_of: dt.date) -> Table:
    balance = trial_balance(as_of=as_of)
    return Table(
        slug="trial-balance",
        caption=_("Trial balance at the end of %(day)s") % {"day": as_of.isoformat()},
        columns=(
            Column("code", _("code")),
            Column("account", _("account")),
            Column("type", _("type")),
            Column("debits", _("debits"), "money"),
            Column("credits", _("credits"), "money"),
            Column("debit_balance", _("debit balance"), "money"),
            Column("credit_balance", _("credit balance"), "money"),
        ),
        rows=[
            (
                r.account.code,
                r.account.display_name,
                r.account.get_type_display(),
                r.debits,
                r.credits,
                r.debit_balance,
                r.credit_balance,
            )
            for r in balance.rows
        ],
        total=(
            "",
            _("total"),
            "",
            sum((r.debits for r in balance.rows), Decimal("0.00")),
            sum((r.credits for r in balance.rows), Decimal("0.00")),
            balance.total_debits,
            balance.total_credits,
        ),
    )


# --- Claims -------------------------------------------------------------------------------


def claim_statistics_table() -> Table:
    stats = claim_statistics()
    rows: list[tuple[str, Any]] = [
        ("claims", stats["claims"]),
        *((f"status_{status}", n) for status, n in stats["by_status"].items()),
        ("amount_claimed", stats["amount_claimed"]),
        ("amount_approved", stats["amount_approved"]),
        ("amount_paid", stats["amount_paid"]),
        ("days_to_payment_mean", stats["days_to_payment_mean"]),
        ("days_to_payment_p90", stats["days_to_payment_p90"]),
        ("rejection_rate", stats["rejection_rate"]),
        ("objection_rate", stats["objection_rate"]),
        ("overturn_rate", stats["overturn_rate"]),
        ("panels_decided", stats["panels_decided"]),
    ]
    return Table(
        slug="statistics",
        caption=_("Claims statistics (every claim submitted)"),
        columns=(Column("measure", _("measure")), Column("value", _("value"), "decimal")),
        rows=[(k, Decimal(str(v)) if isinstance(v, float) else v) for k, v in rows],
    )


def claims_queryset(status: str = "") -> QuerySet:
    """Every claim (the full record), newest submission first."""
    return claim_queue(status or None).order_by("-submitted_at", "-id")


def claims_table(claims: Iterable) -> Table:
    return Table(
        slug="claims",
        caption=_("Claims"),
        columns=(
            Column("number", _("claim number")),
            Column("member_number", _("member number")),
            Column("claimant", _("claimant")),
            Column("plan", _("plan")),
            Column("kind", _("kind of event")),
            Column("event_date", _("event date"), "date"),
            Column("submitted_at", _("submitted at"), "datetime"),
            Column("status", _("status")),
            Column("amount_claimed", _("amount claimed"), "money"),
            Column("assessed_amount", _("assessed amount"), "money"),
            Column("paid_amount", _("paid amount"), "money"),
            Column("decided_at", _("decided at"), "datetime"),
            Column("paid_at", _("paid at"), "datetime"),
        ),
        rows=[
            (
                c.number,
                c.member.member_number,
                c.member.legal_name,
                c.plan.code,
                c.get_kind_display(),
                c.event_date,
                c.submitted_at,
                c.get_status_display(),
                c.amount_claimed,
                c.assessed_amount,
                c.paid_amount,
                c.decided_at,
                c.paid_at,
            )
            for c in claims
        ],
    )


def apportionment_table() -> Table:
    periods = apportionment_summaries(published_only=False)
    return Table(
        slug="apportionment",
        caption=_("Apportionment periods"),
        columns=(
            Column("plan", _("plan")),
            Column("period_start", _("period from"), "date"),
            Column("cutoff", _("cut-off"), "date"),
            Column("claim_count", _("cases"), "int"),
            Column("benefits_total", _("benefits shared"), "money"),
            Column("fee", _("management fee"), "money"),
            Column("total", _("total to share"), "money"),
            Column("members_sharing", _("members sharing"), "int"),
            Column("share_per_member", _("share per member"), "money"),
            Column("capped_members", _("members at the cap"), "int"),
            Column("shortfall", _("shortfall"), "money"),
            Column("published_at", _("published at"), "datetime"),
        ),
        rows=[
            (
                p.plan.code,
                p.period_start,
                p.cutoff,
                p.claim_count,
                p.benefits_total,
                p.fee,
                p.total,
                p.members_sharing,
                p.share_per_member,
                p.capped_members,
                p.shortfall,
                p.published_at,
            )
            for p in periods
        ],
    )


# --- Governance ---------------------------------------------------------------------------


def meetings_table() -> Table:
    meetings = meetings_on_record()
    return Table(
        slug="meetings",
        caption=_("Meetings"),
        columns=(
            Column("id", _("meeting"), "int"),
            Column("body", _("body")),
            Column("title", _("title")),
            Column("status", _("status")),
            Column("voting_opens_at", _("voting opens"), "datetime"),
            Column("voting_closes_at", _("voting closes"), "datetime"),
            Column("record_date", _("record date"), "date"),
            Column("roll_size", _("voters on the roll"), "int"),
            Column("roll_hash", _("voter roll SHA-256")),
            Column("minutes_approved_at", _("minutes approved at"), "datetime"),
            Column("published_at", _("published at"), "datetime"),
        ),
        rows=[
            (
                m.pk,
                str(m.body),
                m.title,
                m.get_status_display(),
                m.voting_opens_at,
                m.voting_closes_at,
                m.record_date,
                m.roll_size,
                m.roll_hash,
                m.minutes_approved_at,
                m.published_at,
            )
            for m in meetings
        ],
    )


@dataclass(frozen=True)
class MeetingRecord:
    meeting: Any
    minutes: str | None
    tables: list[Table]


def meeting_record(meeting) -> MeetingRecord:
    """A meeting's motions with their counts, and the receipt list of each motion."""
    motions = meeting_motions(meeting)
    tables = [
        Table(
            slug="motions",
            caption=_("Motions and their results"),
            columns=(
                Column("number", _("number"), "int"),
                Column("title", _("title")),
                Column("eligible", _("eligible voters"), "int"),
                Column("participants", _("took part"), "int"),
                Column("votes_for", _("for"), "int"),
                Column("votes_against", _("against"), "int"),
                Column("abstentions", _("abstentions"), "int"),
                Column("quorum_met", _("quorum met"), "bool"),
                Column("outcome", _("outcome")),
            ),
            rows=[
                (
                    m.number,
                    m.title,
                    m.eligible,
                    m.participants,
                    m.votes_for,
                    m.votes_against,
                    m.abstentions,
                    m.quorum_met,
                    m.get_outcome_display() if m.outcome else "",
                )
                for m in motions
            ],
        )
    ]
    for motion in motions:
        receipts = governance_motion_receipts(motion)
        tables.append(
            Table(
                slug=f"receipts-{motion.number}",
                caption=_("Receipts of motion %(number)s") % {"number": motion.number},
                columns=(
                    Column("receipt", _("receipt code")),
                    Column("choice", _("choice")),
                    Column("candidates", _("candidates")),
                ),
                rows=[(b.receipt, b.choice, "; ".join(b.candidates)) for b in receipts],
                note=_("Published once voting has closed; none before."),
            )
        )
    return MeetingRecord(meeting=meeting, minutes=meeting_minutes(meeting), tables=tables)
