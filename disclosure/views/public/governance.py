"""Governance: the bodies with their members, the published meetings and one meeting
with its results, receipts and minutes."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.selectors import (
    bodies_with_mandates,
    meeting_consultations,
    meeting_minutes,
    meeting_results,
    motion_receipts,
    published_meetings,
)

from .base import PageProblem, PublicPage


class GovernanceView(PublicPage):
    """The bodies with the members sitting on them, and the published meetings."""

    page = "governance"
    title = gettext_lazy("Governance")
    template_name = "disclosure/public/governance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            bodies=bodies_with_mandates(on=timezone.localdate()),
            meetings=list(published_meetings()),
        )
        return context


class MeetingView(PublicPage):
    """One published meeting: its resolutions with their votes and turnout, the
    voter-roll fingerprint, each motion's receipt list, the minutes and the results of
    its published consultations."""

    page = "meeting"
    template_name = "disclosure/public/meeting.html"

    def cache_name(self) -> str:
        return f"meeting:{self.kwargs['meeting_id']}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = published_meetings().filter(pk=self.kwargs["meeting_id"]).first()
        if meeting is None:
            raise PageProblem(404, _("No published meeting has this number."))
        motions = meeting_results(meeting)
        for motion in motions:
            motion.meeting = meeting  # already read: no query per motion for it
            motion.published_receipts = motion_receipts(motion)
        context.update(
            meeting=meeting,
            motions=motions,
            minutes=meeting_minutes(meeting),
            consultations=meeting_consultations(meeting),
            page_title=meeting.title,
            receipt_url=reverse("governance:receipt"),
        )
        return context
