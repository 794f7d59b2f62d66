"""The figures of the automatic publications, read from the other apps' selectors.

Each function returns the ``content`` a publication stores (JSON: amounts as strings with
their cents, dates as ISO strings, ``jsonable``). The content must depend on the approved
records only, never on the clock or on the request: ``publication_publish_auto`` compares
it with the published version to tell "nothing changed" (a no-op) from "new figures" (a
correction). So every date in it comes from the records (a meeting's publication, an
assessment's approval), and a quarter's history is cut at that quarter.

The quarterly solvency report and the annual report take their figures in the layout
``disclosure.reports.builders`` documents; the same dict is the publication's content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from claims.selectors.statistics import (
    apportionment_summaries,
    claim_statistics,
    claim_statistics_by_month,
)
from governance.models import Meeting
from governance.selectors import (
    body_mandates,
    governing_bodies,
    meeting_agenda,
    meeting_minutes,
    meeting_motions,
    meeting_results,
    motion_receipts,
    published_meetings,
)
from ledger.selectors import Section, balance_sheet, income_statement
from mutualsociety.common.money import quantize_rate
from mutualsociety.common.periods import period_end, period_index, period_start
from mutualsociety.common.selectors import society_get
from solvency.models import SolvencyAssessment
from solvency.selectors import (
    assessment_thresholds,
    reserve_run_latest_approved,
    reserve_totals,
    solvency_history,
    solvency_summary,
    status_label,
)

from ..reports import jsonable
from ..selectors.figures import key_figures

#: Quarters of solvency history a quarterly report shows (the dashboard's eight).
HISTORY_QUARTERS = 8
#: How far back the history is read before it is cut at the report's quarter.
HISTORY_DEPTH = 200


# --- Periods ---------------------------------------------------------------------------


def quarter_label(day: dt.date) -> str:
    """The quarter ``day`` falls in, as publications name it: ``2026Q3``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the quarter ``day`` falls in."""
    index = period_index(day, "quarter")
    return period_start(index, "quarter"), period_end(index, "quarter")


def is_quarter_end(day: dt.date) -> bool:
    return quarter_bounds(day)[1] == day


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh, "en": en or zh}


def _common(start: dt.date, end: dt.date, generated_on: dt.date) -> dict[str, Any]:
    society = society_get()
    return {
        "schema": 1,
        "society": {"name": society.name, "name_en": society.name_en},
        "currency": settings.SOCIETY_CURRENCY,
        "period": {"start": start, "end": end},
        "generated_on": generated_on,
    }


# --- Governance ------------------------------------------------------------------------


def _turnout(participants: int | None, eligible: int | None) -> Decimal | None:
    if not eligible or participants is None:
        return None
    return quantize_rate(Decimal(participants) / Decimal(eligible))


def _receipts_sha256(motion) -> str:
    """A fingerprint of a motion's published receipt list (``receipt:choice`` lines in
    receipt order): a voter who checked their receipt on the list can tell it is the
    list published here."""
    digest = hashlib.sha256()
    for ballot in motion_receipts(motion):
        names = ",".join(ballot.candidates)
        digest.update(f"{ballot.receipt}:{ballot.choice}:{names}\n".encode())
    return digest.hexdigest()


def meeting_head(meeting: Meeting) -> dict[str, Any]:
    """What every publication of a meeting says about it."""
    body = meeting.body
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "body": _label(body.name, body.name_en),
        "body_kind": body.kind,
        "kind": meeting.kind,
        "location": meeting.location,
        "voting_opens_at": timezone.localtime(meeting.voting_opens_at).isoformat(),
        "voting_closes_at": timezone.localtime(meeting.voting_closes_at).isoformat(),
        "record_date": meeting.record_date,
        "secret_ballot": meeting.secret_ballot,
        "roll_size": meeting.roll_size,
        "roll_sha256": meeting.roll_hash,
    }


def meeting_notice_figures(meeting: Meeting) -> dict[str, Any]:
    """The notice of a convened meeting: when, where, the agenda with its documents and
    motions (``meeting_agenda``) and every motion put to the vote (``meeting_motions``)."""
    agenda = []
    for item in meeting_agenda(meeting):
        agenda.append(
            {
                "order": item.order,
                "title": item.title,
                "description": item.description,
                "documents": [{"title": d.title, "url": d.url} for d in item.documents.all()],
                "motions": [
                    {"number": m.number, "title": m.title, "kind": m.kind, "matter": m.matter}
                    for m in sorted(item.motions.all(), key=lambda m: m.number)
                ],
            }
        )
    return jsonable(
        {
            "meeting": meeting_head(meeting),
            "convened_on": _local_day(meeting.convened_at),
            "agenda": agenda,
            "motions": [
                {"number": m.number, "title": m.title, "kind": m.kind, "matter": m.matter}
                for m in meeting_motions(meeting)
            ],
        }
    )


def resolution_figures(meeting: Meeting) -> dict[str, Any]:
    """Each motion's declared result (``meeting_results``): votes for, against and
    abstaining, turnout (took part / eligible, a fraction), outcome, the elected, and the
    fingerprints of the frozen roll and of the published receipt list."""
    motions = []
    for motion in meeting_results(meeting):
        candidates = getattr(motion, "ballot_candidates", [])
        motions.append(
            {
                "number": motion.number,
                "title": motion.title,
                "kind": motion.kind,
                "matter": motion.matter,
                "outcome": motion.outcome,
                "eligible": motion.eligible,
                "participants": motion.participants,
                "votes_for": motion.votes_for,
                "votes_against": motion.votes_against,
                "abstentions": motion.abstentions,
                "votes_cast": motion.votes_cast,
                "quorum_met": motion.quorum_met,
                "turnout": _turnout(motion.participants, motion.eligible),
                "roll_sha256": meeting.roll_hash,
                "receipts_sha256": _receipts_sha256(motion),
                "candidates": [
                    {"name": c.member.legal_name, "votes": c.votes, "status": c.status}
                    for c in candidates
                ],
                "elected": [c.member.legal_name for c in candidates if c.status == "elected"],
            }
        )
    return jsonable(
        {
            "meeting": meeting_head(meeting),
            "results_declared_on": _local_day(meeting.results_declared_at),
            "motions": motions,
        }
    )


def minutes_figures(meeting: Meeting) -> dict[str, Any]:
    """The approved minutes (``meeting_minutes``) with the meeting they record."""
    return jsonable(
        {
            "meeting": meeting_head(meeting),
            "minutes_approved_on": _local_day(meeting.minutes_approved_at),
            "minutes": meeting_minutes(meeting) or "",
        }
    )


# --- Claims ----------------------------------------------------------------------------


def apportionment_figures(period) -> dict[str, Any]:
    """A published apportionment period as ``apportionment_summaries`` gives it."""
    plan = period.plan
    return jsonable(
        {
            "plan": {"code": plan.code, "name": _label(plan.name, plan.name_en)},
            "period_start": period.period_start,
            "cutoff": period.cutoff,
            "claim_count": period.claim_count,
            "benefits_total": period.benefits_total,
            "fee_rate": period.fee_rate,
            "fee": period.fee,
            "total": period.total,
            "members_sharing": period.members_sharing,
            "share_per_member": period.share_per_member,
            "extra_cent_members": period.extra_cent_members,
            "annual_cap": period.annual_cap,
            "capped_members": period.capped_members,
            "shares_total": period.shares_total,
            "shortfall": period.shortfall,
            "shortfall_fee_waived": period.shortfall_fee_waived,
            "shortfall_from_surplus": period.shortfall_from_surplus,
            "published_on": _local_day(period.published_at),
        }
    )


def claims_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Claims submitted from ``start`` to ``end``: ``claim_statistics`` and the months of
    ``claim_statistics_by_month`` (plans by code)."""
    return jsonable(
        {
            "period": {"start": start, "end": end},
            "statistics": claim_statistics(date_from=start, date_to=end),
            "by_month": [
                {**row, "plan": row.pop("plan__code")}
                for row in claim_statistics_by_month(date_from=start, date_to=end)
            ],
        }
    )


# --- Ledger ----------------------------------------------------------------------------


def _result_label() -> dict[str, str]:
    """The ledger's "result not yet appropriated" line in both languages: the content
    must not depend on the language the job runs in."""
    labels = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels[language] = gettext("Result not yet appropriated")
    return labels


def _lines(section: Section) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for account, _name, amount in section.rows:
        if account is None:  # the result not yet appropriated
            out.append({"code": None, "name": _result_label(), "amount": amount})
        else:
            out.append(
                {
                    "code": account.code,
                    "name": _label(account.name, account.name_en),
                    "amount": amount,
                }
            )
    return out


def finances_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The balance sheet at ``end`` and the income statement from ``start`` to ``end``
    (``ledger.selectors``), each line with its account and amount, and the totals."""
    sheet = balance_sheet(as_of=end)
    income = income_statement(start=start, end=end)
    return jsonable(
        {
            "balance_sheet": {
                "as_of": end,
                "assets": _lines(sheet.assets),
                "liabilities": _lines(sheet.liabilities),
                "equity": _lines(sheet.equity),
                "total_assets": sheet.assets.total,
                "total_liabilities": sheet.liabilities.total,
                "total_equity": sheet.equity.total,
            },
            "income_statement": {
                "start": start,
                "end": end,
                "income": _lines(income.income),
                "expenses": _lines(income.expenses),
                "total_income": income.income.total,
                "total_expenses": income.expenses.total,
                "net_result": income.net_result,
            },
        }
    )


# --- Solvency --------------------------------------------------------------------------


def _status_labels(status: str, regime) -> dict[str, str]:
    labels = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels[language] = str(status_label(status, regime=regime))
    return labels


def solvency_block(assessment: SolvencyAssessment) -> dict[str, Any]:
    """An approved assessment as the reports' ``SOLVENCY`` block: ``solvency_summary``
    with the thresholds it was judged by, and the assessment's capital, requirement and
    breakdown."""
    summary = solvency_summary(assessment)
    thresholds = assessment_thresholds(assessment)
    regime = assessment.regime
    lines = list(assessment.lines.all())
    capital_lines = (assessment.inputs or {}).get("capital", [])
    return {
        "assessment_id": assessment.pk,
        "version": assessment.version,
        "valuation_date": summary.valuation_date,
        "approved_on": _local_day(summary.approved_at),
        "regime": {"code": regime.code, "name": _label(regime.name, regime.name_en)},
        "comprehensive_ratio": summary.comprehensive_ratio,
        "core_ratio": summary.core_ratio,
        "mcr_ratio": summary.mcr_ratio,
        "rating": summary.rating,
        "status": summary.status,
        "status_label": _status_labels(summary.status, regime),
        "early_warning": summary.early_warning,
        "deadline": summary.deadline,
        "thresholds": {
            "comprehensive": thresholds.comprehensive,
            "core": thresholds.core,
            "mcr": thresholds.mcr,
            "rating": thresholds.rating,
            "early_warning_points": thresholds.early_warning_points,
        },
        "capital": {
            "core": assessment.core_capital,
            "supplementary": assessment.supplementary_capital,
            "admitted_supplementary": assessment.admitted_supplementary,
            "actual": assessment.actual_capital,
            "minimum": assessment.minimum_capital,
            "mcr": assessment.mcr,
        },
        "requirement": {
            "modules_total": assessment.undiversified_requirement,
            "diversified": assessment.diversified_requirement,
            "adjustments": assessment.adjustments_total,
        },
        "modules": [
            {"code": li.code, "name": _label(li.name, li.name_en), "amount": li.amount}
            for li in lines
            if li.kind == "module"
        ],
        "adjustments": [
            {"code": li.code, "name": _label(li.name, li.name_en), "amount": li.amount}
            for li in lines
            if li.kind == "adjustment"
        ],
        "capital_lines": [
            {
                "code": line.get("code", ""),
                "name": line.get("label") or line.get("code", ""),
                "tier": line.get("tier", ""),
                "amount": line.get("amount") or "0.00",
            }
            for line in capital_lines
        ],
    }


def solvency_history_until(assessment: SolvencyAssessment) -> list[dict[str, Any]]:
    """The last ``HISTORY_QUARTERS`` quarters of ``solvency_history`` up to the quarter of
    ``assessment`` (later quarters are cut, so that approving them changes nothing here)."""
    points = [
        p
        for p in solvency_history(HISTORY_DEPTH, regime=assessment.regime)
        if p.valuation_date <= assessment.valuation_date
    ][-HISTORY_QUARTERS:]
    return [
        {
            "quarter": p.quarter,
            "valuation_date": p.valuation_date,
            "comprehensive_ratio": p.comprehensive_ratio,
            "core_ratio": p.core_ratio,
            "mcr_ratio": p.mcr_ratio,
            "status": p.status,
            "status_label": _status_labels(p.status, assessment.regime),
            "early_warning": p.early_warning,
        }
        for p in points
    ]


def reserves_block(valuation_date: dt.date) -> dict[str, Any] | None:
    """The approved reserve run an assessment at ``valuation_date`` counts, or None."""
    run = reserve_run_latest_approved(as_of=valuation_date)
    if run is None:
        return None
    totals = reserve_totals(run)
    return {
        "valuation_date": run.valuation_date,
        "upr": totals.upr,
        "outstanding": totals.outstanding,
        "ibnr": totals.ibnr,
    }


def solvency_quarterly_figures(assessment: SolvencyAssessment) -> dict[str, Any]:
    """The quarterly solvency report's figures for an approved assessment (the layout of
    ``disclosure.reports.builders``), dated by its approval."""
    start, end = quarter_bounds(assessment.valuation_date)
    generated = _local_day(assessment.approved_at) or assessment.valuation_date
    figures = {
        **_common(start, end, generated),
        "solvency": solvency_block(assessment),
        "history": solvency_history_until(assessment),
    }
    reserves = reserves_block(assessment.valuation_date)
    if reserves is not None:
        figures["reserves"] = reserves
    return jsonable(figures)


# --- The annual report -----------------------------------------------------------------


def governance_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The bodies with their members sitting at ``end`` (``body_mandates``) and the
    meetings published whose vote closed in the year, with their results."""
    bodies = []
    for body in governing_bodies():
        bodies.append(
            {
                "kind": body.kind,
                "name": _label(body.name, body.name_en),
                "seats": body.seats,
                "mandates": [
                    {
                        "name": m.member.legal_name,
                        "role": m.role,
                        "starts_on": m.starts_on,
                        "ends_on": m.ends_on,
                    }
                    for m in body_mandates(body, on=end)
                ],
            }
        )
    meetings = []
    year = published_meetings().filter(
        voting_closed_at__date__gte=start, voting_closed_at__date__lte=end
    )
    for meeting in year.order_by("voting_closed_at", "pk"):
        results = resolution_figures(meeting)["motions"]
        meetings.append(
            {
                "title": meeting.title,
                "body": _label(meeting.body.name, meeting.body.name_en),
                "closed_on": _local_day(meeting.voting_closed_at),
                "roll_size": meeting.roll_size,
                "roll_hash": meeting.roll_hash,
                "motions": [
                    {
                        key: motion[key]
                        for key in (
                            "number",
                            "title",
                            "kind",
                            "eligible",
                            "participants",
                            "votes_for",
                            "votes_against",
                            "abstentions",
                            "outcome",
                            "elected",
                        )
                    }
                    for motion in results
                ],
            }
        )
    return {"bodies": bodies, "meetings": meetings}


def complaints_figures(start: dt.date, end: dt.date) -> dict[str, Any] | None:
    """THE HOOK for the complaints statistics of the annual report (the issue's
    "complaints" block: received, resolved, pending, resolved in time, by category).

    The project has no complaints app yet, so there is nothing to report and this returns
    None: the report then says that no complaints statistics were reported, which is the
    truth. When the complaints app exists, read its statistics selector here for
    ``start``..``end`` in the layout of ``disclosure.reports.builders`` ("complaints") and
    nothing else changes: the annual report's content then includes it (and a report
    already published for a year makes a correction when it is run again)."""
    return None


def annual_figures(year: int, q4: SolvencyAssessment) -> dict[str, Any]:
    """The annual report's figures for ``year``: the key figures, governance, finances
    (the year's balance sheet and income statement), solvency at the year end (``q4``,
    the approved Q4 assessment) with its history, claims (statistics, months,
    apportionments of the year) and complaints (``complaints_figures``); dated by the Q4
    approval."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    generated = _local_day(q4.approved_at) or end
    claims = claims_figures(start, end)
    apportionments = [
        {
            "plan": _label(p.plan.name, p.plan.name_en),
            "period_start": p.period_start,
            "cutoff": p.cutoff,
            "claim_count": p.claim_count,
            "benefits_total": p.benefits_total,
            "fee_rate": p.fee_rate,
            "fee": p.fee,
            "total": p.total,
            "members_sharing": p.members_sharing,
            "share_per_member": p.share_per_member,
            "shortfall": p.shortfall,
        }
        for p in apportionment_summaries().filter(cutoff__gte=start, cutoff__lte=end)
    ]
    finances = finances_figures(start, end)
    sheet, income = finances["balance_sheet"], finances["income_statement"]
    figures: dict[str, Any] = {
        **_common(start, end, generated),
        "governance": governance_figures(start, end),
        "finances": {
            "balance_sheet": {k: sheet[k] for k in ("as_of", "assets", "liabilities", "equity")},
            "income_statement": {k: income[k] for k in ("start", "end", "income", "expenses")},
        },
        "solvency": solvency_block(q4),
        "history": solvency_history_until(q4),
        "claims": {
            "statistics": claims["statistics"],
            "by_month": claims["by_month"],
            "apportionments": apportionments,
        },
    }
    reserves = reserves_block(q4.valuation_date)
    if reserves is not None:
        figures["reserves"] = reserves
    key = key_figures_block(end)
    if key is not None:
        figures["key_figures"] = key
    complaints = complaints_figures(start, end)
    if complaints is not None:
        figures["complaints"] = complaints
    return jsonable(figures)


def key_figures_block(end: dt.date) -> dict[str, Any] | None:
    """The year's key figures at its last day (``disclosure.selectors.key_figures``):
    members in force, contributions, claims paid, claims and expense ratios. None when
    nothing was earned in the year (the ratios are then not defined, and the report's
    overview says so by showing none)."""
    figures = key_figures(as_of=end)
    if figures.claims_ratio.value is None or figures.expense_ratio.value is None:
        return None
    return {
        "members_in_force": figures.members_in_force.value,
        "contributions": figures.contributions.value,
        "claims_paid": figures.claims_paid.value,
        "claims_ratio": figures.claims_ratio.value,
        "expense_ratio": figures.expense_ratio.value,
    }
