"""Disclosure: published meetings, declared results, approved minutes, sitting seats."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from ..models import Body, Mandate, Meeting, Motion
from ..transitions import DECLARED
from .meetings import meeting_motions

S = Meeting.Status


def published_meetings() -> QuerySet[Meeting]:
    """Meetings whose results and approved minutes are published, newest first."""
    return (
        Meeting.objects.filter(status=S.PUBLISHED).select_related("body").order_by("-published_at")
    )


def meeting_results(meeting: Meeting) -> list[Motion]:
    """Declared results of a meeting's motions, with the elected candidates."""
    if meeting.status not in DECLARED:
        return []
    return meeting_motions(meeting)


def meeting_minutes(meeting: Meeting) -> str | None:
    """The approved minutes; None before approval."""
    if meeting.status in (S.MINUTES_APPROVED, S.PUBLISHED):
        return meeting.minutes
    return None


def body_mandates(body: Body, *, on=None) -> QuerySet[Mandate]:
    on = on or timezone.localdate()
    return (
        Mandate.objects.filter(body=body, starts_on__lte=on, ends_on__gt=on)
        .select_related("member")
        .order_by("role", "member__legal_name")
    )
