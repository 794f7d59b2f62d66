"""Celery tasks of disclosure: take ids, call one service. Idempotency lives in the
services (a document's figures are published once; an alert once per file and day)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .cache import generation_bump
from .services import alerts, members, sources

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "max_retries": 5}


@shared_task(name="disclosure.cache_clear", ignore_result=True)
def cache_clear() -> None:
    """Forget the cached public answers: a publication made while the cache was
    unreachable (``cache.generation_bump``)."""
    generation_bump()


@shared_task(name="disclosure.attachment_alert", ignore_result=True, **RETRY)
def attachment_alert(attachment_id: int) -> int:
    """E-mail the administrators that a published file no longer matches its checksum."""
    return alerts.attachment_alert_send(attachment_id=attachment_id)


@shared_task(name="disclosure.members_tell", ignore_result=True, **RETRY)
def members_tell(publication_id: int) -> int:
    """Tell the members in force about a published version (its kind's rule says so)."""
    return members.publication_members_tell(publication_id=publication_id)


def _day(today: str | None) -> dt.date | None:
    return dt.date.fromisoformat(today) if today else None


def _ids(results) -> list[int]:
    return [publication.pk for publication, _created in results]


# --- From the other apps' signals (queued by ``disclosure.receivers``) -----------------


@shared_task(name="disclosure.publish_meeting", ignore_result=True, **RETRY)
def publish_meeting(meeting_id: int) -> list[int]:
    """A published meeting's resolutions and minutes."""
    return _ids(sources.meeting_publications_publish(meeting=meeting_id))


@shared_task(name="disclosure.publish_consultation", ignore_result=True, **RETRY)
def publish_consultation(consultation_id: int) -> list[int]:
    """A consultation's results: its published meeting's resolutions again, with them."""
    return _ids(sources.consultation_results_publish(consultation=consultation_id))


@shared_task(name="disclosure.publish_meeting_notice", ignore_result=True, **RETRY)
def publish_meeting_notice(meeting_id: int) -> list[int]:
    """A convened meeting's notice."""
    return _ids([sources.meeting_notice_publish(meeting=meeting_id)])


@shared_task(name="disclosure.publish_apportionment", ignore_result=True, **RETRY)
def publish_apportionment(period_id: int) -> list[int]:
    """A published apportionment period."""
    return _ids([sources.apportionment_publication_publish(period=period_id)])


@shared_task(name="disclosure.publish_solvency_summary", ignore_result=True, **RETRY)
def publish_solvency_summary(assessment_id: int) -> list[int]:
    """An approved quarter-end assessment's summary with the quarterly report."""
    result = sources.solvency_summary_publish(assessment=assessment_id)
    return _ids([result] if result else [])


@shared_task(name="disclosure.publish_annual_report", ignore_result=True, **RETRY)
def publish_annual_report(year: int) -> list[int]:
    """The annual report of ``year`` (its Q4 assessment was approved)."""
    result = sources.annual_report_publish(year=year)
    return _ids([result] if result else [])


@shared_task(name="disclosure.publish_wind_down_step", ignore_result=True, **RETRY)
def publish_wind_down_step(wind_down_id: int, step: str) -> list[int]:
    """A milestone of a plan's wind-down, as a material event."""
    return _ids([sources.wind_down_step_publish(wind_down=wind_down_id, step=step)])


@shared_task(name="disclosure.publish_surplus_distribution", ignore_result=True, **RETRY)
def publish_surplus_distribution(distribution_id: int) -> list[int]:
    """A surplus distribution credited to the members, as a material event."""
    return _ids([sources.surplus_distribution_publish(distribution=distribution_id)])


# --- Periodic (mutualsociety.schedule) --------------------------------------------------


@shared_task(name="disclosure.quarterly_publications", ignore_result=True, **RETRY)
def quarterly_publications(today: str | None = None) -> list[int]:
    """Quarterly: the claims statistics and financial statements of the settled quarter."""
    return _ids(sources.quarterly_publish(today=_day(today)))


@shared_task(name="disclosure.annual_report", ignore_result=True, **RETRY)
def annual_report_due(today: str | None = None) -> list[int]:
    """Daily from 1 January to 30 April: the annual report of the year just ended, once
    its Q4 solvency assessment is approved (skipped until then)."""
    result = sources.annual_report_publish_due(today=_day(today))
    return _ids([result] if result else [])


@shared_task(name="disclosure.sync", ignore_result=True, **RETRY)
def sync(today: str | None = None) -> dict:
    """Daily: publish every source that has no publication yet (the catch-up)."""
    return sources.disclosure_sync(today=_day(today))
