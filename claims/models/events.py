"""The append-only history of a claim (``ClaimEvent``), on the one event base of
``mutualsociety.common.events``; rows are written only by ``claims.events``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .claims import Claim


class ClaimEvent(models.Model):
    """Append-only: every transition and decision on a claim, with who, when and why."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(_("event"), max_length=32)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    old_status = models.CharField(_("from"), max_length=16, blank=True)
    new_status = models.CharField(_("to"), max_length=16, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.type} {self.at:%Y-%m-%d}"
