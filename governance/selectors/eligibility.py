"""The articles in force, who may vote, and why someone is not on a frozen voter roll."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from members.selectors import members_in_good_standing_on
from mutualsociety.common.exceptions import NotFound

from ..models import Articles, Body, Mandate, Meeting, Proxy, RollEntry


def articles_in_force(on: dt.date | None = None) -> Articles:
    """The articles of association in force on a day (latest effective version)."""
    on = on or timezone.localdate()
    articles = Articles.objects.filter(effective_from__lte=on).order_by("-effective_from", "-id")
    found = articles.first()
    if found is None:
        raise NotFound(_("No articles of association are in force; staff must enter them first."))
    return found


def meeting_articles(meeting: Meeting) -> Articles:
    """The articles a meeting applies: fixed when it is convened (``meeting_convene``), so
    every meeting past its draft has them. Asking a draft for them is a programming error
    (no face offers what needs them before convening)."""
    if meeting.articles is None:
        raise ValueError(f"Meeting #{meeting.pk} has no articles: it was never convened.")
    return meeting.articles


def eligible_members(body: Body, on: dt.date) -> QuerySet[Member]:
    """Who may vote at a meeting of ``body``: every active member for the general
    assembly; for any other body, the members sitting on it on the day."""
    if body.is_all_members:
        return Member.objects.filter(status=Member.Status.ACTIVE)
    sitting = Mandate.objects.filter(body=body, starts_on__lte=on, ends_on__gt=on)
    return Member.objects.filter(pk__in=sitting.values("member_id"), status=Member.Status.ACTIVE)


def eligible_members_on(body: Body, day: dt.date) -> QuerySet[Member]:
    """Who was eligible at the end of a past ``day`` (a record date the freeze missed):
    the members in good standing that day, rebuilt from the membership log
    (``members.selectors.members_in_good_standing_on``); for a body other than the
    general assembly, those of them whose mandate ran that day. One query, set-based.

    What cannot be rebuilt: a status set without a logged change (see the members
    selector), and mandates deleted since (the admin no longer deletes them: a mandate is
    ended with ``mandate_end``, from today on)."""
    members = members_in_good_standing_on(day)
    if not body.is_all_members:
        sitting = Mandate.objects.filter(body=body, starts_on__lte=day, ends_on__gt=day)
        members = members.filter(pk__in=sitting.values("member_id"))
    return members


def live_proxy(meeting: Meeting, principal: Member) -> Proxy | None:
    """The proxy ``principal`` has appointed for the meeting and not revoked, if any."""
    return Proxy.objects.filter(
        meeting=meeting, principal=principal, revoked_at__isnull=True
    ).first()


@dataclass(frozen=True)
class RollAbsence:
    """Why a member is not on a meeting's frozen voter roll, for the page to say."""

    JOINED_AFTER = "joined_after"  # became a member on or after the record date
    NO_SEAT = "no_seat"  # held no seat on the body on the record date
    NOT_IN_GOOD_STANDING = "not_in_good_standing"  # a member, but not active, that day

    reason: str
    record_date: dt.date
    joined_on: dt.date | None = None
    body: Body | None = None


def roll_absence(
    meeting: Meeting, member: Member, *, on_roll: bool | None = None
) -> RollAbsence | None:
    """Why ``member`` is not on the meeting's frozen roll; None when they are on it or
    the roll is not frozen yet. ``on_roll`` skips the query when the caller knows.

    The roll holds who was eligible on the record date (``meeting_roll_freeze``): a
    member who joined on or after it (the daily freeze runs first thing that day) is not
    on it; for a board, a seat that started after it does not count; otherwise the member
    was not in good standing that day."""
    if not meeting.roll_frozen or meeting.record_date is None:
        return None
    if on_roll is None:
        on_roll = RollEntry.objects.filter(meeting=meeting, member=member).exists()
    if on_roll:
        return None
    record = meeting.record_date
    if member.joined_on is not None and member.joined_on >= record:
        return RollAbsence(RollAbsence.JOINED_AFTER, record, joined_on=member.joined_on)
    if (
        not meeting.body.is_all_members
        and not Mandate.objects.filter(
            body=meeting.body, member=member, starts_on__lte=record, ends_on__gt=record
        ).exists()
    ):
        return RollAbsence(RollAbsence.NO_SEAT, record, body=meeting.body)
    return RollAbsence(RollAbsence.NOT_IN_GOOD_STANDING, record)
