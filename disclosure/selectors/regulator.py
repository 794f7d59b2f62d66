"""The regulator portal's reads: who may read it, and each page's tables.

The portal is read-only and shows records, not publications: a regulator is a supervisor
by law and sees the society's working records whole (claims with the claimant's name and
number, every approved reserve run and assessment, the ledger, meetings with their rolls
and receipts, the audit trail of every app). Each builder returns ``exports.Table``
objects that the page renders and the export writes, so the page and its files show the
same figures. Everything is read through the other apps' selectors; the audit events are
read from every concrete subclass of the one event base (``mutualsociety.common.events``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import CharField, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from claims.selectors import apportionment_summaries, claim_queue, claim_statistics
from governance.selectors import meeting_minutes, meeting_motions, meetings_on_record
from governance.selectors import motion_receipts as governance_motion_receipts
from ledger.selectors import trial_balance
from mutualsociety.common.events import Event
from solvency.selectors import (
    ReserveRunReport,
    assessments_visible_to,
    reserve_runs_visible_to,
    stress_results_latest,
)

from ..exports import Column, Table

#: The permission that opens the portal (given by name only: ``accounts.roles``).
PORTAL_PERM = "disclosure.view_regulator_portal"


def regulator_portal_allowed(user) -> bool:
    """Whether ``user`` may read the regulator portal: the regulator role, and the two
    other oversight roles the permission is given to (the supervisory board and the
    compliance officer, ``accounts.roles``), and superusers."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.has_perm(PORTAL_PERM)
    )


# --- Solvency -----------------------------------------------------------------------------


def reserve_runs_table(user) -> Table:
    runs = reserve_runs_visible_to(user)
    return Table(
        slug="reserve-runs",
        caption=_("Reserve runs"),
        columns=(
            Column("id", _("run"), "int"),
            Column("valuation_date", _("valuation date"), "date"),
            Column("version", _("version"), "int"),
            Column("state", _("state")),
            Column("method", _("method")),
            Column("upr", _("unearned premium reserve"), "money"),
            Column("outstanding", _("outstanding claims reserve"), "money"),
            Column("ibnr", _("IBNR"), "money"),
            Column("std_err_total", _("standard error"), "money"),
            Column("approved_at", _("approved at"), "datetime"),
        ),
        rows=[
            (
                r.pk,
                r.valuation_date,
                r.version,
                r.get_state_display(),
                r.get_method_display(),
                r.upr,
                r.outstanding,
                r.ibnr,
                r.std_err_total,
                r.approved_at,
            )
            for r in runs
        ],
    )


def reserve_run_get(user, run_id: int):
    """A run ``user`` may read, or None."""
    return reserve_runs_visible_to(user).filter(pk=run_id).first()


def reserve_run_tables(report: ReserveRunReport) -> list[Table]:
    """A run's report as tables: totals, results by origin, factors, the two triangles."""
    run = report.run
    tables = [
        Table(
            slug="totals",
            caption=_("Reserves of the run"),
            columns=(Column("item", _("item")), Column("amount", _("amount"), "money")),
            rows=[
                ("upr", run.upr),
                ("outstanding", run.outstanding),
                ("ibnr", run.ibnr),
                ("std_err_total", run.std_err_total),
            ],
        ),
        Table(
            slug="origins",
            caption=_("Results by origin"),
            columns=(
                Column("origin", _("origin")),
                Column("latest", _("incurred to date"), "money"),
                Column("ultimate", _("ultimate"), "money"),
                Column("ibnr", _("IBNR"), "money"),
                Column("std_err", _("standard error"), "money"),
            ),
            rows=[
                (o.label, o.latest, o.ultimate, o.ibnr, o.std_err)  # type: ignore[attr-defined]
                for o in report.origins
            ],
            total=("total", run.latest_total, run.ultimate_total, run.ibnr, run.std_err_total),
        ),
        Table(
            slug="factors",
            caption=_("Development factors"),
            columns=(Column("step", _("development")), Column("factor", _("factor"), "decimal")),
            rows=[(f"{i}-{i + 1}", Decimal(str(f))) for i, f in enumerate(run.factors, start=1)],
        ),
    ]
    for triangle in report.triangles:
        lags = triangle["lags"]
        tables.append(
            Table(
                slug=f"triangle-{triangle['key']}",
                caption=triangle["label"],
                columns=(
                    Column("origin", _("origin")),
                    *(Column(f"lag_{lag}", str(lag), "money") for lag in lags),
                ),
                rows=[
                    (row["label"], *(cell["value"] for cell in row["cells"]))
                    for row in triangle["rows"]
                ],
            )
        )
    return tables


def assessments_table(user) -> Table:
    assessments = assessments_visible_to(user)
    return Table(
        slug="assessments",
        caption=_("Solvency assessments"),
        columns=(
            Column("id", _("assessment"), "int"),
            Column("regime", _("regime")),
            Column("valuation_date", _("valuation date"), "date"),
            Column("version", _("version"), "int"),
            Column("state", _("state")),
            Column("actual_capital", _("actual capital"), "money"),
            Column("core_capital", _("core capital"), "money"),
            Column("minimum_capital", _("minimum capital"), "money"),
            Column("comprehensive_ratio", _("comprehensive ratio (%)"), "decimal"),
            Column("core_ratio", _("core ratio (%)"), "decimal"),
            Column("rating", _("rating")),
            Column("approved_at", _("approved at"), "datetime"),
        ),
        rows=[
            (
                a.pk,
                a.regime.display_name,
                a.valuation_date,
                a.version,
                a.get_state_display(),
                a.actual_capital,
                a.core_capital,
                a.minimum_capital,
                a.comprehensive_ratio,
                a.core_ratio,
                a.rating,
                a.approved_at,
            )
            for a in assessments
        ],
    )


def assessment_get(user, assessment_id: int):
    """An assessment ``user`` may read, or None."""
    return assessments_visible_to(user).filter(pk=assessment_id).first()


def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """A JSON document as (path, value) pairs: ``claims.paid_12m`` → ``"1234.50"``."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _flatten(item, f"{prefix}[{i}]")
    else:
        yield prefix, value


def assessment_tables(assessment) -> list[Table]:
    """An assessment's module charges and adjustments, its inputs, its stress results."""
    lines = list(assessment.lines.all())
    stress = stress_results_latest(assessment)
    return [
        Table(
            slug="lines",
            caption=_("Module charges and adjustments"),
            columns=(
                Column("kind", _("kind")),
                Column("code", _("code")),
                Column("name", _("name")),
                Column("amount", _("amount"), "money"),
            ),
            rows=[(x.get_kind_display(), x.code, x.display_name, x.amount) for x in lines],
            total=(
                "",
                "",
                _("minimum capital"),
                assessment.minimum_capital,
            ),
        ),
        Table(
            slug="inputs",
            caption=_("Inputs used"),
            columns=(Column("input", _("input")), Column("value", _("value"))),
            rows=[
                (path, "" if value is None else str(value))
                for path, value in _flatten(assessment.inputs)
            ],
            note=_("SHA-256 of the inputs: %(digest)s") % {"digest": assessment.inputs_digest},
        ),
        Table(
            slug="stress",
            caption=_("Stress results"),
            columns=(
                Column("scenario", _("scenario")),
                Column("claims_loss", _("loss from claims"), "money"),
                Column("reserve_loss", _("loss from reserve deterioration"), "money"),
                Column("asset_loss", _("loss on assets"), "money"),
                Column("actual_capital", _("actual capital"), "money"),
                Column("minimum_capital", _("minimum capital"), "money"),
                Column("comprehensive_ratio", _("comprehensive ratio (%)"), "decimal"),
                Column("core_ratio", _("core ratio (%)"), "decimal"),
                Column("status", _("status on the ladder")),
                Column("computed_at", _("computed at"), "datetime"),
            ),
            rows=[
                (
                    r.scenario.display_name,
                    r.claims_loss,
                    r.reserve_loss,
                    r.asset_loss,
                    r.actual_capital,
                    r.minimum_capital,
                    r.comprehensive_ratio,
                    r.core_ratio,
                    r.status,
                    r.computed_at,
                )
                for r in stress
            ],
        ),
    ]


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


# --- Audit events -------------------------------------------------------------------------


def event_models() -> list[type[Event]]:
    """Every concrete event table of the project (each app's subclass of ``Event``), in
    the order of their labels."""
    found = [
        model
        for model in apps.get_models()
        if issubclass(model, Event) and not model._meta.abstract
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


@dataclass(frozen=True)
class EventFilter:
    app: str = ""
    type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _filtered(model: type[Event], where: EventFilter) -> QuerySet:
    qs = model._default_manager.all()
    if where.type:
        qs = qs.filter(type=where.type)
    if where.date_from is not None:
        qs = qs.filter(at__date__gte=where.date_from)
    if where.date_to is not None:
        qs = qs.filter(at__date__lte=where.date_to)
    return qs


def _models_for(where: EventFilter) -> list[type[Event]]:
    return [m for m in event_models() if not where.app or m._meta.app_label == where.app]


def event_types() -> list[tuple[str, str]]:
    """(code, label) of every event type of every table, for the filter."""
    seen: dict[str, str] = {}
    for model in event_models():
        for code, label in model._meta.get_field("type").choices or ():
            seen.setdefault(code, str(label))
    return sorted(seen.items())


class EventIndex:
    """The merged, newest-first index of every event table under a filter: ``count()``
    and slicing read one UNION ALL of (table, id, at) — then ``page()`` loads the rows of
    a slice, one query per table present on it (with the actor joined), never per row."""

    def __init__(self, where: EventFilter) -> None:
        self.where = where
        self.models = _models_for(where)

    def _union(self) -> QuerySet | None:
        parts = [
            _filtered(model, self.where)
            .annotate(table=Value(model._meta.label_lower, output_field=CharField()))
            .values_list("table", "id", "at")
            .order_by()
            for model in self.models
        ]
        if not parts:
            return None
        first, *rest = parts
        return first.union(*rest, all=True) if rest else first

    def count(self) -> int:
        union = self._union()
        return union.count() if union is not None else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Event]:
        union = self._union()
        if union is None:
            return []
        keys = list(union.order_by("-at", "-id")[window])
        by_table: dict[str, list[int]] = {}
        for table, pk, _at in keys:
            by_table.setdefault(table, []).append(pk)
        rows: dict[tuple[str, int], Event] = {}
        for table, ids in by_table.items():
            model = apps.get_model(table)
            for event in model._default_manager.filter(pk__in=ids).select_related("actor"):
                rows[(table, event.pk)] = event
        return [rows[(table, pk)] for table, pk, _at in keys if (table, pk) in rows]


def event_row(event: Event) -> tuple:
    meta = event._meta
    subject_field = type(event).subject_field
    subject_id = getattr(event, f"{subject_field}_id", None) if subject_field else None
    subject = (
        f"{meta.get_field(subject_field).related_model._meta.verbose_name} #{subject_id}"  # type: ignore[union-attr]
        if subject_field
        else ""
    )
    return (
        event.at,
        meta.app_label,
        str(meta.verbose_name),
        event.type,
        event.get_type_display(),  # type: ignore[attr-defined]
        subject,
        event.actor.get_username() if event.actor else "",
        event.old_value,
        event.new_value,
        event.reason,
    )


def events_table(events: Iterable[Event]) -> Table:
    return Table(
        slug="events",
        caption=_("Audit events"),
        columns=(
            Column("at", _("at"), "datetime"),
            Column("app", _("app")),
            Column("table", _("record")),
            Column("type", _("type")),
            Column("type_label", _("event")),
            Column("subject", _("subject")),
            Column("actor", _("by")),
            Column("old_value", _("from")),
            Column("new_value", _("to")),
            Column("reason", _("reason")),
        ),
        rows=[event_row(e) for e in events],
    )
