"""Who receives a member's death benefit: the designation in force, now or on a day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from ..models import Designation, Member


def _moment(on: dt.date | dt.datetime) -> dt.datetime:
    """The end of a calendar day in the society's time zone (a claim's event date: the
    designation that stood at the end of that day), or the moment itself."""
    if isinstance(on, dt.datetime):
        return on
    next_day = dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(next_day) - dt.timedelta(microseconds=1)


def designation_in_force(
    member: Member | int, on_date: dt.date | dt.datetime | None = None
) -> Designation | None:
    """The member's designation of beneficiaries in force at the end of ``on_date`` (a
    date), at a moment (a datetime), or now; None when none was made by then. Its
    beneficiaries come prefetched in order."""
    member_id = member.pk if isinstance(member, Member) else member
    moment = timezone.now() if on_date is None else _moment(on_date)
    return (
        Designation.objects.filter(member_id=member_id, valid_from__lte=moment)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=moment))
        .select_related("recorded_by")
        .prefetch_related("beneficiaries")
        .order_by("-version")
        .first()
    )


def designation_history(member: Member) -> list[Designation]:
    """Every version of the member's designation, newest first, with its beneficiaries."""
    return list(
        Designation.objects.filter(member=member)
        .prefetch_related("beneficiaries")
        .order_by("-version")
    )
