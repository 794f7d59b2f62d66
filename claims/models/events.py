"""The append-only history of a claim (``ClaimEvent``), on the one event base of
``mutualsociety.common.events``; rows are written only by ``claims.events``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualsociety.common.events import Event

from .claims import Claim


class ClaimEvent(Event):
    """Append-only: every transition and decision on a claim, with who, when and why.

    For a change of status ``old_value`` / ``new_value`` are the statuses before and
    after (the API calls them ``old_status`` / ``new_status``). Newest first, like every
    event table; pages that tell a claim's story in order ask for ``("at", "id")``.
    """

    class Type(models.TextChoices):
        # the claim's own transitions (the type is the new status)
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        INFO_REQUESTED = "info_requested", _("Information requested")
        INFO_PROVIDED = "info_provided", _("Information provided")
        ASSESSED = "assessed", _("Assessed")
        SENT_BACK = "sent_back", _("Returned for review")
        FIRST_APPROVAL = "first_approval", _("First approval (a second person completes it)")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        APPEALED = "appealed", _("Appealed")
        PAID = "paid", pgettext_lazy("claim", "Paid")
        WITHDRAWN = "withdrawn", pgettext_lazy("claim", "Withdrawn")
        DOCUMENT = "document", _("Document added")
        # public notice and review panels
        OBJECTION = "objection", _("Objection")
        PANEL_DRAWN = "panel_drawn", _("Review panel drawn")
        PANEL_TO_STAFF = "panel_to_staff", _("No members left to draw; to claims staff")
        PANEL_STAFF_DECIDED = "panel_staff_decided", _("Decided by claims staff for the panel")
        PANEL_CLOSE_REFUSED = "panel_close_refused", _("Review panel could not be closed")
        CLEARED = "cleared", _("Public notice cleared")
        OVERTURNED = "overturned", _("Overturned by the review panel")
        APPEAL_DISMISSED = "appeal_dismissed", _("Appeal dismissed by the review panel")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="events"
    )
    type = Event.type_field(Type)

    subject_field = "claim"

    class Meta(Event.Meta):
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
        indexes = [models.Index(fields=["claim", "at"], name="claims_event_claim_at")]
