"""The audit logs of meetings and of seats (mandates), on the project's one event base
(``mutualsociety.common.events.Event``). Rows are written only through
``governance.events``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.events import Event

from .bodies import Mandate
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
        AGENDA_ITEM_ADDED = "agenda_item_added", _("Agenda item added")
        AGENDA_ITEM_CHANGED = "agenda_item_changed", _("Agenda item changed")
        AGENDA_ITEM_REMOVED = "agenda_item_removed", _("Agenda item removed")
        DOCUMENT_ADDED = "document_added", _("Document added")
        DOCUMENT_CHANGED = "document_changed", _("Document changed")
        DOCUMENT_REMOVED = "document_removed", _("Document removed")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="events"
    )
    type = Event.type_field(Type)

    subject_field = "meeting"

    class Meta(Event.Meta):
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")
        indexes = [models.Index(fields=["meeting", "at"])]


class MandateEvent(Event):
    """Append-only history of a seat: taken (appointed by staff, or elected), changed
    (role, constituency, term), ended early (with the reason). ``old_value`` /
    ``new_value`` hold the term before and after as ``start/end`` (ISO 8601 interval)."""

    class Type(models.TextChoices):
        ADDED = "added", _("Seat taken")
        ELECTED = "elected", _("Elected to the seat")
        CHANGED = "changed", _("Seat changed")
        ENDED = "ended", _("Seat ended early")

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandate"), on_delete=models.PROTECT, related_name="events"
    )
    type = Event.type_field(Type)

    subject_field = "mandate"

    class Meta(Event.Meta):
        verbose_name = _("mandate event")
        verbose_name_plural = _("mandate events")
        indexes = [models.Index(fields=["mandate", "at"])]
