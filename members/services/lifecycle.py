"""Membership lifecycle: one service per transition, each recording who, when and why."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import DomainError, InvalidInput, TransitionNotAllowed

from ..calculations import withdrawal_effective_date
from ..models import ContributionDue, Coverage, Member, MemberEvent
from ..transitions import member_transition_check

logger = logging.getLogger(__name__)


def _lock(member: Member | int, *, no_key: bool = False) -> Member:
    """Lock the member row. ``no_key``: ``FOR NO KEY UPDATE``, for changes that touch no
    unique column, so that it does not wait on (or deadlock with) a transaction that only
    inserted a row referring to the member (see ``contributions``)."""
    member_id = member.pk if isinstance(member, Member) else member
    return Member.objects.select_for_update(no_key=no_key).get(pk=member_id)


def member_event(
    *,
    member: Member,
    type: str,  # noqa: A002 - the event's type
    actor=None,
    old: str = "",
    new: str = "",
    reason: str = "",
    data: dict | None = None,
) -> MemberEvent:
    return MemberEvent.objects.create(
        member=member,
        type=type,
        actor=actor if getattr(actor, "pk", None) else None,
        old_value=str(old)[:200],
        new_value=str(new)[:200],
        reason=reason,
        data=data or {},
    )


def _set_status(
    member: Member,
    new: str,
    *,
    actor,
    reason: str,
    coverages_to: str | None = None,
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> Member:
    """Change the status of a locked member, and of their live cover to ``coverages_to``.

    ``on`` is the day the change takes effect (the suspension day; the first day without
    cover: the withdrawal's effective date, the date of death, the lapse date); ``today``
    the day it is processed (a daily job's day). Both default to today.
    """
    today = today or timezone.localdate()
    on = on or today
    old = member.status
    member_transition_check(old, new)
    member.status = new
    member.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at"]
    if new == Member.Status.SUSPENDED:
        lapse_days = (
            member.coverages.filter(status=Coverage.Status.IN_FORCE).aggregate(
                days=Max("plan_version__lapse_after_days")
            )["days"]
            or 730
        )
        member.suspended_on = on
        member.lapses_on = on + dt.timedelta(days=lapse_days)
        fields += ["suspended_on", "lapses_on"]
    elif old == Member.Status.SUSPENDED:
        member.suspended_on = None
        member.lapses_on = None
        fields += ["suspended_on", "lapses_on"]
    member.save(update_fields=fields)
    if coverages_to:
        live = [Coverage.Status.IN_FORCE, Coverage.Status.SUSPENDED]
        updates: dict = {"status": coverages_to}
        ends = coverages_to in (Coverage.Status.ENDED, Coverage.Status.LAPSED)
        if ends:
            updates["end_date"] = on
        member.coverages.filter(status__in=live).update(**updates)
        if ends:
            _dues_cancel_after_cover(
                member,
                ends_on=on,
                write_off_unpaid=new == Member.Status.LAPSED,
                today=today,
                actor=actor,
            )
    member_event(
        member=member, type=MemberEvent.Type.STATUS, actor=actor, old=old, new=new, reason=reason
    )
    return member


def _dues_cancel_after_cover(
    member: Member, *, ends_on: dt.date, write_off_unpaid: bool, today: dt.date, actor
) -> None:
    """Nothing falls due for cover that has ended: every premium for a period from
    ``ends_on`` on is cancelled, paid or not, what was paid on it going back to the
    advance; a lapse also writes off the unpaid earlier premiums (PRC Insurance Law
    art. 38). Apportioned shares stay owed: a mutual aid member who leaves still pays for
    the claims already on notice. See ``contributions.dues_cancel_after_cover``."""
    # contributions imports this module at its top; import it here, once both exist.
    from .contributions import dues_cancel_after_cover

    dues_cancel_after_cover(
        member=member,
        ends_on=ends_on,
        write_off_unpaid=write_off_unpaid,
        today=today,
        actor=actor,
        reason=(
            _("The membership lapsed: unpaid premiums written off.")
            if write_off_unpaid
            else _("The cover ended: premiums for later periods cancelled.")
        ),
    )


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
    member = _lock(member, no_key=True)
    return _set_status(
        member,
        Member.Status.SUSPENDED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.SUSPENDED,
        today=today,
    )


@transaction.atomic
def member_suspend_if_overdue(
    *, member: Member | int, today: dt.date, actor=None, reason: str
) -> bool:
    """Suspend an active member if, under the lock, an amount is still unpaid after its
    grace period on ``today``; otherwise change nothing. Returns whether it suspended.

    The daily job picks its candidates before taking any lock; a member who paid, was
    suspended or withdrew in between is left as they are.
    """
    member = _lock(member, no_key=True)
    if (
        member.status != Member.Status.ACTIVE
        or not overdue_member_ids(today=today).filter(member_id=member.pk).exists()
    ):
        return False
    _set_status(
        member,
        Member.Status.SUSPENDED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.SUSPENDED,
        today=today,
    )
    return True


@transaction.atomic
def member_reinstate(*, member: Member | int, actor=None, reason: str) -> Member:
    """Reinstate a suspended membership once no premium is overdue past its grace period.

    PRC Insurance Law art. 37: reinstatement is possible within two years of suspension
    (the plan's lapse period) once the premiums owed are paid; after that the membership
    lapses instead. What is owed includes the premiums billed while suspended whose grace
    period is over; a period billed late (after the suspension) gets its grace period
    from the day it was billed, so the member is not suspended again the next day.
    """
    member = _lock(member, no_key=True)
    if member.status != Member.Status.SUSPENDED:
        raise TransitionNotAllowed(_("Only a suspended membership can be reinstated."))
    today = timezone.localdate()
    if member.lapses_on and member.lapses_on <= today:
        raise TransitionNotAllowed(
            _("The lapse period ended on %(date)s; the membership can no longer be reinstated.")
            % {"date": member.lapses_on.isoformat()}
        )
    if overdue_member_ids(today=today).filter(member_id=member.pk).exists():
        raise InvalidInput(
            _("Premiums are still overdue; the membership is reinstated once they are paid.")
        )
    return _set_status(
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
    member = _lock(member, no_key=True)
    today = today or timezone.localdate()
    return _set_status(
        member,
        Member.Status.LAPSED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.LAPSED,
        on=min(member.lapses_on or today, today),
        today=today,
    )


@transaction.atomic
def member_lapse_if_due(*, member: Member | int, today: dt.date, actor=None, reason: str) -> bool:
    """Lapse a member if, under the lock, they are still suspended and their lapse date
    has come on ``today``; otherwise change nothing. Returns whether it lapsed."""
    member = _lock(member, no_key=True)
    if (
        member.status != Member.Status.SUSPENDED
        or member.lapses_on is None
        or member.lapses_on > today
    ):
        return False
    _set_status(
        member,
        Member.Status.LAPSED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.LAPSED,
        on=member.lapses_on,
        today=today,
    )
    return True


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
    member = _lock(member, no_key=True)
    if died_on and member.joined_on and died_on < member.joined_on:
        raise InvalidInput(
            _(
                "The date of death %(date)s is before %(joined)s, when the member joined; "
                "check the year."
            )
            % {"date": died_on.isoformat(), "joined": member.joined_on.isoformat()},
            field="died_on",
        )
    _set_status(
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


def paid_to_date(member: Member) -> dt.date | None:
    """The last day of the latest premium period fully paid."""
    return member.dues.filter(
        kind=ContributionDue.Kind.PREMIUM, status=ContributionDue.Status.PAID
    ).aggregate(last=Max("period_end"))["last"]


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
    member = _lock(member, no_key=True)
    if member.status not in (Member.Status.ACTIVE, Member.Status.SUSPENDED):
        raise TransitionNotAllowed(_("Only an active or suspended member can withdraw."))
    if member.withdrawal_effective_on:
        raise InvalidInput(
            _("You asked to withdraw already; it takes effect on %(date)s.")
            % {"date": member.withdrawal_effective_on.isoformat()}
        )
    today = today or timezone.localdate()
    notice = (
        member.coverages.filter(
            status__in=[Coverage.Status.IN_FORCE, Coverage.Status.SUSPENDED]
        ).aggregate(days=Max("plan_version__withdrawal_notice_days"))["days"]
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
        _set_status(
            member,
            Member.Status.WITHDRAWN,
            actor=actor,
            reason=reason,
            coverages_to=Coverage.Status.ENDED,
            on=effective,
            today=today,
        )
    return member


def overdue_member_ids(*, today: dt.date):
    """Members with an amount still open after its grace period ended (a subquery)."""
    return (
        ContributionDue.objects.filter(status=ContributionDue.Status.OPEN, grace_ends_on__lt=today)
        .values("member_id")
        .distinct()
    )


def run_each(
    ids: list[int], action: Callable[[int], object], *, done: str, what: str
) -> dict[str, int]:
    """Run ``action`` for each id of a daily job, each in its own transaction.

    An action that returns something truthy counts as ``done``; one refused by a
    ``DomainError`` is logged with its id and counted as ``failed``, and the job goes on.
    """
    counts = {done: 0, "failed": 0}
    for id_ in ids:
        try:
            if action(id_):
                counts[done] += 1
        except DomainError as exc:
            counts["failed"] += 1
            logger.warning("%s %s failed: %s", what, id_, exc)
    return counts


def memberships_enforce_grace(*, today: dt.date | None = None, actor=None) -> dict[str, int]:
    """Daily: suspend members whose dues are unpaid past the grace period, and lapse
    members suspended past the lapse period (PRC Insurance Law arts. 36 and 37).

    The candidates are found by two set-based queries; each member then goes through a
    service that locks them and checks the condition again (they may have paid, been
    reinstated or withdrawn since the query). A member whose transition is refused
    (a ``DomainError``) is logged with their id and counted as failed; the others are
    still processed. Running it twice on the same day changes nothing the second time.
    """
    today = today or timezone.localdate()
    to_suspend = list(
        Member.objects.filter(
            status=Member.Status.ACTIVE, pk__in=overdue_member_ids(today=today)
        ).values_list("pk", flat=True)
    )
    suspended = run_each(
        to_suspend,
        lambda member_id: member_suspend_if_overdue(
            member=member_id,
            today=today,
            actor=actor,
            reason=_("A contribution is unpaid after the grace period."),
        ),
        done="suspended",
        what="Suspending member",
    )
    to_lapse = list(
        Member.objects.filter(status=Member.Status.SUSPENDED, lapses_on__lte=today).values_list(
            "pk", flat=True
        )
    )
    lapsed = run_each(
        to_lapse,
        lambda member_id: member_lapse_if_due(
            member=member_id,
            today=today,
            actor=actor,
            reason=_("Not reinstated within the lapse period after suspension."),
        ),
        done="lapsed",
        what="Lapsing member",
    )
    return {
        "suspended": suspended["suspended"],
        "lapsed": lapsed["lapsed"],
        "failed": suspended["failed"] + lapsed["failed"],
    }


@transaction.atomic
def member_withdrawal_complete(*, member: Member | int, today: dt.date) -> bool:
    """Withdraw a member whose withdrawal takes effect on ``today`` or earlier, if under
    the lock they are still active or suspended; cover ends on the effective date, and
    the premiums for periods from then on are cancelled. Returns whether it withdrew."""
    member = _lock(member, no_key=True)
    effective = member.withdrawal_effective_on
    if (
        member.status not in (Member.Status.ACTIVE, Member.Status.SUSPENDED)
        or effective is None
        or effective > today
    ):
        return False
    _set_status(
        member,
        Member.Status.WITHDRAWN,
        actor=None,
        reason=_("Withdrawal took effect."),
        coverages_to=Coverage.Status.ENDED,
        on=effective,
        today=today,
    )
    return True


def withdrawals_complete(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: withdraw the members whose withdrawal takes effect today or earlier.

    One transaction per member; a refused one is logged and counted as failed.
    """
    today = today or timezone.localdate()
    due = list(
        Member.objects.filter(
            status__in=[Member.Status.ACTIVE, Member.Status.SUSPENDED],
            withdrawal_effective_on__lte=today,
        ).values_list("pk", flat=True)
    )
    return run_each(
        due,
        lambda member_id: member_withdrawal_complete(member=member_id, today=today),
        done="withdrawn",
        what="Completing the withdrawal of member",
    )


@transaction.atomic
def coverage_expire(*, coverage: Coverage | int, today: dt.date) -> bool:
    """End one coverage whose term ended before ``today`` under a plan version that does
    not renew: status ended, ``end_date`` the term's last day, an event row, and the
    premiums for periods after the term cancelled. The member is not otherwise changed
    (they stay a member without that cover). Returns whether it ended the coverage.

    Locks the member, then the coverage (the order of billing and payments).
    """
    coverage_id = coverage.pk if isinstance(coverage, Coverage) else coverage
    member = _lock(
        Coverage.objects.values_list("member_id", flat=True).get(pk=coverage_id), no_key=True
    )
    coverage = (
        Coverage.objects.select_for_update(no_key=True, of=("self",))
        .select_related("plan_version", "plan")
        .get(pk=coverage_id)
    )
    if (
        coverage.status not in (Coverage.Status.IN_FORCE, Coverage.Status.SUSPENDED)
        or coverage.term_end is None
        or coverage.term_end >= today
        or coverage.plan_version.auto_renew
    ):
        return False
    old = coverage.status
    coverage.status = Coverage.Status.ENDED
    coverage.end_date = coverage.term_end
    coverage.next_due_date = None
    coverage.save(update_fields=["status", "end_date", "next_due_date"])
    member_event(
        member=member,
        type=MemberEvent.Type.COVERAGE,
        old=old,
        new=Coverage.Status.ENDED,
        reason=_("The term of %(plan)s ended on %(date)s and does not renew.")
        % {"plan": coverage.plan.code, "date": coverage.term_end.isoformat()},
        data={"coverage": coverage.pk},
    )
    # contributions imports this module at its top; import it here, once both exist.
    from .contributions import dues_cancel_after_cover

    dues_cancel_after_cover(
        member=member,
        ends_on=coverage.term_end + dt.timedelta(days=1),
        coverages=[coverage.pk],
        today=today,
        reason=_("The cover ended: premiums for later periods cancelled."),
    )
    return True


def coverages_expire(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: end the live coverages whose term ended before today under a plan version
    that does not renew (``coverage_expire``). Idempotent: ended cover is not picked
    again. A refused one is logged and counted as failed."""
    today = today or timezone.localdate()
    ids = list(
        Coverage.objects.filter(
            status__in=[Coverage.Status.IN_FORCE, Coverage.Status.SUSPENDED],
            term_end__lt=today,
            plan_version__auto_renew=False,
        ).values_list("pk", flat=True)
    )
    return run_each(
        ids,
        lambda coverage_id: coverage_expire(coverage=coverage_id, today=today),
        done="ended",
        what="Ending coverage",
    )
