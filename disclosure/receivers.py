"""What disclosure does when another app reports an approved record (their ``signals``).

Each receiver runs after the source's commit and only records the work: an outbox row
for a Celery task of ``disclosure.tasks`` (``outbox_enqueue`` in its own transaction),
keyed by the source, so that a signal sent twice adds nothing. The task publishes (one
service of ``disclosure.services.sources``); a broker that is down keeps the row waiting
for the relay, and the source's own action has already succeeded. Should the process die
between the source's commit and the outbox row, the daily catch-up
(``disclosure_sync``) finds the source without its publication and publishes it.
"""

from __future__ import annotations

from django.db import transaction

from claims.signals import apportionment_published
from governance.signals import consultation_published, meeting_convened, meeting_published
from members.signals import wind_down_step
from mutualsociety.common.services import outbox_enqueue
from solvency.signals import assessment_approved, surplus_distributed

from . import tasks


def on_meeting_published(sender, meeting, **kwargs) -> None:
    with transaction.atomic():
        outbox_enqueue(
            task=tasks.publish_meeting,
            args=[meeting.pk],
            key=f"disclosure.publish_meeting:{meeting.pk}",
        )


def on_meeting_convened(sender, meeting, **kwargs) -> None:
    with transaction.atomic():
        outbox_enqueue(
            task=tasks.publish_meeting_notice,
            args=[meeting.pk],
            key=f"disclosure.publish_meeting_notice:{meeting.pk}",
        )


def on_consultation_published(sender, consultation, **kwargs) -> None:
    """The results go out with the consultation's meeting: published again now if the
    meeting already is (``consultation_results_publish``)."""
    with transaction.atomic():
        outbox_enqueue(
            task=tasks.publish_consultation,
            args=[consultation.pk],
            key=f"disclosure.publish_consultation:{consultation.pk}",
        )


def on_apportionment_published(sender, period, **kwargs) -> None:
    with transaction.atomic():
        outbox_enqueue(
            task=tasks.publish_apportionment,
            args=[period.pk],
            key=f"disclosure.publish_apportionment:{period.pk}",
        )


def on_assessment_approved(sender, assessment, **kwargs) -> None:
    """The quarter's solvency summary; an assessment at 31 December also (re)publishes
    the year's annual report, which waits for it."""
    day = assessment.valuation_date
    with transaction.atomic():
        outbox_enqueue(
            task=tasks.publish_solvency_summary,
            args=[assessment.pk],
            key=f"disclosure.publish_solvency_summary:{assessment.pk}",
        )
        if (day.month, day.day) == (12, 31):
            outbox_enqueue(
                task=tasks.publish_annual_report,
                args=[day.year],
                key=f"disclosure.publish_annual_report:{assessment.pk}",
            )


def on_wind_down_step(sender, wind_down, step, **kwargs) -> None:
    with transaction.atomic():
        outbox_enqueue(
            task=tasks.publish_wind_down_step,
            args=[wind_down.pk, str(step)],
            key=f"disclosure.publish_wind_down_step:{wind_down.pk}:{step}",
        )


def on_surplus_distributed(sender, distribution, **kwargs) -> None:
    with transaction.atomic():
        outbox_enqueue(
            task=tasks.publish_surplus_distribution,
            args=[distribution.pk],
            key=f"disclosure.publish_surplus_distribution:{distribution.pk}",
        )


def connect() -> None:
    """Called once by ``DisclosureConfig.ready``."""
    uid = "disclosure.receivers"
    meeting_published.connect(on_meeting_published, dispatch_uid=f"{uid}.meeting_published")
    meeting_convened.connect(on_meeting_convened, dispatch_uid=f"{uid}.meeting_convened")
    consultation_published.connect(
        on_consultation_published, dispatch_uid=f"{uid}.consultation_published"
    )
    apportionment_published.connect(
        on_apportionment_published, dispatch_uid=f"{uid}.apportionment_published"
    )
    assessment_approved.connect(on_assessment_approved, dispatch_uid=f"{uid}.assessment_approved")
    wind_down_step.connect(on_wind_down_step, dispatch_uid=f"{uid}.wind_down_step")
    surplus_distributed.connect(on_surplus_distributed, dispatch_uid=f"{uid}.surplus_distributed")
