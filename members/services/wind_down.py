"""The orderly wind-down of a mutual aid plan: the members' side (docs/members.md,
"Wind-down of a mutual aid plan").

Internet mutual aid plans were closed in an orderly way under the regulators' 2018-2020
clean-up: Xiang Hu Bao (相互宝) stopped on 2022-01-28, kept accepting claims for events
before the stop, made a final apportionment and ended. Here:

- ``plan_wind_down_propose`` (staff, with the board's approval recorded as its
  resolution's reference, date and minutes document) and ``plan_wind_down_start`` (a
  second staff member: four eyes). From the start the plan takes no new members
  (``checks.plan_for_enrolment`` refuses it with the dates), applications waiting for an
  underwriter are declined with the reason, and every member covered is told;
- ``wind_down_tail_close``: the claims window closes ``tail_window_days`` after the stop
  date (the claims part refuses new claims from then, ``claims.services.intake``);
- the final apportionment is the claims part's (``claims.services.wind_down``), which
  records it here with ``wind_down_step_record``;
- ``advance_refunds_make``: after the final apportionment, the members' unused advance
  payments are refunded, set-based (one ``INSERT ... SELECT`` of ``AdvanceRefund`` rows,
  one ``UPDATE`` of the payments, one balanced entry Dr 2203 / Cr 2241 refunds payable);
  ``advance_refunds_pay`` pays them out (Dr 2241 / Cr 1002);
- ``wind_down_end``: the plan ends (the claims part calls it once the last claim is
  settled, ``claims.services.wind_down.wind_downs_advance``).

Each milestone is dated once on the ``WindDown`` row and sends ``signals.wind_down_step``
after the commit, which disclosure publishes.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import CASH, PREPAID, REFUNDS_PAYABLE
from ledger.services import Credit, Debit, entry_post
from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import (
    FourEyesViolation,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from mutualsociety.common.money import ZERO

from ..models import (
    AdvanceRefund,
    Application,
    Coverage,
    Member,
    Payment,
    Plan,
    Topic,
    WindDown,
)
from ..selectors.wind_down import wind_down_message
from ..signals import wind_down_step
from ..transitions import LIVE_COVERAGE
from .notifications import member_notify_many
from .underwriting import application_decline_locked

PERMISSION = "members.manage_wind_down"

#: The date field of each milestone on ``WindDown``.
STEP_FIELDS = {
    WindDown.Step.STARTED: "stop_date",
    WindDown.Step.TAIL_CLOSED: "tail_closed_on",
    WindDown.Step.FINAL_APPORTIONMENT: "final_apportionment_on",
    WindDown.Step.REFUNDS: "refunds_on",
    WindDown.Step.ENDED: "ended_on",
}


def _require(actor) -> None:
    if actor is None or not actor.has_perm(PERMISSION):
        raise NotAllowed(_("You do not have permission to manage a plan's wind-down."))


def wind_down_lock(wind_down: WindDown | int) -> WindDown:
    """The wind-down row, locked (with its plan)."""
    pk = wind_down.pk if isinstance(wind_down, WindDown) else wind_down
    found = WindDown.objects.select_for_update(of=("self",)).select_related("plan").filter(pk=pk)
    row = found.first()
    if row is None:
        raise InvalidInput(_("There is no such wind-down."), field="wind_down")
    return row


def wind_down_step_record(wind_down: WindDown, step: str, on: dt.date) -> bool:
    """Date a milestone once (the caller holds the row's lock) and send
    ``wind_down_step`` after the commit. Returns False when it was dated already."""
    field = STEP_FIELDS[WindDown.Step(step)]
    if getattr(wind_down, field) is not None:
        return False
    setattr(wind_down, field, on)
    wind_down.save(update_fields=[field])
    transaction.on_commit(
        lambda: wind_down_step.send(sender=WindDown, wind_down=wind_down, step=str(step))
    )
    return True


def plan_wind_down_propose(
    *,
    plan: Plan | int,
    reason: str,
    board_resolution_reference: str,
    board_resolved_on: dt.date | None,
    board_minutes_reference: str,
    actor,
    reason_en: str = "",
    tail_window_days: int | None = None,
) -> WindDown:
    """Record the board's decision to wind a mutual aid plan down; a second staff member
    starts it (``plan_wind_down_start``). Every field of the approval is required: the
    resolution's reference, its date (not in the future) and where the minutes are.
    Refused for a premium plan and for a plan that already has a wind-down."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the plan is wound down; it is published.")]
    if not (board_resolution_reference or "").strip():
        errors["board_resolution_reference"] = [_("Enter the board resolution's reference.")]
    if not (board_minutes_reference or "").strip():
        errors["board_minutes_reference"] = [_("Enter where the board's minutes are kept.")]
    if not isinstance(board_resolved_on, dt.date):
        errors["board_resolved_on"] = [_("Enter the date of the board's resolution.")]
    elif board_resolved_on > timezone.localdate():
        errors["board_resolved_on"] = [_("The board's resolution cannot be in the future.")]
    days = WindDown._meta.get_field("tail_window_days").default
    if tail_window_days is not None:
        days = tail_window_days
    if not isinstance(days, int) or not 1 <= days <= 3650:
        errors["tail_window_days"] = [_("The claims window is a number of days from 1 to 3650.")]
    if errors or board_resolved_on is None:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    plan_id = plan.pk if isinstance(plan, Plan) else plan
    with transaction.atomic():
        locked = Plan.objects.select_for_update().filter(pk=plan_id).first()
        if locked is None:
            raise InvalidInput(_("There is no such plan."), field="plan")
        if locked.kind != Plan.Kind.MUTUAL_AID:
            raise InvalidInput(_("Only a mutual aid plan is wound down this way."), field="plan")
        if locked.wind_downs.exclude(status=WindDown.Status.CANCELLED).exists():
            raise InvalidInput(_("This plan already has a wind-down."), field="plan")
        return WindDown.objects.create(
            plan=locked,
            reason=reason.strip(),
            reason_en=(reason_en or "").strip(),
            board_resolution_reference=board_resolution_reference.strip(),
            board_resolved_on=board_resolved_on,
            board_minutes_reference=board_minutes_reference.strip(),
            tail_window_days=days,
            recorded_by=actor,
        )


def plan_wind_down_start(
    *, wind_down: WindDown | int, actor, today: dt.date | None = None
) -> WindDown:
    """Start a proposed wind-down at once: today is the stop date. Four eyes: the person
    who recorded it cannot start it. The plan closes to new members; applications waiting
    for an underwriter are declined with the reason; every member covered is told
    (set-based). Starting it again is a no-op."""
    _require(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        row = wind_down_lock(wind_down)
        if row.status == WindDown.Status.STARTED:
            return row
        if row.status != WindDown.Status.PROPOSED:
            raise TransitionNotAllowed(
                _("A wind-down that is %(status)s cannot be started.")
                % {"status": row.get_status_display()}
            )
        if row.recorded_by_id == actor.pk:
            raise FourEyesViolation(
                _("Someone other than the person who recorded the wind-down must start it.")
            )
        plan = Plan.objects.select_for_update().get(pk=row.plan_id)
        plan.is_open = False
        plan.save(update_fields=["is_open"])
        row.status = WindDown.Status.STARTED
        row.started_by = actor
        row.save(update_fields=["status", "started_by"])
        wind_down_step_record(row, WindDown.Step.STARTED, today)
        reason = wind_down_message(row)
        waiting = Application.objects.select_for_update().filter(
            plan_version__plan=plan, status=Application.Status.REFERRED
        )
        declined = []
        # The underwriters' queue for one plan: a handful, each with its member's lock.
        for application in waiting.select_related("plan_version__plan").order_by("pk"):
            application_decline_locked(application, actor=actor, reasons=[reason])
            declined.append(application.member_id)
        if declined:
            member_notify_many(
                members=Member.objects.filter(pk__in=declined),
                topic=Topic.MEMBERSHIP,
                key=f"members.wind-down-declined:{row.pk}",
                template="members/email/wind_down_declined",
                context={"wind_down": row, "plan": plan},
            )
        member_notify_many(
            members=Member.objects.filter(
                pk__in=Coverage.objects.filter(plan=plan, status__in=LIVE_COVERAGE).values(
                    "member_id"
                )
            ),
            topic=Topic.MEMBERSHIP,
            key=f"members.wind-down-started:{row.pk}",
            template="members/email/wind_down_started",
            context={"wind_down": row, "plan": plan},
        )
    return row


def plan_wind_down_cancel(*, wind_down: WindDown | int, actor) -> WindDown:
    """Withdraw a proposed wind-down before it starts (a started one cannot be undone)."""
    _require(actor)
    with transaction.atomic():
        row = wind_down_lock(wind_down)
        if row.status == WindDown.Status.CANCELLED:
            return row
        if row.status != WindDown.Status.PROPOSED:
            raise TransitionNotAllowed(_("Only a proposed wind-down can be cancelled."))
        row.status = WindDown.Status.CANCELLED
        row.save(update_fields=["status"])
        return row


def wind_down_tail_close(*, wind_down: WindDown | int, today: dt.date | None = None) -> bool:
    """Close the claims window once its last day (``claims_until``) has passed; dated the
    day after it. Returns True when it was closed now (a rerun: False)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        row = wind_down_lock(wind_down)
        until = row.claims_until
        if row.status != WindDown.Status.STARTED or until is None or today <= until:
            return False
        return wind_down_step_record(row, WindDown.Step.TAIL_CLOSED, until + dt.timedelta(days=1))


# The members refunded: covered by the plan (at any time) and with no live cover under
# another plan that goes on (a plan winding down too does not keep the advance: else a
# member of two plans wound down together would be refunded by neither), whose advance
# then has nothing left to settle. Their unused advance is the
# sum over their payments of what is not allocated, in integer cents (exact on SQLite too).
# Parameters: wind-down id, created_at, plan id, plan id, wind-down id.
REFUND_INSERT = """
    INSERT INTO members_advancerefund (wind_down_id, member_id, amount, status, paid_on,
                                       created_at)
    SELECT %s, p.member_id,
           SUM(CAST(ROUND(p.amount * 100) AS BIGINT)
               - CAST(ROUND(p.allocated_amount * 100) AS BIGINT)) / 100.0,
           'due', NULL, %s
    FROM members_payment p
    WHERE p.amount > p.allocated_amount
      AND EXISTS (SELECT 1 FROM members_coverage c
                  WHERE c.member_id = p.member_id AND c.plan_id = %s)
      AND NOT EXISTS (SELECT 1 FROM members_coverage o
                      WHERE o.member_id = p.member_id AND o.plan_id <> %s
                        AND o.status IN ('in_force', 'suspended')
                        AND o.plan_id NOT IN (SELECT w.plan_id FROM members_winddown w
                                              WHERE w.status IN ('started', 'ended')))
      AND NOT EXISTS (SELECT 1 FROM members_advancerefund r
                      WHERE r.wind_down_id = %s AND r.member_id = p.member_id)
    GROUP BY p.member_id
"""
# What was refunded is no longer held as an advance: each payment of a member refunded is
# allocated in full. Parameter: wind-down id.
REFUND_ALLOCATE = """
    UPDATE members_payment SET allocated_amount = amount
    WHERE amount > allocated_amount
      AND member_id IN (SELECT r.member_id FROM members_advancerefund r
                        WHERE r.wind_down_id = %s)
"""


def refund_candidates(plan: Plan):
    """The members whose unused advance a wind-down of ``plan`` refunds (a queryset of
    members, no join, so that it can be locked ``FOR UPDATE``)."""
    of_plan = Coverage.objects.filter(plan=plan).values("member_id")
    winding_down = WindDown.objects.filter(
        status__in=(WindDown.Status.STARTED, WindDown.Status.ENDED)
    ).values("plan_id")
    other_live = (
        Coverage.objects.filter(status__in=LIVE_COVERAGE)
        .exclude(plan=plan)
        .exclude(plan_id__in=winding_down)
    )
    with_advance = Payment.objects.filter(amount__gt=F("allocated_amount")).values("member_id")
    return (
        Member.objects.filter(pk__in=of_plan)
        .exclude(pk__in=other_live.values("member_id"))
        .filter(pk__in=with_advance)
    )


def advance_refunds_make(
    *, wind_down: WindDown | int, actor, today: dt.date | None = None
) -> WindDown:
    """Refund the unused advance payments of the plan's members after its final
    apportionment, set-based: one ``INSERT ... SELECT`` of a refund per member (to the
    cent: integer cents), one ``UPDATE`` that takes the refunded money out of the
    advance, and one balanced entry Dr 2203 advance / Cr 2241 refunds payable under the
    key ``members.wind-down-refunds:<id>``. The members refunded are told (set-based).

    Members who also hold live cover under another plan keep their advance for it. Run
    once: a second call returns the wind-down unchanged (no row, no entry). The members'
    rows are locked first (the lock ``payment_record`` takes), so no payment of theirs
    lands between the refund and the update."""
    _require(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        row = wind_down_lock(wind_down)
        if row.refunds_on is not None:
            return row
        if row.status != WindDown.Status.STARTED or row.final_apportionment_on is None:
            raise NotAllowed(
                _("Advance payments are refunded after the final apportionment of the plan.")
            )
        # One statement locks the members refunded; the ids are not used further.
        list(
            refund_candidates(row.plan)
            .order_by()
            .select_for_update(no_key=True)
            .values_list("pk", flat=True)
        )
        ops = connection.ops
        with connection.cursor() as cursor:
            cursor.execute(
                REFUND_INSERT,
                [
                    row.pk,
                    ops.adapt_datetimefield_value(timezone.now()),
                    row.plan_id,
                    row.plan_id,
                    row.pk,
                ],
            )
            cursor.execute(REFUND_ALLOCATE, [row.pk])
        totals = AdvanceRefund.objects.filter(wind_down=row).aggregate(
            n=Count("id"), total=Sum("amount", default=ZERO)
        )
        row.refund_members = totals["n"]
        row.refund_total = totals["total"]
        if row.refund_total > 0:
            row.refund_entry = entry_post(
                idempotency_key=f"members.wind-down-refunds:{row.pk}",
                date=today,
                memo=_("Unused advance payments refunded at the wind-down of %(plan)s")
                % {"plan": row.plan.code},
                lines=[Debit(PREPAID, row.refund_total), Credit(REFUNDS_PAYABLE, row.refund_total)],
                source_type="members.wind_down",
                source_id=row.pk,
                actor=actor,
            )
        row.save(update_fields=["refund_members", "refund_total", "refund_entry"])
        wind_down_step_record(row, WindDown.Step.REFUNDS, today)
        if row.refund_members:
            member_notify_many(
                members=Member.objects.filter(refunds__wind_down=row),
                topic=Topic.MEMBERSHIP,
                key=f"members.wind-down-refund:{row.pk}",
                template="members/email/wind_down_refund",
                context={"wind_down": row, "plan": row.plan},
            )
    return row


def advance_refunds_pay(*, wind_down: WindDown | int, paid_on: dt.date, actor) -> WindDown:
    """The refunds due are paid out by bank transfer: one entry Dr 2241 refunds payable /
    Cr 1002 bank for all of them (key ``members.wind-down-refunds-paid:<id>``), each
    refund marked paid in one ``UPDATE``. Paying again is a no-op."""
    _require(actor)
    if not isinstance(paid_on, dt.date) or paid_on > timezone.localdate():
        raise InvalidInput(
            _("Enter the day the refunds were paid, not in the future."), field="paid_on"
        )
    with transaction.atomic():
        row = wind_down_lock(wind_down)
        if row.refunds_paid_on is not None:
            return row
        if row.refunds_on is None:
            raise NotAllowed(_("There are no refunds to pay yet."))
        if paid_on < row.refunds_on:
            raise InvalidInput(
                _("The refunds cannot be paid before they were made (%(date)s).")
                % {"date": format_date(row.refunds_on)},
                field="paid_on",
            )
        due = AdvanceRefund.objects.filter(wind_down=row, status=AdvanceRefund.Status.DUE)
        total = due.aggregate(total=Sum("amount", default=ZERO))["total"]
        if total > 0:
            row.refund_paid_entry = entry_post(
                idempotency_key=f"members.wind-down-refunds-paid:{row.pk}",
                date=paid_on,
                memo=_("Refunds paid out at the wind-down of %(plan)s") % {"plan": row.plan.code},
                lines=[Debit(REFUNDS_PAYABLE, total), Credit(CASH, total)],
                source_type="members.wind_down",
                source_id=row.pk,
                actor=actor,
            )
        due.update(status=AdvanceRefund.Status.PAID, paid_on=paid_on)
        row.refunds_paid_on = paid_on
        row.save(update_fields=["refunds_paid_on", "refund_paid_entry"])
    return row


def wind_down_end_blockers(wind_down: WindDown) -> list[str]:
    """What the members' side still waits for before the plan can end (empty: nothing):
    the final apportionment and the refunds, made and paid out."""
    blockers = []
    if wind_down.status != WindDown.Status.STARTED:
        blockers.append(_("The wind-down is not under way."))
    if wind_down.final_apportionment_on is None:
        blockers.append(_("The final apportionment has not been made."))
    if wind_down.refunds_on is None:
        blockers.append(_("The advance payments have not been refunded."))
    elif wind_down.refund_total > 0 and wind_down.refunds_paid_on is None:
        blockers.append(_("The refunds have not been paid out."))
    return blockers


def wind_down_end(*, wind_down: WindDown | int, on: dt.date) -> WindDown:
    """End the plan: the wind-down is over and the cover of its members ends (one
    ``UPDATE``). Called by the claims part once the plan's last claim is settled
    (``claims.services.wind_down``); refused while ``wind_down_end_blockers`` names
    anything. Ending again is a no-op."""
    with transaction.atomic():
        row = wind_down_lock(wind_down)
        if row.status == WindDown.Status.ENDED:
            return row
        blockers = wind_down_end_blockers(row)
        if blockers:
            raise NotAllowed(" ".join(blockers))
        Coverage.objects.filter(plan_id=row.plan_id, status__in=LIVE_COVERAGE).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=on)
        ).update(status=Coverage.Status.ENDED, end_date=on)
        row.status = WindDown.Status.ENDED
        row.save(update_fields=["status"])
        wind_down_step_record(row, WindDown.Step.ENDED, on)
        return row
