"""The periodic jobs every deployment runs, installed into django-celery-beat's tables.

``install_periodic_tasks()`` runs after every ``migrate`` (and by ``manage.py
install_schedule``), so a fresh deployment has its jobs without anyone clicking in the
admin. It creates what is missing and leaves alone what staff have since edited there
(times, enabled flags): the schedule is data, and staff own it once it exists.

Later issues add their jobs to ``PERIODIC_TASKS``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    description: str
    minute: str = "*"
    hour: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    day_of_week: str = "*"
    kwargs: dict = field(default_factory=dict)


PERIODIC_TASKS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        name="Worker heartbeat",
        task="common.worker_heartbeat",
        description="Every minute: records that a worker and beat are running (/healthz).",
    ),
    PeriodicJob(
        name="Relay the task outbox",
        task="common.relay_outbox",
        description=(
            "Every minute: hands to the broker, each once, the tasks recorded while it was "
            "unreachable (e-mails after enrolment, payment, convening); forgets those sent "
            "more than OUTBOX_KEEP_SENT_DAYS ago."
        ),
    ),
    PeriodicJob(
        name="Resume stalled batch runs",
        task="common.resume_stalled_batches",
        description=(
            "Every 10 minutes: sends again to the workers the chunks of batch runs "
            "(apportionment, billing, grace, surplus) with no chunk done for "
            "BATCH_STALL_MINUTES; chunks already done are not run again."
        ),
        minute="*/10",
    ),
    PeriodicJob(
        name="Clear expired sessions",
        task="common.clear_expired_sessions",
        description="Daily at 03:10: deletes expired login sessions.",
        minute="10",
        hour="3",
    ),
    PeriodicJob(
        name="Ledger integrity check",
        task="ledger.integrity_check",
        description=(
            "Daily at 01:30: checks every journal entry balances and the trial balance is "
            "zero; keeps one dated result per day and e-mails ADMINS if it fails."
        ),
        minute="30",
        hour="1",
    ),
    PeriodicJob(
        name="Bill premiums",
        task="members.bill_premiums",
        description="Daily at 00:20: premiums due for the periods that start today.",
        minute="20",
        hour="0",
    ),
    PeriodicJob(
        name="Enforce grace and lapse periods",
        task="members.enforce_grace",
        description=(
            "Daily at 02:00: suspends memberships with contributions unpaid after the grace "
            "period; lapses those suspended beyond the lapse period."
        ),
        minute="0",
        hour="2",
    ),
    PeriodicJob(
        name="Complete withdrawals",
        task="members.complete_withdrawals",
        description="Daily at 00:40: withdrawals whose effective date has come.",
        minute="40",
        hour="0",
    ),
    PeriodicJob(
        name="Expire ended cover",
        task="members.expire_coverages",
        description=(
            "Daily at 00:50: ends cover whose term ended under a plan version that does not "
            "renew, and cancels the premiums billed for later periods."
        ),
        minute="50",
        hour="0",
    ),
    PeriodicJob(
        name="Freeze voter rolls",
        task="governance.freeze_rolls",
        description="Daily at 00:05: freezes the voter rolls whose record date has come.",
        minute="5",
        hour="0",
    ),
    PeriodicJob(
        name="Close consultations",
        task="governance.close_consultations",
        description=(
            "Hourly at :07: closes the member consultations whose close has come and "
            "publishes their results (the pages also close one found past its close)."
        ),
        minute="7",
    ),
    PeriodicJob(
        name="Clear public notices and close review panels",
        task="claims.close_notices_and_panels",
        description=(
            "Daily at 00:05: approved claims whose public notice ended are cleared; review "
            "panels whose voting window closed are tallied (or drawn again without quorum)."
        ),
        minute="5",
        hour="0",
    ),
    PeriodicJob(
        name="Apportion mutual aid claims",
        task="claims.apportion",
        description=(
            "Daily at 00:30: on a plan's apportionment days (14th and 28th by default) shares "
            "the cleared claims and the management fee among the members (idempotent)."
        ),
        minute="30",
        hour="0",
    ),
    PeriodicJob(
        name="Complaints: due and overdue",
        task="support.remind",
        description=(
            "Daily at 07:30: flags the complaints whose acknowledgement or outcome is due "
            "or overdue and e-mails each one's handler and the compliance officer (once a "
            "complaint a day)."
        ),
        minute="30",
        hour="7",
    ),
    PeriodicJob(
        name="Advance plan wind-downs",
        task="claims.wind_downs_advance",
        description=(
            "Daily at 00:50: closes the claims window of a plan in wind-down once its last "
            "day has passed, and ends the plan once its final apportionment and refunds are "
            "done and its last claim is settled (idempotent)."
        ),
        minute="50",
        hour="0",
    ),
    PeriodicJob(
        name="Solvency: daily monitoring",
        task="solvency.daily_monitoring",
        description=(
            "Daily at 05:00: today's capital from the ledger against the latest approved "
            "assessment; opens and closes the alerts of the ladder (one run a day)."
        ),
        minute="0",
        hour="5",
    ),
    PeriodicJob(
        name="Solvency: quarterly assessment",
        task="solvency.quarterly_assessment",
        description=(
            "On 1 January, April, July and October at 04:30: a draft solvency assessment "
            "at the quarter end just passed, for the actuary to check and approve."
        ),
        minute="30",
        hour="4",
        day_of_month="1",
        month_of_year="1,4,7,10",
    ),
    PeriodicJob(
        name="Solvency: monthly reserve run",
        task="solvency.monthly_reserve",
        description=(
            "On the 1st of each month at 04:00: the reserve run (UPR, case, IBNR) at the "
            "month end just passed, for the actuary to approve."
        ),
        minute="0",
        hour="4",
        day_of_month="1",
    ),
    PeriodicJob(
        name="Personal data requests: deadlines",
        task="privacy.flag_overdue",
        description=(
            "Daily at 07:00: flags the personal data requests not answered by their due "
            "date and e-mails their handler (each request once)."
        ),
        minute="0",
        hour="7",
    ),
    PeriodicJob(
        name="Disclosure: quarterly publications",
        task="disclosure.quarterly_publications",
        description=(
            "On 15 January, April, July and October at 06:00: publishes the claims "
            "statistics and the financial statements of the quarter just ended (idempotent; "
            "new figures make a correction)."
        ),
        minute="0",
        hour="6",
        day_of_month="15",
        month_of_year="1,4,7,10",
    ),
    PeriodicJob(
        name="Disclosure: annual report",
        task="disclosure.annual_report",
        description=(
            "Daily from 1 January to 30 April at 06:10: publishes the annual report of the "
            "year just ended once its fourth quarter's solvency assessment is approved "
            "(skipped until then, and once published)."
        ),
        minute="10",
        hour="6",
        month_of_year="1-4",
    ),
    PeriodicJob(
        name="Disclosure: catch-up",
        task="disclosure.sync",
        description=(
            "Daily at 06:30: publishes whatever should be disclosed and is not (published "
            "meetings, convened meetings, apportionment periods, approved quarter-end "
            "assessments, settled quarters, years): repairs a publication lost between a "
            "commit and its task."
        ),
        minute="30",
        hour="6",
    ),
)


def install_periodic_tasks() -> list[str]:
    """Create the periodic jobs that do not exist yet; return the names created."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    created: list[str] = []
    for job in PERIODIC_TASKS:
        if PeriodicTask.objects.filter(name=job.name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=job.minute,
            hour=job.hour,
            day_of_month=job.day_of_month,
            month_of_year=job.month_of_year,
            day_of_week=job.day_of_week,
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.create(
            name=job.name,
            task=job.task,
            crontab=crontab,
            kwargs=json.dumps(job.kwargs),
            description=job.description,
            enabled=True,
        )
        created.append(job.name)
    return created


def install_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: install the schedule once django-celery-beat's tables exist."""
    from django.db import connections

    tables = connections[using].introspection.table_names()
    if "django_celery_beat_periodictask" in tables:
        install_periodic_tasks()
