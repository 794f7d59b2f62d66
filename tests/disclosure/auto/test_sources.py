"""Automatic publications: each source publishes once with its figures to the cent; the
same signal or task again adds nothing; new figures make a correction."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from claims.signals import apportionment_published
from disclosure.models import Kind, Publication
from disclosure.services import attachment_read
from disclosure.services.sources import (
    annual_report_publish,
    claims_statistics_publish,
    financial_statements_publish,
    quarterly_publish,
)
from disclosure.tasks import publish_meeting, publish_solvency_summary
from governance.models import Meeting
from governance.signals import meeting_published
from mutualsociety.common.models import OutboxTask
from solvency.models import SolvencyAssessment
from solvency.services import assessment_approve, assessment_compute
from tests.governance.factories import meeting_voting, members_make
from tests.solvency.factories import VALUATION, holding

from .world import apportionment_period, approved_assessment, published_meeting, solvency_books

pytestmark = pytest.mark.django_db


def rows() -> tuple[int, int]:
    return Publication.objects.count(), OutboxTask.objects.count()


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


# --- Meetings ----------------------------------------------------------------------------


def test_a_published_meeting_publishes_its_resolutions_and_minutes_once(
    articles, secretary, django_capture_on_commit_callbacks
):
    """The signal after the meeting's publication queues one task that publishes the
    resolutions (votes, turnout, outcome, the roll's fingerprint) and the minutes; the
    same signal again adds no row anywhere."""
    with django_capture_on_commit_callbacks(execute=True):
        meeting = published_meeting(secretary)

    resolutions = Publication.objects.get(key=f"resolutions:meeting-{meeting.pk}")
    assert (resolutions.kind, resolutions.status, resolutions.version) == (
        Kind.RESOLUTIONS,
        "published",
        1,
    )
    (motion,) = resolutions.content["motions"]
    assert (motion["votes_for"], motion["votes_against"], motion["abstentions"]) == (2, 1, 0)
    assert (motion["eligible"], motion["participants"], motion["turnout"]) == (3, 3, "1.000000")
    assert motion["outcome"] == "adopted"
    assert motion["roll_sha256"] == meeting.roll_hash != ""
    assert len(motion["receipts_sha256"]) == 64
    assert resolutions.title_en == f"{meeting.title}: resolutions and vote results"
    assert "for 2, against 1, abstaining 0" in resolutions.body_en
    assert resolutions.source == f"governance.meeting:{meeting.pk}"
    minutes = Publication.objects.get(key=f"minutes:meeting-{meeting.pk}")
    assert minutes.content["minutes"] == "会议纪要 Minutes of the meeting"
    assert minutes.body_en.endswith("会议纪要 Minutes of the meeting")
    notice = Publication.objects.get(key=f"meeting_notice:meeting-{meeting.pk}")
    assert notice.content["meeting"]["id"] == meeting.pk

    before = rows()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_published.send(sender=Meeting, meeting=meeting)
    publish_meeting.apply(args=[meeting.pk])
    assert rows() == before


def test_a_convened_meeting_publishes_its_notice(
    articles, secretary, django_capture_on_commit_callbacks
):
    members_make(2)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_voting(actor=secretary)

    notice = Publication.objects.get(kind=Kind.MEETING_NOTICE)
    assert notice.key == f"meeting_notice:meeting-{meeting.pk}"
    head = notice.content["meeting"]
    assert head["title"] == meeting.title and head["record_date"] == meeting.record_date.isoformat()
    assert [(m["number"], m["title"]) for m in notice.content["motions"]] == [(1, "议案1 Motion 1")]
    assert notice.title_en == f"{meeting.title}: notice of meeting"
    assert "Voting opens on" in notice.body_en and "1. 议案1 Motion 1" in notice.body_en
    assert notice.due_on == notice.period_start or notice.due_on == dt.date.fromisoformat(
        notice.period
    )


# --- Apportionment -----------------------------------------------------------------------


def test_a_published_apportionment_period_publishes_its_figures_to_the_cent(
    aid, handler, approver, chart_of_accounts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        period = apportionment_period(aid, handler, approver)

    publication = Publication.objects.get(kind=Kind.APPORTIONMENT)
    assert publication.key == f"apportionment:{aid.plan.code}:{period.cutoff.isoformat()}"
    content = publication.content
    assert (content["claim_count"], content["benefits_total"], content["fee"]) == (
        2,
        "1000.00",
        "80.00",
    )
    assert (content["total"], content["members_sharing"], content["share_per_member"]) == (
        "1080.00",
        7,
        "154.28",
    )
    assert content["extra_cent_members"] == 4 and content["shares_total"] == "1080.00"
    assert "7 members, 154.28 each" in publication.body_en

    before = rows()
    with django_capture_on_commit_callbacks(execute=True):
        apportionment_published.send(sender=type(period), period=period)
    assert rows() == before


# --- Solvency ----------------------------------------------------------------------------


@pytest.fixture
def books_ready(db):
    solvency_books()


def test_an_approved_assessment_publishes_its_summary_with_the_quarterly_report(
    books_ready, actuary, compliance, django_capture_on_commit_callbacks
):
    """Ratios and capital as approved, to the cent; the PDF (each language), CSV and
    JSON attached with their checksums; the English PDF reads the ratios."""
    with django_capture_on_commit_callbacks(execute=True):
        a = approved_assessment(actuary, compliance)

    summary = Publication.objects.get(kind=Kind.SOLVENCY_SUMMARY)
    assert (summary.key, summary.period) == ("solvency_summary:cross:2025Q4", "2025Q4")
    assert (summary.period_start, summary.period_end) == (dt.date(2025, 10, 1), VALUATION)
    block = summary.content["solvency"]
    assert block["comprehensive_ratio"] == str(a.comprehensive_ratio)
    assert block["core_ratio"] == str(a.core_ratio)
    assert block["capital"]["actual"] == str(a.actual_capital) == "1570000.00"
    assert block["capital"]["core"] == "1470000.00"
    assert block["capital"]["minimum"] == str(a.minimum_capital)
    assert block["rating"] == "B"
    assert f"comprehensive solvency adequacy ratio {a.comprehensive_ratio}%" in summary.body_en
    files = {f.filename: f for f in summary.attachments.all()}
    assert set(files) == {
        "solvency-cross-2025Q4.zh-hans.pdf",
        "solvency-cross-2025Q4.en.pdf",
        "solvency-cross-2025Q4.zh-hans.csv",
        "solvency-cross-2025Q4.en.csv",
        "solvency-cross-2025Q4.json",
    }
    text = pdf_text(attachment_read(files["solvency-cross-2025Q4.en.pdf"]))
    ratio = f"{a.comprehensive_ratio:,.2f}%"
    assert ratio in text and f"{a.core_ratio:,.2f}%" in text
    assert "1,570,000.00" in text
    assert b'"actual": "1570000.00"' in attachment_read(files["solvency-cross-2025Q4.json"])
    # 31 December: the year's annual report waited for this approval
    annual = Publication.objects.get(kind=Kind.ANNUAL_REPORT)
    assert (annual.key, annual.period) == ("annual_report:2025", "2025")
    assert annual.content["solvency"]["assessment_id"] == a.pk
    key = annual.content["key_figures"]  # 2025 of the test books: 200,000 in, 50,000 out
    assert (key["contributions"], key["claims_paid"]) == ("200000.00", "0.00")
    assert (key["claims_ratio"], key["expense_ratio"]) == ("0.000000", "0.250000")
    assert annual.attachments.filter(format="pdf").count() == 2
    annual_text = pdf_text(attachment_read(annual.attachments.get(filename__endswith=".en.pdf")))
    assert ratio in annual_text

    before = rows()
    publish_solvency_summary.apply(args=[a.pk])
    assert annual_report_publish(year=2025)[1] is False
    assert rows() == before


def test_a_reapproved_assessment_with_new_figures_makes_version_2_with_a_note(
    books_ready, actuary, compliance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = approved_assessment(actuary, compliance)
    holding(value="50000.00")  # more equity: a higher market charge
    with django_capture_on_commit_callbacks(execute=True):
        second = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
        second = assessment_approve(assessment=second, actor=compliance)
    assert second.version == 2 and second.minimum_capital != first.minimum_capital

    v1, v2 = Publication.objects.filter(key="solvency_summary:cross:2025Q4").order_by("version")
    assert (v1.status, v2.status, v2.supersedes_id) == ("published", "published", v1.pk)
    assert v2.content["solvency"]["capital"]["minimum"] == str(second.minimum_capital)
    assert v1.content["solvency"]["capital"]["minimum"] == str(first.minimum_capital)
    assert v2.correction_note.startswith("Figures changed after publication: ")
    assert "solvency" in v2.correction_note
    assert v2.attachments.count() == 5 and v1.attachments.count() == 5
    # the first version's task, replayed now, publishes nothing (it was superseded)
    before = rows()
    publish_solvency_summary.apply(args=[first.pk])
    assert rows() == before
    assert SolvencyAssessment.objects.get(pk=first.pk).state == "superseded"


def test_an_assessment_that_is_not_at_a_quarter_end_is_not_published(
    books_ready, actuary, compliance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approved_assessment(actuary, compliance, valuation=dt.date(2025, 11, 30))
    assert not Publication.objects.exists()


# --- Quarters ----------------------------------------------------------------------------


def test_the_quarters_claims_statistics_and_financial_statements(books_ready):
    """Q2 2025 of the test books: cash 1,470,000.00 at the end; the quarter's expenses
    50,000.00 and no income; no claims."""
    end = dt.date(2025, 6, 30)
    statements, created = financial_statements_publish(quarter_end=end)
    assert created and statements.key == "financial_statements:2025Q2"
    sheet = statements.content["balance_sheet"]
    assert sheet["as_of"] == "2025-06-30" and sheet["total_assets"] == "1470000.00"
    assert D(sheet["total_assets"]) == D(sheet["total_liabilities"]) + D(sheet["total_equity"])
    income = statements.content["income_statement"]
    assert (income["total_income"], income["total_expenses"], income["net_result"]) == (
        "0.00",
        "50000.00",
        "-50000.00",
    )
    assert statements.due_on == dt.date(2025, 7, 30)
    stats, created = claims_statistics_publish(quarter_end=end)
    assert created and stats.content["statistics"]["claims"] == 0
    assert stats.title_en == "Claims statistics, 2025 Q2"


def test_the_quarterly_job_twice_adds_nothing_and_new_figures_make_a_correction(books_ready):
    today = dt.date(2025, 7, 15)
    first = quarterly_publish(today=today)
    assert [(p.key, created) for p, created in first] == [
        ("claims_statistics:2025Q2", True),
        ("complaints_statistics:2025Q2", True),
        ("financial_statements:2025Q2", True),
    ]
    count = Publication.objects.count()
    assert all(not created for _p, created in quarterly_publish(today=today))
    assert Publication.objects.count() == count

    from tests.solvency.factories import CASH, CONTRIBUTIONS, post

    post("late", CASH, CONTRIBUTIONS, "123.45", dt.date(2025, 6, 30))  # a late posting
    claims, complaints, statements = quarterly_publish(today=today)
    assert claims[1] is False
    assert complaints[1] is False
    corrected, created = statements
    assert created and corrected.version == 2
    assert corrected.content["income_statement"]["total_income"] == "123.45"
    assert "income_statement" in corrected.correction_note


def test_before_the_15th_the_quarter_just_ended_is_not_yet_published(books_ready):
    keys = [p.key for p, _c in quarterly_publish(today=dt.date(2025, 7, 14))]
    assert keys == [
        "claims_statistics:2025Q1",
        "complaints_statistics:2025Q1",
        "financial_statements:2025Q1",
    ]
