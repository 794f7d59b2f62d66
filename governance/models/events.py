"""The audit log of meetings, on the project's one event base
(``mutualsociety.common.events.Event``). Rows are written only through
``governance.events``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.events import Event

from .meetings import Meeting


class MeetingEvent(Event):
    """Append-only audit of a meeting: convening, voting, in-person ballots, results,
    minutes, publication. Never says how a secret ballot was cast. A change of status
    carries the two statuses in ``old_value`` / ``new_value``."""

    class Type(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        CONVENED = "convened", _("Convened")
        ROLL_FROZEN = "roll_frozen", _("Voter roll frozen")
        VOTING_OPENED = "voting_opened", _("Voting opened")
        VOTING_CLOSED = "voting_closed", _("Voting closed")
        RESULTS_DECLARED = "results_declared", _("Results declared")
        MINUTES_DRAFTED = "minutes_drafted", _("Minutes drafted")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
        PUBLISHED = "published", _("Published")
        MOTION_ADDED = "motion_added", _("Motion added")
        IN_PERSON_VOTE = "in_person_vote", _("In-person vote recorded")
        VOTE_CHANGED = "vote_changed", _("Vote changed")
        PROXY = "proxy", _("Proxy appointed")
        PROXY_REVOKED = "proxy_revoked", _("Proxy revoked")
        PROPOSAL = "proposal", _("Member proposal put on the agenda")
        NOMINATION = "nomination", _("Candidate nominated")
        DRAW = "draw", _("Tie broken by draw")
        NOTICES_SENT = "notices_sent", _("Convening notices sent")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="events"
    )
    type = Event.type_field(Type)

    subject_field = "meeting"

    class Meta(Event.Meta):
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")
        indexes = [models.Index(fields=["meeting", "at"])]
