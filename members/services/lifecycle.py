"""Membership lifecycle: one service per transition, each recording who, when and why."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.services import entry_reverse
from mutualsociety.common.exceptions import InvalidInput, TransitionNotAllowed

from ..calculations import withdrawal_effective_date
from ..models import ContributionDue, Coverage, Member, MemberEvent
from ..transitions import member_transition_check


def _lock(member: Member | int) -> Member:
    member_id = member.pk if isinstance(member, Member) else member
    return Member.objects.select_for_update().get(pk=member_id)


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
    member: Member, new: str, *, actor, reason: str, coverages_to: str | None = None
) -> Member:
    old = member.status
    member_transition_check(old, new)
    member.status = new
    member.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at"]
    if new == Member.Status.SUSPENDED:
        today = timezone.localdate()
        lapse_days = (
            member.coverages.filter(status=Coverage.Status.IN_FORCE).aggregate(
                days=Max("plan_version__lapse_after_days")
            )["days"]
            or 730
        )
        member.suspended_on = today
        member.lapses_on = today + dt.timedelta(days=lapse_days)
        fields += ["suspended_on", "lapses_on"]
    elif old == Member.Status.SUSPENDED:
        member.suspended_on = None
        member.lapses_on = None
        fields += ["suspended_on", "lapses_on"]
    member.save(update_fields=fields)
    if coverages_to:
        live = [Coverage.Status.IN_FORCE, Coverage.Status.SUSPENDED]
        updates: dict = {"status": coverages_to}
        if coverages_to in (Coverage.Status.ENDED, Coverage.Status.LAPSED):
            updates["end_date"] = timezone.localdate()
        member.coverages.filter(status__in=live).update(**updates)
        if coverages_to in (Coverage.Status.ENDED, Coverage.Status.LAPSED):
            _dues_cancel_after_cover(member, actor=actor)
    member_event(
        member=member, type=MemberEvent.Type.STATUS, actor=actor, old=old, new=new, reason=reason
    )
    return member


def _dues_cancel_after_cover(member: Member, *, actor) -> None:
    """Nothing falls due for cover that has ended: the unpaid premiums billed for periods
    from today on are cancelled and their ledger entries reversed, so that the ledger
    does not keep them as receivable. (A premium billed ahead for the period that starts
    on the day a withdrawal takes effect is one of them.) Apportioned shares stay owed: a
    mutual aid member who leaves still pays for the claims already on notice."""
    today = timezone.localdate()
    dues = member.dues.select_for_update().filter(
        kind=ContributionDue.Kind.PREMIUM,
        status=ContributionDue.Status.OPEN,
        paid_amount=0,
        period_start__gte=today,
    )
    for due in dues:
        due.status = ContributionDue.Status.CANCELLED
        due.save(update_fields=["status"])
        if due.ledger_entry_id:
            entry_reverse(
                entry=due.ledger_entry_id,
                # A reversal is never dated before its entry (billed ahead: the due date).
                date=max(today, due.due_date),
                memo=_("Cancelled, the cover ended: %(due)s") % {"due": due},
                actor=actor,
            )


@transaction.atomic
def member_suspend(*, member: Member | int, actor=None, reason: str) -> Member:
    """Suspend a membership and its cover (premium unpaid past the grace period).

    PRC Insurance Law art. 36: cover is suspended when a premium is unpaid 60 days (the
    plan's grace period) after it fell due.
    """
    member = _lock(member)
    return _set_status(
        member,
        Member.Status.SUSPENDED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.SUSPENDED,
    )


@transaction.atomic
def member_reinstate(*, member: Member | int, actor=None, reason: str) -> Member:
    """Reinstate a suspended membership once no premium is overdue past its grace period.

    PRC Insurance Law art. 37: reinstatement is possible within two years of suspension
    (the plan's lapse period); after that the membership lapses instead.
    """
    member = _lock(member)
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
def member_lapse(*, member: Member | int, actor=None, reason: str) -> Member:
    """End a membership that stayed suspended beyond the plan's lapse period."""
    member = _lock(member)
    return _set_status(
        member,
        Member.Status.LAPSED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.LAPSED,
    )


@transaction.atomic
def member_mark_deceased(
    *, member: Member | int, actor, reason: str, died_on: dt.date | None = None
) -> Member:
    """Record a member's death (staff only); cover ends."""
    if not reason.strip():
        raise InvalidInput(_("Say how the death was established."), field="reason")
    member = _lock(member)
    _set_status(
        member,
        Member.Status.DECEASED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.ENDED,
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
    member = _lock(member)
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
        )
    return member


def overdue_member_ids(*, today: dt.date):
    """Members with an amount still open after its grace period ended (a subquery)."""
    return (
        ContributionDue.objects.filter(status=ContributionDue.Status.OPEN, grace_ends_on__lt=today)
        .values("member_id")
        .distinct()
    )


def memberships_enforce_grace(*, today: dt.date | None = None, actor=None) -> dict[str, int]:
    """Daily: suspend members whose dues are unpaid past the grace period, and lapse
    members suspended past the lapse period (PRC Insurance Law arts. 36 and 37).

    The candidates are found by two set-based queries; each transition then goes through
    its service (a lock, the transition check, an event row). Running it twice on the
    same day changes nothing the second time: the members are no longer in the state the
    queries look for.
    """
    today = today or timezone.localdate()
    to_suspend = list(
        Member.objects.filter(
            status=Member.Status.ACTIVE, pk__in=overdue_member_ids(today=today)
        ).values_list("pk", flat=True)
    )
    for member_id in to_suspend:
        member_suspend(
            member=member_id,
            actor=actor,
            reason=_("A contribution is unpaid after the grace period."),
        )
    to_lapse = list(
        Member.objects.filter(status=Member.Status.SUSPENDED, lapses_on__lte=today).values_list(
            "pk", flat=True
        )
    )
    for member_id in to_lapse:
        member_lapse(
            member=member_id,
            actor=actor,
            reason=_("Not reinstated within the lapse period after suspension."),
        )
    return {"suspended": len(to_suspend), "lapsed": len(to_lapse)}


def withdrawals_complete(*, today: dt.date | None = None) -> int:
    """Daily: withdraw the members whose withdrawal takes effect today or earlier."""
    today = today or timezone.localdate()
    due = list(
        Member.objects.filter(
            status__in=[Member.Status.ACTIVE, Member.Status.SUSPENDED],
            withdrawal_effective_on__lte=today,
        ).values_list("pk", flat=True)
    )
    for member_id in due:
        with transaction.atomic():
            member = _lock(member_id)
            _set_status(
                member,
                Member.Status.WITHDRAWN,
                actor=None,
                reason=_("Withdrawal took effect."),
                coverages_to=Coverage.Status.ENDED,
            )
    return len(due)
