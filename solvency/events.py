"""The one writer of the solvency app's histories (``common.events.event_record``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mutualsociety.common.events import event_record

from .models import (
    AlertEvent,
    AssessmentEvent,
    DistributionEvent,
    ReserveRun,
    ReserveRunEvent,
    SolvencyAlert,
    SolvencyAssessment,
    SurplusDistribution,
)


def assessment_event(
    *,
    assessment: SolvencyAssessment,
    type: AssessmentEvent.Type | str,  # noqa: A002 - the event's type, as everywhere
    actor=None,
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AssessmentEvent:
    """Append one event about ``assessment`` (in the caller's transaction)."""
    return event_record(
        AssessmentEvent,
        subject=assessment,
        type=AssessmentEvent.Type(type),
        actor=actor,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        data=data,
        at=at,
    )


def alert_event(
    *,
    alert: SolvencyAlert,
    type: AlertEvent.Type | str,  # noqa: A002 - the event's type, as everywhere
    actor=None,
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AlertEvent:
    """Append one event about ``alert`` (in the caller's transaction)."""
    return event_record(
        AlertEvent,
        subject=alert,
        type=AlertEvent.Type(type),
        actor=actor,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        data=data,
    )


def reserve_run_event(
    *,
    run: ReserveRun,
    type: ReserveRunEvent.Type | str,  # noqa: A002 - the event's type, as everywhere
    actor=None,
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> ReserveRunEvent:
    """Append one event about a reserve ``run`` (in the caller's transaction)."""
    return event_record(
        ReserveRunEvent,
        subject=run,
        type=ReserveRunEvent.Type(type),
        actor=actor,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        data=data,
    )


def distribution_event(
    *,
    distribution: SurplusDistribution,
    type: DistributionEvent.Type | str,  # noqa: A002 - the event's type, as everywhere
    actor=None,
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> DistributionEvent:
    """Append one event about a surplus distribution (in the caller's transaction)."""
    return event_record(
        DistributionEvent,
        subject=distribution,
        type=DistributionEvent.Type(type),
        actor=actor,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        data=data,
    )
