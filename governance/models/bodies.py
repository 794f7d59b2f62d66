"""The organs of the society and the seats held on them."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from members.models import Member
from members.regions import PROVINCE_CHOICES


class Body(models.Model):
    """An organ of the society (Pilot Measures: the member (representative) assembly is
    the highest authority; a board of directors and a supervisory board)."""

    class Kind(models.TextChoices):
        GENERAL_ASSEMBLY = "general_assembly", _("General assembly")
        REPRESENTATIVE_ASSEMBLY = "representative_assembly", _("Representative assembly")
        BOARD = "board", _("Board of directors")
        SUPERVISORY_BOARD = "supervisory_board", _("Supervisory board")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("In the society's own language (Chinese): shown on pages in Chinese."),
    )
    name_en = models.CharField(
        _("name in English"),
        max_length=120,
        blank=True,
        help_text=_("Shown on pages in English; when empty, the name above is shown."),
    )
    seats = models.PositiveIntegerField(
        _("seats"), default=0, help_text=_("0 for the assembly of all members.")
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("governing body")
        verbose_name_plural = _("governing bodies")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The body's name in the language of the page: ``name_en`` on an English page
        when it is given, else ``name``. A name is data, not a translatable string."""
        if (translation.get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def is_all_members(self) -> bool:
        return self.kind == self.Kind.GENERAL_ASSEMBLY


class Mandate(models.Model):
    """A seat held by a member on a body, in a role, for a term."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="mandates"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="mandates"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    region = models.CharField(_("constituency"), max_length=2, choices=PROVINCE_CHOICES, blank=True)
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    elected_by = models.ForeignKey(
        "Motion",
        verbose_name=_("elected by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
    )

    class Meta:
        ordering = ["body", "role", "starts_on"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=models.F("ends_on")),
                name="mandate_term_ordered",
                violation_error_message=_("A seat's term must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.member.legal_name} ({self.get_role_display()})"

    def is_sitting(self, on: dt.date) -> bool:
        return self.starts_on <= on < self.ends_on
