"""The publications the platform makes itself, from the other apps' approved records.

One service per source; each builds the content from the source app's selectors
(``figures``) and publishes it with ``publication_publish_auto``: the same figures again
are a no-op, new figures a correction (version n + 1 with a note naming what changed).
They are called by the Celery tasks the receivers queue (``disclosure.receivers``), by
the periodic jobs, and by ``disclosure_sync``, the daily catch-up:

- a published meeting → its RESOLUTIONS (``resolutions:meeting-<id>``) and MINUTES
  (``minutes:meeting-<id>``); a convened meeting → its MEETING_NOTICE;
- a published apportionment period → APPORTIONMENT (``apportionment:<plan>:<cutoff>``);
- an approved assessment at a quarter end under the regime in force → SOLVENCY_SUMMARY
  (``solvency_summary:<regime>:<quarter>``) with the quarterly solvency report attached
  (a PDF in Chinese and one in English, the figures as CSV in each language and as JSON);
- a quarter settled (``SETTLE_DAYS`` after its end) → CLAIMS_STATISTICS and
  FINANCIAL_STATEMENTS (``claims_statistics:<quarter>``, ``financial_statements:<quarter>``);
- a year → ANNUAL_REPORT (``annual_report:<year>``) with the annual report attached. The
  rule: published once the year is over and its fourth quarter's solvency assessment
  (31 December, the regime in force) is approved — the last figures the report needs.
  Until then the daily job (and the catch-up) try again and skip;
- a material-event draft of solvency → MATERIAL_EVENT, when compliance publishes it
  (``material_event_publish``; ``material_event_discard`` closes it without publishing).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.selectors.statistics import apportionment_summaries
from governance.models import Meeting
from governance.selectors import meetings_convened, published_meetings
from mutualsociety.common.display import format_amount, format_date, format_rate
from mutualsociety.common.exceptions import DomainError, InvalidInput, NotAllowed
from mutualsociety.common.periods import period_end, period_index
from mutualsociety.common.selectors import society_get
from solvency.models import MaterialEventDraft, SolvencyAssessment
from solvency.selectors import approved_assessments, material_event_drafts
from solvency.services import material_event_draft_close

from ..models import Kind, KindRule, Publication
from ..reports import (
    annual_report,
    render_csv,
    render_json,
    render_pdf,
    solvency_quarterly_report,
)
from . import figures as fig
from .publications import APPROVE_PERMISSION, _require, publication_publish_auto

logger = logging.getLogger("mutualsociety.disclosure")

#: Days after a quarter's end before its claims statistics and financial statements are
#: published: late postings and claim decisions of the quarter come in first (the rules
#: give 30 days, ``KindRule``). The quarterly job runs on the 15th.
SETTLE_DAYS = 14
LANGUAGES = ("zh-hans", "en")
#: The kinds this module publishes (the catch-up reads their published keys at once).
AUTOMATIC_KINDS = (
    Kind.RESOLUTIONS,
    Kind.MINUTES,
    Kind.MEETING_NOTICE,
    Kind.APPORTIONMENT,
    Kind.SOLVENCY_SUMMARY,
    Kind.CLAIMS_STATISTICS,
    Kind.FINANCIAL_STATEMENTS,
    Kind.ANNUAL_REPORT,
)

Result = tuple[Publication, bool]


# --- Helpers ---------------------------------------------------------------------------


def _both(make: Callable[[], tuple[str, str]]) -> dict[str, str]:
    """A title and a text in Chinese and in English: ``make`` runs in each language."""
    with translation.override("zh-hans"):
        title, body = make()
    with translation.override("en"):
        title_en, body_en = make()
    return {"title": title[:200], "body": body, "title_en": title_en[:200], "body_en": body_en}


def _quarter_name(end: dt.date) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": end.year, "quarter": (end.month - 1) // 3 + 1}


def _publish(**kwargs: Any) -> Result:
    """``publication_publish_auto`` in a savepoint; two workers publishing the same
    document at once (the signal's task and the catch-up) meet on the unique (key,
    version): the loser runs again and finds the winner's figures (a no-op)."""
    try:
        with transaction.atomic():
            return publication_publish_auto(**kwargs)
    except IntegrityError:
        return publication_publish_auto(**kwargs)


def _report_files(stem: str, build: Callable[..., Any], figures: dict[str, Any]) -> list:
    """The report of ``figures`` as a PDF and a CSV in each language, and its JSON (the
    same in both languages)."""
    files = []
    report = None
    for language in LANGUAGES:
        report = build(figures, language=language)
        files.append(("pdf", f"{stem}.{language}.pdf", render_pdf(report)))
        files.append(("csv", f"{stem}.{language}.csv", render_csv(report)))
    assert report is not None  # noqa: S101 - LANGUAGES is not empty
    files.append(("json", f"{stem}.json", render_json(report)))
    return files


# --- Meetings --------------------------------------------------------------------------


def _meeting(meeting: Meeting | int) -> Meeting:
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    found = meetings_convened().filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("There is no convened meeting %(id)s.") % {"id": pk})
    return found


def meeting_notice_publish(*, meeting: Meeting | int, at: dt.datetime | None = None) -> Result:
    """The notice of a convened meeting (MEETING_NOTICE): its body, voting window, place,
    record date and agenda."""
    meeting = _meeting(meeting)
    content = fig.meeting_notice_figures(meeting)
    head = content["meeting"]

    def texts() -> tuple[str, str]:
        values = {
            "meeting": meeting.title,
            "body": meeting.body.display_name,
            "opens": format_date(dt.datetime.fromisoformat(head["voting_opens_at"])),
            "closes": format_date(dt.datetime.fromisoformat(head["voting_closes_at"])),
            "place": meeting.location or _("online, on the members' portal"),
            "record": format_date(meeting.record_date) if meeting.record_date else "—",
        }
        lines = [
            _(
                "%(body)s convenes %(meeting)s. Voting opens on %(opens)s and closes on "
                "%(closes)s; place: %(place)s. Those eligible to vote on the record date, "
                "%(record)s, are on the voter roll."
            )
            % values,
        ]
        if content["agenda"]:
            lines.append(_("Agenda:"))
            lines += [f"{i}. {item['title']}" for i, item in enumerate(content["agenda"], 1)]
        if content["motions"]:
            lines.append(_("Motions put to the vote:"))
            lines += [f"{m['number']}. {m['title']}" for m in content["motions"]]
        return _("%(meeting)s: notice of meeting") % values, "\n".join(lines)

    day = fig._local_day(meeting.convened_at)
    return _publish(
        kind=Kind.MEETING_NOTICE,
        key=f"meeting_notice:meeting-{meeting.pk}",
        source=f"governance.meeting:{meeting.pk}",
        content=content,
        period=day.isoformat() if day else "",
        event_day=day,
        at=at,
        **_both(texts),
    )


def meeting_publications_publish(
    *, meeting: Meeting | int, at: dt.datetime | None = None
) -> list[Result]:
    """A published meeting's RESOLUTIONS (every motion's votes, turnout, outcome and the
    roll's fingerprint) and MINUTES (the approved text). A meeting not published is
    refused."""
    meeting = _meeting(meeting)
    if meeting.status != Meeting.Status.PUBLISHED:
        raise NotAllowed(_("The meeting's results and minutes are not published yet."))
    day = fig._local_day(meeting.published_at)
    period = day.isoformat() if day else ""
    results = fig.resolution_figures(meeting)

    def resolution_texts() -> tuple[str, str]:
        values = {
            "meeting": meeting.title,
            "body": meeting.body.display_name,
            "date": format_date(meeting.results_declared_at),
            "roll": meeting.roll_hash or "—",
        }
        lines = [
            _(
                "The motions put to the vote at %(meeting)s (%(body)s), with the votes for, "
                "against and abstaining, the turnout and the outcome of each, as declared on "
                "%(date)s. SHA-256 of the frozen voter roll: %(roll)s."
            )
            % values
        ]
        for motion in results["motions"]:
            lines.append(
                _(
                    "%(number)s. %(title)s: %(outcome)s (for %(for)s, against %(against)s, "
                    "abstaining %(abstain)s; turnout %(turnout)s)."
                )
                % {
                    "number": motion["number"],
                    "title": motion["title"],
                    "outcome": _outcome_label(motion["outcome"]),
                    "for": motion["votes_for"] if motion["votes_for"] is not None else "—",
                    "against": motion["votes_against"]
                    if motion["votes_against"] is not None
                    else "—",
                    "abstain": motion["abstentions"] if motion["abstentions"] is not None else "—",
                    "turnout": format_rate(motion["turnout"]) or "—",
                }
            )
        return _("%(meeting)s: resolutions and vote results") % values, "\n".join(lines)

    minutes = fig.minutes_figures(meeting)

    def minutes_texts() -> tuple[str, str]:
        values = {"meeting": meeting.title, "date": format_date(meeting.minutes_approved_at)}
        intro = _("The minutes of %(meeting)s, approved on %(date)s:") % values
        return _("%(meeting)s: minutes") % values, f"{intro}\n\n{minutes['minutes']}"

    common = {
        "source": f"governance.meeting:{meeting.pk}",
        "period": period,
        "event_day": day,
        "at": at,
    }
    return [
        _publish(
            kind=Kind.RESOLUTIONS,
            key=f"resolutions:meeting-{meeting.pk}",
            content=results,
            **common,
            **_both(resolution_texts),
        ),
        _publish(
            kind=Kind.MINUTES,
            key=f"minutes:meeting-{meeting.pk}",
            content=minutes,
            **common,
            **_both(minutes_texts),
        ),
    ]


def _outcome_label(outcome: str) -> str:
    from governance.models import Motion

    try:
        return str(Motion.Outcome(outcome).label)
    except ValueError:
        return outcome


# --- Apportionment ---------------------------------------------------------------------


def apportionment_key(plan_code: str, cutoff: dt.date) -> str:
    return f"apportionment:{plan_code}:{cutoff.isoformat()}"


def apportionment_publication_publish(*, period: int, at: dt.datetime | None = None) -> Result:
    """A published apportionment period (APPORTIONMENT): cases shared, benefits, fee,
    members sharing, the share per member and how a shortfall was met."""
    found = apportionment_summaries().filter(pk=period).first()
    if found is None:
        raise InvalidInput(_("There is no published apportionment period %(id)s.") % {"id": period})
    content = fig.apportionment_figures(found)

    def texts() -> tuple[str, str]:
        values = {
            "plan": found.plan.display_name,
            "start": format_date(found.period_start),
            "cutoff": format_date(found.cutoff),
            "cases": found.claim_count,
            "benefits": format_amount(found.benefits_total),
            "fee": format_amount(found.fee),
            "total": format_amount(found.total),
            "members": found.members_sharing,
            "share": format_amount(found.share_per_member),
        }
        body = (
            _(
                "%(cases)s cases were shared for %(start)s to %(cutoff)s: benefits of "
                "%(benefits)s and a management fee of %(fee)s, %(total)s in all, shared by "
                "%(members)s members, %(share)s each (a few pay one cent more, so that the "
                "shares add up to the total)."
            )
            % values
        )
        return _("%(plan)s: apportionment of %(start)s to %(cutoff)s") % values, body

    return _publish(
        kind=Kind.APPORTIONMENT,
        key=apportionment_key(found.plan.code, found.cutoff),
        source=f"claims.apportionmentperiod:{found.pk}",
        content=content,
        period=found.cutoff.isoformat(),
        period_start=found.period_start,
        period_end=found.cutoff,
        event_day=fig._local_day(found.published_at) or found.cutoff,
        at=at,
        **_both(texts),
    )


# --- Solvency --------------------------------------------------------------------------


def _approved_on(valuation_date: dt.date) -> SolvencyAssessment | None:
    """The assessment approved now for a date under the regime in force."""
    return approved_assessments(None).filter(valuation_date=valuation_date).first()


def solvency_key(regime_code: str, valuation_date: dt.date) -> str:
    return f"solvency_summary:{regime_code}:{fig.quarter_label(valuation_date)}"


def solvency_summary_publish(
    *, assessment: SolvencyAssessment | int, at: dt.datetime | None = None
) -> Result | None:
    """The SOLVENCY_SUMMARY of the quarter of an approved assessment, with the quarterly
    solvency report attached. Only a quarter-end assessment under the regime in force is
    published (month-end and other regimes' assessments are internal); None otherwise.
    A version superseded (by a correction approved since) publishes nothing."""
    pk = assessment.pk if isinstance(assessment, SolvencyAssessment) else assessment
    # approved now under the regime in force: a version superseded by a correction
    # before its task ran publishes nothing (the correction's own task publishes it)
    current = approved_assessments(None).filter(pk=pk).first()
    if current is None or not fig.is_quarter_end(current.valuation_date):
        return None
    figures = fig.solvency_quarterly_figures(current)
    block = figures["solvency"]
    quarter = fig.quarter_label(current.valuation_date)
    start, end = fig.quarter_bounds(current.valuation_date)

    def texts() -> tuple[str, str]:
        values = {
            "quarter": _quarter_name(end),
            "regime": current.regime.display_name,
            "date": format_date(current.valuation_date),
            "comprehensive": block["comprehensive_ratio"] or "—",
            "core": block["core_ratio"] or "—",
            "actual": format_amount(current.actual_capital),
            "core_capital": format_amount(current.core_capital),
            "minimum": format_amount(current.minimum_capital),
            "rating": current.rating or "—",
            "status": block["status_label"]["en" if _english() else "zh-hans"],
        }
        body = (
            _(
                "Under %(regime)s at %(date)s: comprehensive solvency adequacy ratio "
                "%(comprehensive)s%%, core solvency adequacy ratio %(core)s%%; actual capital "
                "%(actual)s, core capital %(core_capital)s, minimum capital %(minimum)s; "
                "integrated risk rating %(rating)s; status: %(status)s."
            )
            % values
            + "\n\n"
            + _(
                "The quarterly solvency report is attached: a PDF in Chinese and one in "
                "English, and its figures as CSV and JSON."
            )
        )
        return _("Solvency report summary, %(quarter)s") % values, body

    stem = f"solvency-{current.regime.code}-{quarter}"
    return _publish(
        kind=Kind.SOLVENCY_SUMMARY,
        key=solvency_key(current.regime.code, current.valuation_date),
        source=f"solvency.solvencyassessment:{current.pk}",
        content=figures,
        period=quarter,
        period_start=start,
        period_end=end,
        files=_report_files(stem, solvency_quarterly_report, figures),
        at=at,
        **_both(texts),
    )


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


# --- Quarters: claims statistics and financial statements ------------------------------


def quarter_settled(end: dt.date, today: dt.date) -> bool:
    """Whether the quarter ending ``end`` is published by ``today`` (``SETTLE_DAYS``)."""
    return today > end + dt.timedelta(days=SETTLE_DAYS)


def last_settled_quarter(today: dt.date) -> dt.date:
    """The end of the latest quarter settled by ``today``."""
    index = period_index(today, "quarter") - 1
    end = period_end(index, "quarter")
    if not quarter_settled(end, today):
        end = period_end(index - 1, "quarter")
    return end


def claims_statistics_publish(*, quarter_end: dt.date, at: dt.datetime | None = None) -> Result:
    """CLAIMS_STATISTICS of a quarter: claims submitted in it by status, amounts claimed,
    approved and paid, days to payment (mean, 90th percentile), rejection, objection and
    overturn rates (``claim_statistics``) and its months (``claim_statistics_by_month``)."""
    start, end = fig.quarter_bounds(quarter_end)
    content = fig.claims_figures(start, end)
    stats = content["statistics"]

    def texts() -> tuple[str, str]:
        values = {
            "quarter": _quarter_name(end),
            "start": format_date(start),
            "end": format_date(end),
            "claims": stats["claims"],
            "claimed": format_amount(stats["amount_claimed"]),
            "approved": format_amount(stats["amount_approved"]),
            "paid": format_amount(stats["amount_paid"]),
            "rejection": format_rate(stats["rejection_rate"]) or "—",
        }
        body = (
            _(
                "Claims submitted from %(start)s to %(end)s: %(claims)s claims; "
                "%(claimed)s claimed, %(approved)s approved, %(paid)s paid; rejection rate "
                "%(rejection)s. The figures include the days from submission to payment "
                "and the objection and overturn rates of the public notice."
            )
            % values
        )
        return _("Claims statistics, %(quarter)s") % values, body

    label = fig.quarter_label(end)
    return _publish(
        kind=Kind.CLAIMS_STATISTICS,
        key=f"claims_statistics:{label}",
        source=f"claims.statistics:{label}",
        content=content,
        period=label,
        period_start=start,
        period_end=end,
        at=at,
        **_both(texts),
    )


def financial_statements_publish(*, quarter_end: dt.date, at: dt.datetime | None = None) -> Result:
    """FINANCIAL_STATEMENTS of a quarter: the balance sheet at its end and the income
    statement of the quarter, from the ledger."""
    start, end = fig.quarter_bounds(quarter_end)
    content = fig.finances_figures(start, end)
    sheet, income = content["balance_sheet"], content["income_statement"]

    def texts() -> tuple[str, str]:
        values = {
            "quarter": _quarter_name(end),
            "start": format_date(start),
            "end": format_date(end),
            "assets": format_amount(sheet["total_assets"]),
            "liabilities": format_amount(sheet["total_liabilities"]),
            "equity": format_amount(sheet["total_equity"]),
            "income": format_amount(income["total_income"]),
            "expenses": format_amount(income["total_expenses"]),
            "result": format_amount(income["net_result"]),
        }
        body = (
            _(
                "The balance sheet at %(end)s and the income statement from %(start)s to "
                "%(end)s, from the society's ledger. Total assets %(assets)s; liabilities "
                "%(liabilities)s; equity %(equity)s. Income %(income)s, expenses "
                "%(expenses)s, result of the quarter %(result)s."
            )
            % values
        )
        return _("Financial statements, %(quarter)s") % values, body

    label = fig.quarter_label(end)
    return _publish(
        kind=Kind.FINANCIAL_STATEMENTS,
        key=f"financial_statements:{label}",
        source=f"ledger.statements:{label}",
        content=content,
        period=label,
        period_start=start,
        period_end=end,
        at=at,
        **_both(texts),
    )


def quarterly_publish(*, today: dt.date | None = None) -> list[Result]:
    """The quarterly job: the claims statistics and the financial statements of the last
    settled quarter (a second run is a no-op; new figures make a correction)."""
    today = today or timezone.localdate()
    end = last_settled_quarter(today)
    return [
        claims_statistics_publish(quarter_end=end),
        financial_statements_publish(quarter_end=end),
    ]


# --- The year --------------------------------------------------------------------------


def annual_report_publish(
    *, year: int, today: dt.date | None = None, at: dt.datetime | None = None
) -> Result | None:
    """The ANNUAL_REPORT of ``year`` with the report attached, once the year is over and
    its Q4 solvency assessment (31 December, regime in force) is approved; None until
    then (the daily job tries again)."""
    today = today or timezone.localdate()
    end = dt.date(year, 12, 31)
    if today <= end:
        return None
    q4 = _approved_on(end)
    if q4 is None:
        return None
    figures = fig.annual_figures(year, q4)

    def texts() -> tuple[str, str]:
        values = {"year": year}
        body = (
            _(
                "The society's annual report for %(year)s: its governing bodies and "
                "meetings, its balance sheet and income statement, its solvency at the year "
                "end with its history, and its claims and apportionments. It is published "
                "once the fourth quarter's solvency assessment is approved."
            )
            % values
            + "\n\n"
            + _(
                "The report is attached: a PDF in Chinese and one in English, and its "
                "figures as CSV and JSON."
            )
        )
        return _("Annual report %(year)s") % values, body

    return _publish(
        kind=Kind.ANNUAL_REPORT,
        key=f"annual_report:{year}",
        source=f"solvency.solvencyassessment:{q4.pk}",
        content=figures,
        period=str(year),
        period_start=dt.date(year, 1, 1),
        period_end=end,
        files=_report_files(f"annual-report-{year}", annual_report, figures),
        at=at,
        **_both(texts),
    )


def annual_report_publish_due(*, today: dt.date | None = None) -> Result | None:
    """The daily job from 1 January: the annual report of the year just ended, when its
    Q4 assessment is approved (see ``annual_report_publish``)."""
    today = today or timezone.localdate()
    return annual_report_publish(year=today.year - 1, today=today)


# --- Material events -------------------------------------------------------------------


def _draft_locked(draft: MaterialEventDraft | int) -> MaterialEventDraft:
    pk = draft.pk if isinstance(draft, MaterialEventDraft) else draft
    found = material_event_drafts().select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("There is no material-event draft %(id)s.") % {"id": pk})
    return found


def material_event_key(draft: MaterialEventDraft) -> str:
    return f"material_event:solvency-alert-{draft.source_alert_id}"


def material_event_publish(*, draft: MaterialEventDraft | int, actor) -> Publication:
    """Compliance publishes a material event the solvency alerts drafted (重大事项): a
    MATERIAL_EVENT publication with the draft's texts and figures, approved by ``actor``
    (the platform drafted it: the approver is the second pair of eyes), and the draft
    closed as published (``material_event_draft_close``). Needs
    ``disclosure.approve_publication`` (and solvency's right to decide the draft).
    Publishing it again returns the publication; a discarded draft is refused."""
    _require(actor, APPROVE_PERMISSION, _("Only compliance publishes material events."))
    with transaction.atomic():
        row = _draft_locked(draft)
        key = material_event_key(row)
        if row.status == MaterialEventDraft.Status.PUBLISHED:
            published = Publication.objects.published().filter(key=key).order_by("-version").first()
            if published is not None:
                return published
        if row.status == MaterialEventDraft.Status.DISCARDED:
            raise NotAllowed(_("This material event was discarded; it is not published."))
        alert = row.source_alert
        day = timezone.localdate(row.created_at)
        publication, _created = publication_publish_auto(
            kind=Kind.MATERIAL_EVENT,
            key=key,
            title=row.title,
            title_en=row.title_en,
            body=row.body,
            body_en=row.body_en,
            content={**row.data, "draft_kind": row.kind},
            source=f"solvency.materialeventdraft:{row.pk}",
            period=alert.valuation_date.isoformat(),
            event_day=day,
            approver=actor,
        )
        material_event_draft_close(
            draft=row, status=MaterialEventDraft.Status.PUBLISHED, actor=actor
        )
    return publication


def material_event_discard(
    *, draft: MaterialEventDraft | int, actor, reason: str
) -> MaterialEventDraft:
    """Compliance decides a material-event draft is not disclosed, saying why (kept in
    the alert's history). Needs ``disclosure.approve_publication``; a published draft is
    refused; discarding again is a no-op."""
    _require(actor, APPROVE_PERMISSION, _("Only compliance decides on material events."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the material event is not published."), field="reason")
    with transaction.atomic():
        row = _draft_locked(draft)
        return material_event_draft_close(
            draft=row, status=MaterialEventDraft.Status.DISCARDED, actor=actor, reason=reason
        )


# --- The catch-up ----------------------------------------------------------------------


def _first_quarter_end(rules: dict[str, KindRule], kind: str) -> dt.date | None:
    rule = rules.get(kind)
    start = (rule.first_period_start if rule else None) or society_get().founded_on
    return fig.quarter_bounds(start)[1] if start else None


def disclosure_missing(*, today: dt.date | None = None) -> list[tuple[str, str, Any]]:
    """What should be published and is not: ``(kind, key, source)`` for each published
    meeting, convened meeting, published apportionment period, approved quarter-end
    assessment of the regime in force, settled quarter and year with its Q4 approved.
    A fixed number of queries whatever the number of sources and publications."""
    today = today or timezone.localdate()
    published = set(
        Publication.objects.published()
        .filter(kind__in=AUTOMATIC_KINDS)
        .values_list("key", flat=True)
        .distinct()
    )
    missing: list[tuple[str, str, Any]] = []

    def want(kind: str, key: str, source: Any) -> None:
        if key not in published:
            missing.append((kind, key, source))

    for pk in meetings_convened().values_list("pk", flat=True):
        want(Kind.MEETING_NOTICE, f"meeting_notice:meeting-{pk}", pk)
    for pk in published_meetings().values_list("pk", flat=True):
        want(Kind.RESOLUTIONS, f"resolutions:meeting-{pk}", pk)
        want(Kind.MINUTES, f"minutes:meeting-{pk}", pk)
    for pk, code, cutoff in apportionment_summaries().values_list("pk", "plan__code", "cutoff"):
        want(Kind.APPORTIONMENT, apportionment_key(code, cutoff), pk)
    q4_years = set()
    assessments = approved_assessments(None).values_list("pk", "regime__code", "valuation_date")
    for pk, code, valuation_date in assessments:
        if fig.is_quarter_end(valuation_date):
            want(Kind.SOLVENCY_SUMMARY, solvency_key(code, valuation_date), pk)
            if valuation_date.month == 12 and valuation_date < today:
                q4_years.add(valuation_date.year)
    for year in sorted(q4_years):
        want(Kind.ANNUAL_REPORT, f"annual_report:{year}", year)
    rules = {r.kind: r for r in KindRule.objects.filter(kind__in=AUTOMATIC_KINDS)}
    last = last_settled_quarter(today)
    for kind, prefix in (
        (Kind.CLAIMS_STATISTICS, "claims_statistics"),
        (Kind.FINANCIAL_STATEMENTS, "financial_statements"),
    ):
        end = _first_quarter_end(rules, kind) or last
        index = period_index(end, "quarter")
        while end <= last:
            want(kind, f"{prefix}:{fig.quarter_label(end)}", end)
            index += 1
            end = period_end(index, "quarter")
    return missing


def source_publish(
    kind: str, source: Any, *, today: dt.date, at: dt.datetime | None = None
) -> list[Result]:
    """Publish one source ``disclosure_missing`` named (``(kind, key, source)``) with its
    service; ``at`` dates it (the demo's past; now when None)."""
    if kind in (Kind.RESOLUTIONS, Kind.MINUTES):
        return meeting_publications_publish(meeting=source, at=at)
    if kind == Kind.MEETING_NOTICE:
        return [meeting_notice_publish(meeting=source, at=at)]
    if kind == Kind.APPORTIONMENT:
        return [apportionment_publication_publish(period=source, at=at)]
    if kind == Kind.SOLVENCY_SUMMARY:
        result = solvency_summary_publish(assessment=source, at=at)
    elif kind == Kind.ANNUAL_REPORT:
        result = annual_report_publish(year=source, today=today, at=at)
    elif kind == Kind.CLAIMS_STATISTICS:
        result = claims_statistics_publish(quarter_end=source, at=at)
    else:
        result = financial_statements_publish(quarter_end=source, at=at)
    return [result] if result else []


def disclosure_sync(
    *,
    today: dt.date | None = None,
    dated: Callable[[str, Any], dt.datetime | None] | None = None,
) -> dict[str, Any]:
    """The daily catch-up: publish every source that has no publication yet
    (``disclosure_missing``), so that a lost signal (a crash between a commit and its
    outbox row, a task that failed for good) is repaired the next day. A source that
    cannot be published now (a manual draft of its key awaits) is logged and left for the
    next run; the others go on. ``dated(kind, source)`` may date a publication in the
    past (the demo's year); the job publishes now. Returns the keys published and left."""
    today = today or timezone.localdate()
    published: list[str] = []
    left: list[str] = []
    done: set[tuple[str, Any]] = set()
    for kind, key, source in disclosure_missing(today=today):
        # a meeting's resolutions and minutes are published together
        group = "meeting" if kind in (Kind.RESOLUTIONS, Kind.MINUTES) else kind
        if (group, source) in done:
            continue
        done.add((group, source))
        try:
            results = source_publish(
                kind, source, today=today, at=dated(kind, source) if dated else None
            )
        except DomainError as error:
            logger.warning("disclosure sync: %s not published: %s", key, error)
            left.append(key)
            continue
        published += [p.key for p, created in results if created]
    return {"published": published, "left": left}
