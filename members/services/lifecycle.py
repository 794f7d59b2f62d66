"""Membership lifecycle: one service per transition, each recording who, when and why.

Suspension (PRC Insurance Law art. 36), reinstatement (art. 37), lapse, death and
withdrawal, asked for by staff or the member. Every status change goes through
``membership.member_status_set`` (the membership table, the cover with it, the premiums
of cover that ended). The daily jobs that do the same on their own are ``jobs``
(re-exported here, where callers have always found them).

Lower modules only: ``locks``, ``membership``, the selectors and the events; ``payments``
calls ``member_reinstate`` here, and nothing here calls ``payments`` or ``billing``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import InvalidInput, TransitionNotAllowed

from ..calculations import withdrawal_effective_date
from ..events import member_event
from ..models import Coverage, Member, MemberEvent
from ..selectors import overdue_member_ids, paid_to_date
from ..transitions import LIVE_COVERAGE, MEMBER, REINSTATEMENT
from .jobs import coverages_expire, memberships_enforce_grace, withdrawals_complete
from .locks import member_lock
from .membership import member_status_set

__all__ = [
    # Defined here.
    "member_lapse",
    "member_mark_deceased",
    "member_reinstate",
    "member_suspend",
    "member_withdraw_request",
    # The daily jobs (``jobs``).
    "coverages_expire",
    "memberships_enforce_grace",
    "withdrawals_complete",
    # Kept importable from here: the event writer (``members.events``) and two reads
    # (``members.selectors``).
    "member_event",
    "overdue_member_ids",
    "paid_to_date",
]


@transaction.atomic
def member_suspend(
    *, member: Member | int, actor=None, reason: str, today: dt.date | None = None
) -> Member:
    """Suspend a membership and its cover (premium unpaid past the grace period).

    PRC Insurance Law art. 36: cover is suspended when a premium is unpaid 60 days (the
    plan's grace period) after it fell due. The contract is suspended, not terminated:
    premiums keep falling due while it is suspended (``coverage_bill``) and are part of
    the arrears to pay to reinstate it.
    """
    member = member_lock(member, no_key=True)
    return member_status_set(
        member,
        Member.Status.SUSPENDED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.SUSPENDED,
        today=today,
    )


@transaction.atomic
def member_reinstate(*, member: Member | int, actor=None, reason: str) -> Member:
    """Reinstate a suspended membership once no premium is overdue past its grace period.

    PRC Insurance Law art. 37: reinstatement is possible within two years of suspension
    (the plan's lapse period) once the premiums owed are paid; after that the membership
    lapses instead. What is owed includes the premiums billed while suspended whose grace
    period is over; a period billed late (after the suspension) gets its grace period
    from the day it was billed, so the member is not suspended again the next day.
    """
    member = member_lock(member, no_key=True)
    # Reinstatement is the move suspended → active (admission is the other way in).
    REINSTATEMENT.check(member.status, Member.Status.ACTIVE)
    today = timezone.localdate()
    if member.lapses_on and member.lapses_on <= today:
        raise TransitionNotAllowed(
            _("The lapse period ended on %(date)s; the membership can no longer be reinstated.")
            % {"date": format_date(member.lapses_on)}
        )
    if overdue_member_ids(today=today).filter(member_id=member.pk).exists():
        raise InvalidInput(
            _("Premiums are still overdue; the membership is reinstated once they are paid.")
        )
    return member_status_set(
        member,
        Member.Status.ACTIVE,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.IN_FORCE,
    )


@transaction.atomic
def member_lapse(
    *, member: Member | int, actor=None, reason: str, today: dt.date | None = None
) -> Member:
    """End a membership that stayed suspended beyond the plan's lapse period.

    Cover ends on the lapse date (``lapses_on``; today if none is set). The unpaid
    premiums are written off and those of periods from the lapse date on cancelled
    (PRC Insurance Law art. 38: the insurer may not sue for them); shares stay owed.
    """
    member = member_lock(member, no_key=True)
    today = today or timezone.localdate()
    return member_status_set(
        member,
        Member.Status.LAPSED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.LAPSED,
        on=min(member.lapses_on or today, today),
        today=today,
    )


@transaction.atomic
def member_mark_deceased(
    *, member: Member | int, actor, reason: str, died_on: dt.date | None = None
) -> Member:
    """Record a member's death (staff only); cover ends on the date of death.

    Premiums for periods starting on or after the date of death (today if it is not
    known) are cancelled, paid or not; what was paid on them is held as an advance for
    the estate. Shares already apportioned stay owed.

    The date of death lies between the day the member joined and today: an earlier one
    (a mistyped year, such as 0001 or 2016 for 2026) would cancel premiums of periods the
    member was covered for and end the cover before it began. A membership that should
    never have begun is not ended by recording a death.
    """
    if not reason.strip():
        raise InvalidInput(_("Say how the death was established."), field="reason")
    today = timezone.localdate()
    if died_on and died_on > today:
        raise InvalidInput(_("The date of death cannot be in the future."), field="died_on")
    member = member_lock(member, no_key=True)
    if died_on and member.joined_on and died_on < member.joined_on:
        raise InvalidInput(
            _(
                "The date of death %(date)s is before %(joined)s, when the member joined; "
                "check the year."
            )
            % {"date": died_on.isoformat(), "joined": member.joined_on.isoformat()},
            field="died_on",
        )
    member_status_set(
        member,
        Member.Status.DECEASED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.ENDED,
        on=died_on or today,
        today=today,
    )
    if died_on:
        member_event(
            member=member,
            type=MemberEvent.Type.PROFILE,
            actor=actor,
            new=died_on.isoformat(),
            reason=_("Date of death"),
        )
    return member


@transaction.atomic
def member_withdraw_request(
    *, member: Member | int, actor=None, reason: str = "", today: dt.date | None = None
) -> Member:
    """A member asks to leave. It takes effect at the date the plan's rules give.

    The effective date is the request date plus the longest withdrawal notice of the
    member's plans, and never inside a period already paid for. A mutual aid member still
    owes their share of the claims already on public notice when they leave (the claims
    part apportions those to everyone who was covered at the time).
    """
    member = member_lock(member, no_key=True)
    if not MEMBER.allowed(member.status, Member.Status.WITHDRAWN):
        raise TransitionNotAllowed(_("Only an active or suspended member can withdraw."))
    if member.withdrawal_effective_on:
        raise InvalidInput(
            _("You asked to withdraw already; it takes effect on %(date)s.")
            % {"date": format_date(member.withdrawal_effective_on)}
        )
    today = today or timezone.localdate()
    notice = (
        member.coverages.filter(status__in=LIVE_COVERAGE).aggregate(
            days=Max("plan_version__withdrawal_notice_days")
        )["days"]
        or 0
    )
    effective = withdrawal_effective_date(
        requested_on=today, notice_days=notice, paid_to=paid_to_date(member)
    )
    member.withdrawal_effective_on = effective
    member.save(update_fields=["withdrawal_effective_on"])
    member_event(
        member=member,
        type=MemberEvent.Type.WITHDRAWAL,
        actor=actor,
        new=effective.isoformat(),
        reason=reason,
    )
    if effective <= today:
        member_status_set(
            member,
            Member.Status.WITHDRAWN,
            actor=actor,
            reason=reason,
            coverages_to=Coverage.Status.ENDED,
            on=effective,
            today=today,
        )
    return member
