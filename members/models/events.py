"""The append-only history of each membership (the common event base)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.events import Event

from .people import Member


class MemberEvent(Event):
    """Append-only history of a membership: who did what, when, and why (the common event
    base; written only through ``members.events.member_event``)."""

    class Type(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Application accepted")
        REFERRED = "referred", _("Application referred")
        DECLINED = "declined", _("Application declined")
        STATUS = "status", _("Status changed")
        PROFILE = "profile", _("Details changed")
        COVERAGE = "coverage", _("Coverage changed")
        PAYMENT = "payment", _("Payment recorded")
        WITHDRAWAL = "withdrawal", _("Withdrawal requested")
        IMPORTED = "imported", _("Imported")
        NOTICE = "notice", _("Notice sent")
        BENEFICIARIES = "beneficiaries", _("Beneficiaries changed")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="events"
    )
    type = Event.type_field(Type)

    subject_field = "member"

    class Meta(Event.Meta):
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        indexes = [
            models.Index(fields=["member", "at"]),
            # The status changes after a day, for all members at once (who was active
            # then: ``members.selectors.members_in_good_standing_on``); few rows.
            models.Index(
                fields=["at", "member"],
                condition=models.Q(type="status"),
                name="memberevent_status_at_idx",
            ),
        ]
