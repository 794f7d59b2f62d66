"""The convening notice: one row per voter per meeting, each sent once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from members.models import Member
from mutualsociety.common.selectors import society_get

from ..models import ConveningNotice, Meeting, MeetingEvent, RollEntry
from .meetings import eligible_members, meeting_event

S = Meeting.Status


def meeting_send_notices(*, meeting_id: int) -> int:
    """Create the missing notice rows (set-based) for the voters of the meeting: the
    frozen roll once frozen, else the members eligible today; then send each unsent one
    and mark it. Returns how many were sent now; a second run sends none."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None or meeting.status == S.DRAFTED:
        return 0
    if meeting.roll_frozen:
        voters = RollEntry.objects.filter(meeting=meeting).values_list("member_id", flat=True)
    else:
        voters = eligible_members(meeting.body, timezone.localdate()).values_list("pk", flat=True)
    with transaction.atomic():
        ConveningNotice.objects.bulk_create(
            (ConveningNotice(meeting=meeting, member_id=pk) for pk in voters.iterator()),
            ignore_conflicts=True,
            batch_size=5000,
        )
    society = society_get()
    sent = 0
    pending = ConveningNotice.objects.filter(meeting=meeting, sent_at__isnull=True)
    for notice_id, member_id in pending.values_list("pk", "member_id").iterator():
        member = Member.objects.select_related("user").get(pk=member_id)
        # Claim the row first: a concurrent run cannot send the same notice twice.
        claimed = ConveningNotice.objects.filter(pk=notice_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed or not member.email:
            continue
        language = (
            getattr(member.user, "preferred_language", "") if member.user else ""
        ) or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {"meeting": meeting, "member": member, "society": society}
            subject = render_to_string("governance/email/notice_subject.txt", context).strip()
            body = render_to_string("governance/email/notice.txt", context)
        send_mail(subject, body, None, [member.email])
        sent += 1
    if sent:
        meeting_event(meeting=meeting, type=MeetingEvent.Type.NOTICES_SENT, data={"sent": sent})
    return sent
