"""Telling people about a complaint: the complainant at every step (a member through the
notification centre, topic ``COMPLAINTS``; a person who is signed out by e-mail through
the outbox) and the supervisory board when a complaint is escalated to it.

Everything here runs in the caller's transaction and only records work: messages are
sent after the commit (a broker outage delays them, never loses them). Each message has
a key, so a replayed step tells nobody twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.selectors import role_emails
from governance.models import Body, Mandate
from members.models import Member, Topic
from members.services.notifications import member_notify, member_notify_many
from mutualsociety.common.services import outbox_enqueue

from ..models import Complaint, ComplaintEvent


def complaint_link(complaint: Complaint) -> str:
    """Where the complainant follows the complaint: the member's page, or the secret
    link of a complainant who is signed out (the secret is derived again, never stored)."""
    if complaint.member_id:
        return reverse("support:detail", args=[complaint.pk])
    from .filing import complaint_secret  # filing tells through here

    # Read in an e-mail, outside the site: the whole address (``SITE_URL``).
    return settings.SITE_URL + reverse(
        "support:track",
        kwargs={
            "reference": complaint.reference,
            "secret": complaint_secret(complaint.submission_key),
        },
    )


def _context(complaint: Complaint, event: ComplaintEvent) -> dict:
    return {
        "complaint": complaint,
        "event": event,
        "event_label": event.get_type_display(),
        "status": complaint.get_status_display(),
        "link": complaint_link(complaint),
    }


def complainant_tell(*, complaint: Complaint, event: ComplaintEvent) -> None:
    """Tell the complainant about a step of their complaint (once per event)."""
    if complaint.member is not None:
        member_notify(
            member=complaint.member,
            topic=Topic.COMPLAINTS,
            key=f"support.complaint_event:{event.pk}",
            template="support/email/complaint_event",
            context=_context(complaint, event),
            link=reverse("support:detail", args=[complaint.pk]),
        )
    elif complaint.contact_email:
        from ..tasks import complainant_email  # tasks sit above services

        outbox_enqueue(
            task=complainant_email,
            args=[event.pk],
            key=f"support.complainant_email:{event.pk}",
        )


def complainant_email_send(*, event_id: int) -> bool:
    """E-mail a signed-out complainant about one step (the task queued by
    ``complainant_tell``). Marked in the event's row of sent messages first (the
    ``ComplaintEvent`` data stays unchanged: the outbox key makes it once)."""
    event = ComplaintEvent.objects.select_related("complaint").filter(pk=event_id).first()
    if event is None or not event.complaint.contact_email:
        return False
    complaint = event.complaint
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(complaint, event)
        subject = render_to_string("support/email/complaint_event_subject.txt", context)
        body = render_to_string("support/email/complaint_event.txt", context)
    send_mail(
        " ".join(subject.split())[:300],
        body,
        settings.DEFAULT_FROM_EMAIL,
        [complaint.contact_email],
    )
    return True


def supervisory_board_tell(*, complaint: Complaint, event: ComplaintEvent) -> int:
    """Tell the supervisory board that a complaint was escalated to it: every member
    sitting on a supervisory board today (their notification centre), and by e-mail the
    staff in the supervisor role. Returns how many members were told."""
    today = timezone.localdate()
    members = Mandate.objects.filter(
        body__kind=Body.Kind.SUPERVISORY_BOARD, starts_on__lte=today, ends_on__gt=today
    ).values_list("member_id", flat=True)
    told = member_notify_many(
        members=Member.objects.filter(pk__in=members),
        topic=Topic.COMPLAINTS,
        key=f"support.escalated:{complaint.pk}",
        template="support/email/escalated",
        context={"complaint": complaint, "reason": event.reason},
        link="",
    )
    from ..tasks import board_email  # tasks sit above services

    outbox_enqueue(task=board_email, args=[complaint.pk], key=f"support.board_email:{complaint.pk}")
    return told


def board_email_send(*, complaint_id: int) -> bool:
    """E-mail the staff in the supervisor role about an escalated complaint."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    recipients = role_emails("supervisor")
    if complaint is None or not recipients:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {"complaint": complaint, "reason": ""}
        subject = render_to_string("support/email/escalated_subject.txt", context)
        body = render_to_string("support/email/escalated.txt", context)
    send_mail(" ".join(subject.split())[:300], body, settings.DEFAULT_FROM_EMAIL, recipients)
    return True


__all__ = [
    "board_email_send",
    "complainant_email_send",
    "complainant_tell",
    "complaint_link",
    "supervisory_board_tell",
]
