"""Who receives the death benefit: a member's designation of beneficiaries, versioned.

``Designation``: the member's designation as a whole, valid from one moment to the next
(``valid_to`` empty while in force); a change closes it and opens a new version, so the
designation in force on any past day stays readable (a claim's event date). Never edited
or deleted. ``Beneficiary``: one person named in a designation, with their share of the
benefit; the shares of a designation add up to exactly 100.00 (PRC Insurance Law art. 40:
several beneficiaries take the shares the insured person set). A designation without
beneficiaries means none is named: the benefit goes to the member's estate (art. 42).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Member, mask_identity_number

#: What the shares of a designation add up to.
SHARES_TOTAL = Decimal("100.00")


class Designation(models.Model):
    """One version of a member's designation of beneficiaries (see the module)."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="designations"
    )
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_to = models.DateTimeField(
        _("valid to"), null=True, blank=True, help_text=_("Empty while in force.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["member", "-version"]
        verbose_name = _("designation of beneficiaries")
        verbose_name_plural = _("designations of beneficiaries")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "version"], name="designation_version_unique"
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(valid_to__isnull=True),
                name="designation_one_in_force",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="designation_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} v{self.version}"


class Beneficiary(models.Model):
    """A person named in one version of a designation, with their share in per cent."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        GRANDCHILD = "grandchild", _("Grandchild")
        GRANDPARENT = "grandparent", _("Grandparent")
        OTHER = "other", _("Other")

    designation = models.ForeignKey(
        Designation,
        verbose_name=_("designation"),
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    id_type = models.CharField(
        _("identity document"),
        max_length=24,
        choices=Member.IdType.choices,
        default=Member.IdType.RESIDENT_ID,
    )
    id_number = models.CharField(_("identity number"), max_length=32)
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Per cent of the benefit; the shares add up to 100.00."),
    )

    class Meta:
        ordering = ["designation", "order"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.UniqueConstraint(fields=["designation", "order"], name="beneficiary_order"),
            models.CheckConstraint(
                condition=Q(share__gt=Decimal("0")) & Q(share__lte=SHARES_TOTAL),
                name="beneficiary_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.share}%)"

    @property
    def masked_id_number(self) -> str:
        """Only the last four characters: a beneficiary is not the member, and their
        number is shown to the member and to staff only to recognise the person."""
        return mask_identity_number(self.id_number, head=0)
