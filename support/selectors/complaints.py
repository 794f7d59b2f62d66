"""Reads of complaints: a member's own (another member's answers 404, as if it did not
exist), a signed-out complainant's by reference and secret, a complaint's history, and
the handlers' queue with its due and overdue flags computed by the database."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import NotFound

from ..models import (
    Complaint,
    ComplaintDocument,
    ComplaintEvent,
    ComplaintReminder,
    ComplaintSettings,
)

S = Complaint.Status
F = ComplaintReminder.Flag
OPEN_STATUSES = (S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING)


def complaints_for_member(member: Member) -> QuerySet[Complaint]:
    return Complaint.objects.filter(member=member).order_by("-received_at", "-id")


def complaint_for_member(member: Member | None, complaint_id: int) -> Complaint:
    """The member's own complaint; ``NotFound`` for anyone else's or none."""
    complaint = Complaint.objects.filter(pk=complaint_id, member=member).first() if member else None
    if complaint is None:
        raise NotFound(_("No such complaint."))
    return complaint


def complaint_for_secret(reference: str, secret: str) -> Complaint:
    """A signed-out complainant's complaint by its reference and the secret of its link;
    ``NotFound`` when either is wrong (the same answer, so neither can be guessed
    apart)."""
    from ..services.filing import complaint_secret_matches

    complaint = Complaint.objects.filter(reference=reference, member__isnull=True).first()
    if complaint is None or not complaint_secret_matches(complaint, secret):
        raise NotFound(_("No such complaint."))
    return complaint


def complaint_document_for_user(user, document_id: int) -> ComplaintDocument:
    """A complaint's document, to the member who filed it or to staff who may see
    complaints (``support.view_complaint``); ``NotFound`` for anyone else."""
    document = (
        ComplaintDocument.objects.select_related("complaint__member").filter(pk=document_id).first()
    )
    if document is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_("No such document."))
    member = document.complaint.member
    if not (member is not None and member.user_id == user.pk) and not user.has_perm(
        "support.view_complaint"
    ):
        raise NotFound(_("No such document."))
    return document


def complaint_history(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """The complaint's steps, oldest first, with who took them."""
    return complaint.events.select_related("actor").order_by("at", "id")


def _horizon(today: dt.date, settings: ComplaintSettings | None) -> dt.date:
    settings = settings or ComplaintSettings.objects.filter(pk=1).first()
    days = settings.reminder_days if settings else 1
    return today + dt.timedelta(days=days)


def complaints_flagged(
    *, today: dt.date | None = None, settings: ComplaintSettings | None = None
) -> QuerySet[Complaint]:
    """Every complaint with ``ack_flag`` (the acknowledgement due or overdue) and
    ``resolve_flag`` (the outcome due or overdue) annotated by the database: due from
    ``ComplaintSettings.reminder_days`` before the deadline, overdue after it; empty
    when the complaint is past that step."""
    today = today or timezone.localdate()
    horizon = _horizon(today, settings)
    return Complaint.objects.annotate(
        ack_flag=Case(
            When(status=S.RECEIVED, acknowledge_by__lt=today, then=Value(F.ACK_OVERDUE.value)),
            When(status=S.RECEIVED, acknowledge_by__lte=horizon, then=Value(F.ACK_DUE.value)),
            default=Value(""),
            output_field=CharField(),
        ),
        resolve_flag=Case(
            When(status__in=OPEN_STATUSES, resolve_by__lt=today, then=Value(F.OVERDUE.value)),
            When(status__in=OPEN_STATUSES, resolve_by__lte=horizon, then=Value(F.DUE.value)),
            default=Value(""),
            output_field=CharField(),
        ),
    )


def complaints_to_remind(
    *, today: dt.date | None = None, settings: ComplaintSettings | None = None
) -> QuerySet[Complaint]:
    """The complaints flagged today (``complaints_flagged``) that need a reminder."""
    return complaints_flagged(today=today, settings=settings).filter(
        ~Q(ack_flag="") | ~Q(resolve_flag="")
    )
