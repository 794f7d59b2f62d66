"""The periodic runs of solvency (docs/solvency.md, "Periodic runs"), each recorded as a
``SolvencyJobRun``:

- ``job_quarterly_assessment``: a draft assessment at the quarter end just passed
  (``assessment_compute_as``, as the scheduler's service account; a person approves it);
- ``job_daily_monitoring``: today's capital against the latest approved assessment
  (``monitoring.monitoring_run``);
- ``job_monthly_reserve``: the month just ended through the reserve engine
  (``reserves.reserve_run_monthly``): a draft run for the actuary to approve;

``job_run`` gives each the same frame: the work runs again for a period already done,
and the services give back what they made when nothing changed — then the run is
``skipped``; when the inputs changed (a late claim, a corrected capital item) they make
a new version, and the run succeeds as the period's next version. The run's row is
written in its own transaction (``running``, then its end); the work runs in one
transaction with the row's ``succeeded``, so a run that dies halfway leaves nothing of
its work and a ``failed`` row with the error. The error is raised again so that Celery
retries a transient one (``tasks``). A run whose worker was killed cannot write its own
end: the next run of the same job and period finds its row running and held by no
transaction, and marks it failed as abandoned (``runs_abandoned_close``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from ..models import SolvencyJobRun
from ..transitions import JOB_RUN
from .assessments import assessment_compute_as
from .evaluation import json_ready
from .monitoring import monitoring_run
from .reserves import reserve_run_monthly

logger = logging.getLogger(__name__)
J = SolvencyJobRun.Status
K = SolvencyJobRun.Kind
#: The service account the quarterly job computes as (inactive: it cannot sign in).
SCHEDULER_USERNAME = "solvency-scheduler"


def scheduler_user():
    """The service account of the periodic jobs: an inactive user with no password, the
    ``computed_by`` of a scheduled assessment (its approver is a person, four eyes)."""
    user, created = get_user_model().objects.get_or_create(
        username=SCHEDULER_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _end(run: SolvencyJobRun, status: str, *, result=None, error: str = "") -> None:
    JOB_RUN.move(run, status)
    run.finished_at = timezone.now()
    run.duration = run.finished_at - run.started_at
    run.result = json_ready(result or {})
    run.error = error
    run.save(update_fields=["status", "finished_at", "duration", "result", "error"])


def job_run(kind: str, period: str, work: Callable[[], dict[str, Any]]) -> SolvencyJobRun:
    """Run ``work`` for ``kind`` and ``period`` (see the module's docstring)."""
    run = SolvencyJobRun.objects.create(kind=kind, period=period)
    try:
        with transaction.atomic():
            # The run's row is held until its work ends: a row still running that no
            # transaction holds is one whose process died mid-run (below).
            held = SolvencyJobRun.objects.select_for_update().get(pk=run.pk)
            if held.status != J.RUNNING:
                return held  # a run of the period that started meanwhile took it over
            runs_abandoned_close(kind, period, current=run.pk)
            result = json_ready(work())
            previous = (
                SolvencyJobRun.objects.filter(kind=kind, period=period, status=J.SUCCEEDED)
                .order_by("-version")
                .first()
            )
            if previous is not None and previous.result == result:
                _end(run, J.SKIPPED, result={"reason": "unchanged since", "run": previous.pk})
                return run
            run.version = previous.version + 1 if previous is not None else 1
            run.save(update_fields=["version"])
            _end(run, J.SUCCEEDED, result=result)
    except IntegrityError as error:
        # Another worker's run of the same period succeeded meanwhile (the unique key).
        run.refresh_from_db()
        if SolvencyJobRun.objects.filter(kind=kind, period=period, status=J.SUCCEEDED).exists():
            run.status = J.RUNNING
            _end(run, J.SKIPPED, result={"reason": "another run of this period succeeded"})
            return run
        _failed(run, error)
        raise
    except Exception as error:
        _failed(run, error)
        raise
    return run


#: The error of a run whose process died mid-run (``runs_abandoned_close``).
ABANDONED = (
    "Abandoned: no process was running it when another run of the same job and period "
    "started (its worker was stopped or killed mid-run); nothing of its work was kept."
)


def runs_abandoned_close(kind: str, period: str, *, current: int) -> list[int]:
    """Mark failed the runs of ``kind`` and ``period`` (other than ``current``) still
    recorded as running whose row no transaction holds: a live run holds its row until
    its work ends, so these are runs whose worker was killed (SIGKILL, the OOM killer),
    whose transaction the database rolled back. When they ended is unknown: their end
    and duration stay empty. Returns their ids."""
    rows = (
        SolvencyJobRun.objects.select_for_update(skip_locked=True)
        .filter(kind=kind, period=period, status=J.RUNNING)
        .exclude(pk=current)
    )
    closed = []
    for row in rows:
        JOB_RUN.move(row, J.FAILED)
        row.error = ABANDONED
        row.save(update_fields=["status", "error"])
        logger.warning("Solvency job run %s (%s %s) was abandoned mid-run.", row.pk, kind, period)
        closed.append(row.pk)
    return closed


def _failed(run: SolvencyJobRun, error: Exception) -> None:
    try:
        run.refresh_from_db()
        run.status = J.RUNNING
        _end(run, J.FAILED, error=f"{type(error).__name__}: {error}")
    except DatabaseError:
        # The database itself may be what failed: the task's retry records the next run.
        logger.warning("Could not record the failed solvency job run %s.", run.pk)


def quarter_end_before(day: dt.date) -> dt.date:
    """The last quarter end strictly before ``day`` (31 March, 30 June, 30 September, 31
    December)."""
    first_of_quarter = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return first_of_quarter - dt.timedelta(days=1)


def month_end_before(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def job_quarterly_assessment(*, today: dt.date | None = None) -> SolvencyJobRun:
    today = today or timezone.localdate()
    valuation_date = quarter_end_before(today)

    def work() -> dict[str, Any]:
        from .. import selectors

        latest = selectors.assessment_latest_approved()
        assessment = assessment_compute_as(
            valuation_date=valuation_date,
            rating=latest.rating if latest is not None else "",
            actor=scheduler_user(),
        )
        return {
            "assessment": assessment.pk,
            "version": assessment.version,
            "state": assessment.state,
            "ladder_status": assessment.ladder_status,
        }

    return job_run(K.QUARTERLY_ASSESSMENT, valuation_date.isoformat(), work)


def job_daily_monitoring(*, today: dt.date | None = None) -> SolvencyJobRun:
    today = today or timezone.localdate()
    return job_run(K.DAILY_MONITORING, today.isoformat(), lambda: monitoring_run(today=today))


def job_monthly_reserve(*, today: dt.date | None = None) -> SolvencyJobRun:
    """The reserve run at the month end before ``today`` (as the scheduler's account)."""
    today = today or timezone.localdate()
    valuation_date = month_end_before(today)
    period = valuation_date.strftime("%Y-%m")

    def work() -> dict[str, Any]:
        run = reserve_run_monthly(period_end=valuation_date, actor=scheduler_user())
        return {"reserve_run": run.pk, "version": run.version}

    return job_run(K.MONTHLY_RESERVE, period, work)
