"""Periodic runs: one succeeded run per job and period, a second run skipped, a run that
fails leaves nothing of its work and a failed row with the error; the tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError

from mutualsociety.common.exceptions import InvalidInput
from solvency import tasks
from solvency.models import ReserveRun, SolvencyAssessment, SolvencyJobRun
from solvency.services import assessment_approve, assessment_compute, jobs, reserve_run_approve
from tests.solvency.factories import VALUATION, books, holdings, item

pytestmark = pytest.mark.django_db
J = SolvencyJobRun.Status


@pytest.mark.parametrize(
    ("today", "quarter_end"),
    [
        (dt.date(2026, 1, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 3, 31), dt.date(2025, 12, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 8, 15), dt.date(2026, 6, 30)),
    ],
)
def test_the_quarter_end_just_passed(today, quarter_end):
    assert jobs.quarter_end_before(today) == quarter_end


def test_the_quarterly_run_computes_a_draft_once_per_quarter(actuary, compliance):
    books()
    holdings()
    approved = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    assessment_approve(assessment=approved, actor=compliance)

    run = jobs.job_quarterly_assessment(today=dt.date(2026, 1, 1))

    assert (run.kind, run.period, run.status) == ("quarterly_assessment", "2025-12-31", J.SUCCEEDED)
    assert run.finished_at is not None and run.duration is not None
    # same inputs as the approved version: the service returned it, nothing new
    assert run.result["assessment"] == approved.pk
    assert SolvencyAssessment.objects.count() == 1
    again = jobs.job_quarterly_assessment(today=dt.date(2026, 1, 2))
    assert again.status == J.SKIPPED
    assert SolvencyJobRun.objects.filter(status=J.SUCCEEDED).count() == 1


def test_the_scheduled_draft_is_computed_by_the_service_account(actuary, compliance):
    books()
    holdings()
    run = jobs.job_quarterly_assessment(today=dt.date(2026, 1, 1))
    draft = SolvencyAssessment.objects.get(pk=run.result["assessment"])

    assert draft.state == "computed" and draft.computed_by.username == jobs.SCHEDULER_USERNAME
    assert not draft.computed_by.is_active
    # no earlier approved assessment to carry the rating from: C-ROSS wants it entered
    with pytest.raises(InvalidInput) as caught:
        assessment_approve(assessment=draft, actor=compliance)
    assert set(caught.value.fields) == {"rating"}
    rated = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    assert assessment_approve(assessment=rated, actor=compliance).state == "approved"


def test_a_run_that_dies_halfway_leaves_nothing_but_its_failed_row(actuary, monkeypatch):
    books()
    holdings()

    def dies(**kwargs):
        kwargs["actor"] = actuary
        assessment_compute(**kwargs)  # the work is written...
        raise OperationalError("the database went away")  # ...then it dies

    monkeypatch.setattr(jobs, "assessment_compute_as", dies)
    with pytest.raises(OperationalError):
        jobs.job_quarterly_assessment(today=dt.date(2026, 1, 1))

    run = SolvencyJobRun.objects.get()
    assert run.status == J.FAILED and "database went away" in run.error
    assert SolvencyAssessment.objects.count() == 0
    # the next run of the period is not skipped: nothing succeeded
    monkeypatch.undo()
    assert jobs.job_quarterly_assessment(today=dt.date(2026, 1, 1)).status == J.SUCCEEDED


def test_the_daily_run_once_a_day():
    first = SolvencyJobRun.objects.get(pk=tasks.daily_monitoring("2026-01-05"))
    second = SolvencyJobRun.objects.get(pk=tasks.daily_monitoring("2026-01-05"))
    third = SolvencyJobRun.objects.get(pk=tasks.daily_monitoring("2026-01-06"))

    assert (first.status, second.status, third.status) == (J.SUCCEEDED, J.SKIPPED, J.SUCCEEDED)
    assert first.result == {"assessment": None}


def test_the_monthly_reserve_run_leaves_a_draft_for_an_actuary_once_a_month(actuary):
    run = SolvencyJobRun.objects.get(pk=tasks.monthly_reserve("2026-02-01"))
    again = SolvencyJobRun.objects.get(pk=tasks.monthly_reserve("2026-02-03"))

    assert (run.kind, run.period, run.status) == ("monthly_reserve", "2026-01", J.SUCCEEDED)
    assert again.status == J.SKIPPED
    reserve = ReserveRun.objects.get(pk=run.result["reserve_run"])
    assert (reserve.valuation_date, reserve.state) == (dt.date(2026, 1, 31), ReserveRun.State.DRAFT)
    assert reserve.created_by.username == jobs.SCHEDULER_USERNAME
    # Four eyes: a person approves what the scheduler ran.
    assert reserve_run_approve(run=reserve, actor=actuary).state == ReserveRun.State.APPROVED


def test_the_tasks_retry_transient_failures():
    for task in (tasks.quarterly_assessment, tasks.daily_monitoring, tasks.monthly_reserve):
        assert OperationalError in task.autoretry_for


def test_a_rerun_after_the_inputs_changed_makes_the_next_version(actuary, compliance):
    """The quarter's draft is computed; a capital item recorded afterwards changes the
    inputs: running the quarter again computes a new version (the run is the period's
    version 2); running it once more with nothing changed is skipped."""
    books()
    holdings()
    first = jobs.job_quarterly_assessment(today=dt.date(2026, 1, 1))
    item("5000.00", "supplementary")
    second = jobs.job_quarterly_assessment(today=dt.date(2026, 1, 2))
    third = jobs.job_quarterly_assessment(today=dt.date(2026, 1, 3))

    assert (first.status, first.version) == (J.SUCCEEDED, 1)
    assert (second.status, second.version) == (J.SUCCEEDED, 2)
    assert third.status == J.SKIPPED and third.result["run"] == second.pk
    versions = SolvencyAssessment.objects.filter(valuation_date=dt.date(2025, 12, 31))
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
    assert second.result["assessment"] != first.result["assessment"]


def test_a_run_whose_worker_was_killed_is_marked_abandoned_by_the_next_run():
    """A worker killed mid-run cannot write its run's end: its row stays running, held by
    no transaction (the database rolled its work back). The next run of the same job and
    period marks it failed as abandoned, its end unknown, and runs; a running row of
    another period is left alone."""
    killed = SolvencyJobRun.objects.create(kind="daily_monitoring", period="2026-01-05")
    other = SolvencyJobRun.objects.create(kind="daily_monitoring", period="2026-01-04")

    run = SolvencyJobRun.objects.get(pk=tasks.daily_monitoring("2026-01-05"))

    killed.refresh_from_db()
    assert (killed.status, killed.error) == (J.FAILED, jobs.ABANDONED)
    assert killed.finished_at is None and killed.duration is None
    assert (run.status, run.version) == (J.SUCCEEDED, 1)
    assert SolvencyJobRun.objects.get(pk=other.pk).status == J.RUNNING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_under_way_is_not_taken_for_abandoned():
    """A run under way holds its row until its work ends (another connection holds it
    here): a second run of the period started meanwhile leaves it running."""
    from django.db import connection

    alive = SolvencyJobRun.objects.create(kind="daily_monitoring", period="2026-01-05")
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM solvency_solvencyjobrun WHERE id = %s FOR UPDATE", [alive.pk]
            )
        run = jobs.job_daily_monitoring(today=dt.date(2026, 1, 5))
    finally:
        other.rollback()
        other.close()

    assert run.status == J.SUCCEEDED
    assert SolvencyJobRun.objects.get(pk=alive.pk).status == J.RUNNING
