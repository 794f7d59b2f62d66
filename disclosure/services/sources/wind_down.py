"""A mutual aid plan's wind-down, step by step, as MATERIAL_EVENT publications (重大事项):
started, claims window closed, final apportionment, refunds, ended (docs/members.md,
"Wind-down of a mutual aid plan")."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from members.models import WindDown
from members.selectors import wind_down_visible
from mutualsociety.common.display import format_amount, format_date
from mutualsociety.common.exceptions import InvalidInput

from ...models import Kind
from .common import Result, _both, _publish

#: The keys of the wind-down's publications start so (the catch-up reads them at once).
WIND_DOWN_KEY_PREFIX = "material_event:wind-down-"


def wind_down_key(plan_code: str, step: str) -> str:
    return f"{WIND_DOWN_KEY_PREFIX}{plan_code}-{step}"


def _day(row: WindDown, step: str) -> dt.date | None:
    return {s: day for s, _label, day in row.timeline()}.get(step)


def wind_down_step_publish(*, wind_down: int, step: str, at: dt.datetime | None = None) -> Result:
    """Publish one reached milestone of a plan's wind-down as a material event: the plan,
    the step and its date, the stop date and the claims window, the board's resolution,
    and for the refunds how many members and how much. The same figures again are a
    no-op (``publication_publish_auto``)."""
    row = wind_down_visible(wind_down)
    day = _day(row, step) if row is not None else None
    if row is None or day is None:
        raise InvalidInput(
            _("Wind-down %(id)s has not reached the step %(step)s.")
            % {"id": wind_down, "step": step}
        )
    content = {
        "plan": row.plan.code,
        "step": step,
        "date": day.isoformat(),
        "stop_date": row.stop_date.isoformat() if row.stop_date else None,
        "claims_until": row.claims_until.isoformat() if row.claims_until else None,
        "tail_window_days": row.tail_window_days,
        "board_resolution": row.board_resolution_reference,
        "board_resolved_on": row.board_resolved_on.isoformat(),
    }
    if step == WindDown.Step.REFUNDS:
        content.update(refund_members=row.refund_members, refund_total=str(row.refund_total))

    def texts() -> tuple[str, str]:
        values = {
            "plan": row.plan.display_name,
            "step": WindDown.Step(step).label,
            "date": format_date(day),
            "members": row.refund_members,
            "total": format_amount(row.refund_total),
            "board": row.board_resolution_reference,
            "resolved": format_date(row.board_resolved_on),
        }
        lines = [row.statement]
        if step == WindDown.Step.STARTED:
            lines.append(
                _("Approved by the board's resolution %(board)s of %(resolved)s.") % values
            )
            if row.display_reason:
                lines.append(row.display_reason)
        elif step == WindDown.Step.REFUNDS:
            lines.append(
                _("%(members)s members' unused advance payments, %(total)s in all, are refunded.")
                % values
            )
        title = _("%(plan)s wind-down: %(step)s on %(date)s") % values
        return title, "\n\n".join(lines)

    return _publish(
        kind=Kind.MATERIAL_EVENT,
        key=wind_down_key(row.plan.code, step),
        source=f"members.winddown:{row.pk}",
        content=content,
        period=day.isoformat(),
        event_day=day,
        at=at,
        **_both(texts),
    )
