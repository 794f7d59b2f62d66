"""Reads of plans' wind-downs shared by the portal, the public pages, the admin and the
claims part (docs/members.md, "Wind-down of a mutual aid plan")."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import AdvanceRefund, Plan, WindDown

#: The wind-downs people see: started (the plan is winding down) or ended.
VISIBLE = (WindDown.Status.STARTED, WindDown.Status.ENDED)


def plan_wind_down(plan: Plan | int) -> WindDown | None:
    """The plan's wind-down once started (under way or ended), else None."""
    plan_id = plan.pk if isinstance(plan, Plan) else plan
    return (
        WindDown.objects.select_related("plan")
        .filter(plan_id=plan_id, status__in=VISIBLE)
        .order_by("-recorded_at")
        .first()
    )


def wind_downs_visible() -> list[WindDown]:
    """Every started or ended wind-down with its plan, the latest first (one query)."""
    return list(
        WindDown.objects.select_related("plan")
        .filter(status__in=VISIBLE)
        .order_by("-stop_date", "-pk")
    )


def wind_downs_for_plans(plan_ids: Iterable[int]) -> dict[int, WindDown]:
    """The started or ended wind-down of each of these plans, by plan id (one query; none
    for no plan)."""
    plan_ids = list(plan_ids)
    if not plan_ids:
        return {}
    return {
        row.plan_id: row
        for row in WindDown.objects.select_related("plan").filter(
            plan_id__in=plan_ids, status__in=VISIBLE
        )
    }


def wind_down_message(wind_down: WindDown) -> str:
    """What members, applicants and the public are told about a plan in wind-down."""
    return wind_down.statement


def wind_down_visible(pk: int) -> WindDown | None:
    """A started or ended wind-down by id, with its plan (the disclosure's source)."""
    return WindDown.objects.select_related("plan").filter(pk=pk, status__in=VISIBLE).first()


def wind_down_steps_reached() -> list[tuple[int, str, str]]:
    """(wind-down id, plan code, step) for every milestone reached by a started or ended
    wind-down (one query; the disclosure catch-up's sources)."""
    return [
        (row.pk, row.plan.code, step)
        for row in WindDown.objects.select_related("plan").filter(status__in=VISIBLE)
        for step, _label, day in row.timeline()
        if day is not None
    ]


def advance_refunds_for_member(member_id: int) -> list[AdvanceRefund]:
    """A member's refunds of unused advance payments at plans' wind-downs, with the plan
    (one query; domain authorization: the caller passes the signed-in member's id)."""
    return list(
        AdvanceRefund.objects.filter(member_id=member_id)
        .select_related("wind_down__plan")
        .order_by("-created_at", "-pk")
    )
