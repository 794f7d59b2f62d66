"""Disclosure: published meetings, declared results, approved minutes, sitting seats; the
resolution another app acts on (``resolution_get``)."""

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


def meetings_convened() -> QuerySet[Meeting]:
    """Meetings whose notice has gone out (convened, whatever happened since), newest
    notice first: the meeting notices the disclosure pages publish."""
    return (
        Meeting.objects.filter(convened_at__isnull=False)
        .select_related("body")
        .order_by("-convened_at", "-id")
    )


def governing_bodies() -> QuerySet[Body]:
    """Every governing body (assemblies, board, supervisory board), as the articles
    list them: the bodies the annual report names with their sitting members."""
    return Body.objects.order_by("kind", "name")


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


def bodies_with_mandates(*, on=None) -> list[tuple[Body, list[Mandate]]]:
    """Every body with the seats sitting on ``on`` (default today), members by role
    and name (``body_mandates`` for all bodies at once): the governance bodies and
    their members the disclosure pages publish. Two queries whatever the number of
    bodies or seats."""
    on = on or timezone.localdate()
    sitting: dict[int, list[Mandate]] = {}
    mandates = (
        Mandate.objects.filter(starts_on__lte=on, ends_on__gt=on)
        .select_related("member")
        .order_by("body_id")
    )
    rank = {role: i for i, role in enumerate(Mandate.Role.values)}  # chair first
    for mandate in sorted(mandates, key=lambda m: (rank.get(m.role, 99), m.member.legal_name)):
        sitting.setdefault(mandate.body_id, []).append(mandate)
    return [(body, sitting.get(body.pk, [])) for body in Body.objects.order_by("kind", "name")]


def resolution_get(motion_id: int) -> Motion | None:
    """A motion with its meeting and body, for another app to check what it resolved
    (solvency: an adopted assembly resolution approving a repayment of the initial
    operating fund). None when there is no such motion."""
    return Motion.objects.select_related("meeting", "meeting__body").filter(pk=motion_id).first()


def resolution_adopted_by_assembly(motion: Motion, *, matter: str) -> bool:
    """Whether ``motion`` decides ``matter`` and was adopted by an assembly (general or
    representative) whose results are declared."""
    return (
        motion.matter == matter
        and motion.outcome == Motion.Outcome.ADOPTED
        and motion.meeting.status in DECLARED
        and motion.meeting.body.kind
        in (Body.Kind.GENERAL_ASSEMBLY, Body.Kind.REPRESENTATIVE_ASSEMBLY)
    )
