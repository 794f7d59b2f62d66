"""Handling a complaint, step by step along ``support.transitions.COMPLAINT``: staff
acknowledge it, investigate, give the outcome (upheld, partly upheld, not upheld) with
the answer to the complainant, extend the deadline once with a reason, and close it; the
complainant may escalate it once to the supervisory board within the window after the
outcome.

Each step locks the row, checks the move, saves the fields it changes, appends an event
(who, when, why) and tells the complainant (after the commit). A step refused changes
nothing; the same step again is refused by the table (a complaint acknowledged cannot be
acknowledged again), so a double click has one effect.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed

from ..events import complaint_event
from ..models import Complaint, ComplaintEvent
from ..transitions import COMPLAINT, OPEN, OUTCOMES
from .notify import complainant_tell, supervisory_board_tell
from .settings import complaint_settings_get

S = Complaint.Status
T = ComplaintEvent.Type
#: The staff permission every handling step needs.
HANDLE_PERM = "support.handle_complaint"


def _staff(actor) -> None:
    if actor is None or not actor.has_perm(HANDLE_PERM):
        raise NotAllowed(_("Only complaints staff handle complaints."))


def _reason(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason."), field=field)
    if len(reason) > 5000:
        raise InvalidInput(_("At most %(n)s characters.") % {"n": 5000}, field=field)
    return reason


def _locked(complaint: Complaint) -> Complaint:
    # Only the complaint's row is locked (its member may be none: an outer join).
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=complaint.pk)
    )


def _move(
    complaint: Complaint,
    new: str,
    *,
    event_type: str,
    actor,
    reason: str = "",
    fields: tuple[str, ...] = (),
    data: dict | None = None,
) -> ComplaintEvent:
    old = COMPLAINT.move(complaint, new)
    complaint.save(update_fields=["status", *fields])
    event = complaint_event(
        complaint=complaint,
        type=event_type,
        actor=actor,
        old_value=old,
        new_value=new,
        reason=reason,
        data=data,
    )
    complainant_tell(complaint=complaint, event=event)
    return event


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, actor, note: str = "") -> Complaint:
    """Acknowledge receipt (within the working days the settings give); the actor
    becomes the handler unless one is assigned."""
    _staff(actor)
    complaint = _locked(complaint)
    COMPLAINT.check(complaint.status, S.ACKNOWLEDGED)
    complaint.acknowledged_on = timezone.localdate()
    complaint.handler = complaint.handler or actor
    _move(
        complaint,
        S.ACKNOWLEDGED,
        event_type=T.ACKNOWLEDGED,
        actor=actor,
        reason=(note or "").strip(),
        fields=("acknowledged_on", "handler"),
    )
    return complaint


@transaction.atomic
def complaint_investigate(*, complaint: Complaint, actor, note: str = "") -> Complaint:
    """Open an investigation of an acknowledged complaint."""
    _staff(actor)
    complaint = _locked(complaint)
    _move(complaint, S.INVESTIGATING, event_type=T.INVESTIGATING, actor=actor, reason=note)
    return complaint


@transaction.atomic
def complaint_resolve(
    *, complaint: Complaint, outcome: str, answer: str, actor, today: dt.date | None = None
) -> Complaint:
    """Give the outcome (upheld, partly upheld, not upheld) and the answer the
    complainant reads; the escalation window (``ComplaintSettings.escalation_days``)
    starts the same day."""
    _staff(actor)
    if outcome not in OUTCOMES:
        raise InvalidInput(_("Choose upheld, partly upheld or not upheld."), field="outcome")
    answer = _reason(answer, field="answer")
    complaint = _locked(complaint)
    COMPLAINT.check(complaint.status, outcome)
    today = today or timezone.localdate()
    complaint.resolution = outcome
    complaint.outcome_text = answer
    complaint.resolved_on = today
    complaint.escalation_until = today + dt.timedelta(days=complaint_settings_get().escalation_days)
    complaint.handler = complaint.handler or actor
    _move(
        complaint,
        outcome,
        event_type=T.RESOLVED,
        actor=actor,
        reason=answer,
        fields=("resolution", "outcome_text", "resolved_on", "escalation_until", "handler"),
        data={"in_time": today <= complaint.resolve_by},
    )
    return complaint


@transaction.atomic
def complaint_extend(*, complaint: Complaint, reason: str, actor) -> Complaint:
    """Extend the deadline of an open complaint once, with a reason (a complex case:
    the measures allow 30 days in all); the complainant is told the new date."""
    _staff(actor)
    reason = _reason(reason)
    complaint = _locked(complaint)
    if complaint.status not in OPEN:
        raise TransitionNotAllowed(
            _("A complaint that is %(status)s is no longer extended.")
            % {"status": complaint.get_status_display()}
        )
    if complaint.extended_on is not None:
        raise InvalidInput(_("The deadline was extended once already."), field="reason")
    old = complaint.resolve_by
    complaint.resolve_by = old + dt.timedelta(days=complaint_settings_get().extension_days)
    complaint.extended_on = timezone.localdate()
    complaint.extension_reason = reason
    complaint.save(update_fields=["resolve_by", "extended_on", "extension_reason"])
    event = complaint_event(
        complaint=complaint,
        type=T.EXTENDED,
        actor=actor,
        old_value=old.isoformat(),
        new_value=complaint.resolve_by.isoformat(),
        reason=reason,
    )
    complainant_tell(complaint=complaint, event=event)
    return complaint


def complaint_may_escalate(complaint: Complaint, *, today: dt.date | None = None) -> bool:
    """Whether the complainant may escalate now: an outcome was given, not escalated
    yet, and the window is open."""
    today = today or timezone.localdate()
    return (
        COMPLAINT.allowed(complaint.status, S.ESCALATED)
        and complaint.escalation_until is not None
        and today <= complaint.escalation_until
    )


@transaction.atomic
def complaint_escalate(
    *, complaint: Complaint, reason: str, actor=None, today: dt.date | None = None
) -> Complaint:
    """The complainant takes the outcome to the supervisory board: once, within the
    escalation window after the outcome. The board's members and the supervisors are
    told. The face has checked that ``actor`` is the complainant (their member, or the
    secret link)."""
    reason = _reason(reason)
    complaint = _locked(complaint)
    today = today or timezone.localdate()
    COMPLAINT.check(complaint.status, S.ESCALATED)
    if complaint.escalation_until is None or today > complaint.escalation_until:
        raise InvalidInput(
            _("The window to escalate this complaint ended on %(day)s.")
            % {"day": complaint.escalation_until},
            field="reason",
        )
    complaint.escalated_on = today
    event = _move(
        complaint,
        S.ESCALATED,
        event_type=T.ESCALATED,
        actor=actor,
        reason=reason,
        fields=("escalated_on",),
        # a signed-out complainant has no login: the event says who it was
        data={"by": "complainant"},
    )
    supervisory_board_tell(complaint=complaint, event=event)
    return complaint


@transaction.atomic
def complaint_close(*, complaint: Complaint, reason: str, actor) -> Complaint:
    """Close a complaint that has its outcome (the complainant did not escalate) or the
    supervisory board's answer (escalated)."""
    _staff(actor)
    reason = _reason(reason)
    complaint = _locked(complaint)
    complaint.closed_on = timezone.localdate()
    _move(
        complaint, S.CLOSED, event_type=T.CLOSED, actor=actor, reason=reason, fields=("closed_on",)
    )
    return complaint


@transaction.atomic
def complaint_assign(*, complaint: Complaint, handler, actor) -> Complaint:
    """Give the complaint to a handler (someone who may handle complaints)."""
    _staff(actor)
    if handler is None or not handler.has_perm(HANDLE_PERM):
        raise InvalidInput(_("Choose someone who handles complaints."), field="handler")
    complaint = _locked(complaint)
    if complaint.handler_id == handler.pk:
        return complaint
    old = complaint.handler
    complaint.handler = handler
    complaint.save(update_fields=["handler"])
    complaint_event(
        complaint=complaint,
        type=T.ASSIGNED,
        actor=actor,
        old_value=old.get_username() if old else "",
        new_value=handler.get_username(),
    )
    return complaint
