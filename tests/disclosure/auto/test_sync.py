"""The daily catch-up repairs a publication whose signal was lost; with the broker down
the source's action succeeds and the task waits in the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from disclosure.models import Kind, Publication
from disclosure.services.sources import (
    disclosure_missing,
    disclosure_sync,
    financial_statements_publish,
)
from mutualsociety.common.models import OutboxTask
from mutualsociety.common.services import outbox_relay
from solvency.models import SolvencyAssessment

from .world import approved_assessment, published_meeting, solvency_books

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def _quarters_from_2025(db):
    """Quarterly documents are expected from 2025 on (a rule, as staff set it)."""
    from disclosure.models import KindRule

    KindRule.objects.filter(
        kind__in=("claims_statistics", "complaints_statistics", "financial_statements")
    ).update(first_period_start=dt.date(2025, 7, 1))


def test_the_sync_publishes_what_a_lost_signal_left_out_and_then_nothing(
    articles, secretary, actuary, compliance
):
    """No after-commit callback runs here (the signals are "lost"): the sync finds the
    published meeting, its notice, the approved Q4 assessment and its year, the settled
    quarters, and publishes them; a second sync publishes nothing."""
    meeting = published_meeting(secretary)
    solvency_books()
    approved_assessment(actuary, compliance)
    assert not Publication.objects.exists()

    result = disclosure_sync(today=TODAY)

    assert sorted(result["published"]) == sorted(
        [
            f"meeting_notice:meeting-{meeting.pk}",
            f"resolutions:meeting-{meeting.pk}",
            f"minutes:meeting-{meeting.pk}",
            "solvency_summary:cross:2025Q4",
            "annual_report:2025",
            "claims_statistics:2025Q3",
            "claims_statistics:2025Q4",
            "complaints_statistics:2025Q3",
            "complaints_statistics:2025Q4",
            "financial_statements:2025Q3",
            "financial_statements:2025Q4",
        ]
    )
    assert result["left"] == []
    count = Publication.objects.count()
    assert disclosure_sync(today=TODAY) == {"published": [], "left": []}
    assert Publication.objects.count() == count


def test_finding_what_is_missing_takes_the_same_queries_whatever_the_sources(
    articles, secretary, actuary, compliance
):
    published_meeting(secretary)
    with CaptureQueriesContext(connection) as few:
        missing = disclosure_missing(today=TODAY)
    assert len(missing) == 3 + 6  # the meeting's three, two quarters' three kinds
    published_meeting(secretary)
    solvency_books()
    approved_assessment(actuary, compliance)
    approved_assessment(actuary, compliance, valuation=dt.date(2025, 9, 30))
    with CaptureQueriesContext(connection) as more:
        missing = disclosure_missing(today=TODAY)
    assert len(missing) == 6 + 6 + 3  # two meetings, the quarters, Q3, Q4 and 2025
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_content_does_not_depend_on_the_language_the_job_runs_in(db):
    end = dt.date(2025, 9, 30)
    with translation.override("zh-hans"):
        first, created = financial_statements_publish(quarter_end=end)
    with translation.override("en"):
        again, created_again = financial_statements_publish(quarter_end=end)
    assert created and not created_again and again.pk == first.pk


def test_a_draft_of_a_key_waiting_is_left_for_the_next_run(compliance, actuary):
    """A manual draft of the same document (compliance correcting the figures by hand)
    blocks the automatic one; the sync leaves it and publishes the rest."""
    from disclosure.services import publication_draft

    publication_draft(
        kind=Kind.FINANCIAL_STATEMENTS,
        key="financial_statements:2025Q3",
        title="手工草稿",
        actor=compliance,
    )
    solvency_books()
    approved_assessment(actuary, compliance, valuation=dt.date(2025, 9, 30))

    result = disclosure_sync(today=dt.date(2025, 10, 20))

    assert result["left"] == ["financial_statements:2025Q3"]
    assert "solvency_summary:cross:2025Q3" in result["published"]
    assert "claims_statistics:2025Q3" in result["published"]


def test_with_the_broker_down_the_approval_succeeds_and_the_task_waits(
    actuary, compliance, redis_down, django_capture_on_commit_callbacks
):
    """The approval commits; the publication's task is an outbox row that waits for the
    broker; the catch-up (or the relay once the broker is back) publishes it."""
    solvency_books()
    with django_capture_on_commit_callbacks(execute=True):
        a = approved_assessment(actuary, compliance)

    assert SolvencyAssessment.objects.get(pk=a.pk).state == "approved"
    row = OutboxTask.objects.get(key=f"disclosure.publish_solvency_summary:{a.pk}")
    assert row.state == OutboxTask.State.PENDING and row.attempts == 1 and row.last_error
    assert OutboxTask.objects.filter(
        key=f"disclosure.publish_annual_report:{a.pk}", state="pending"
    ).exists()
    assert not Publication.objects.exists()
    assert outbox_relay()["pending"] >= 2  # still down: nothing sent, nothing lost

    disclosure_sync(today=TODAY)
    assert Publication.objects.filter(key="solvency_summary:cross:2025Q4").count() == 1
