"""Members' designations of beneficiaries for staff: every version, read-only (the member
changes them in the portal; a version is never edited). Identity numbers are masked to
the last four characters unless the user holds ``members.view_identity_number``."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Beneficiary, Designation
from .base import ReadOnlyAdmin, ReadOnlyInline, can_see_identity


class BeneficiaryInline(ReadOnlyInline):
    model = Beneficiary
    fields = ("order", "name", "relation", "id_type", "identity", "share")

    def get_fields(self, request, obj=None):
        self.request = request
        return self.fields

    @admin.display(description=_("identity number"))
    def identity(self, beneficiary: Beneficiary) -> str:
        if can_see_identity(self.request):
            return beneficiary.id_number
        return beneficiary.masked_id_number


@admin.register(Designation)
class DesignationAdmin(ReadOnlyAdmin):
    list_display = ("member", "version", "valid_from", "valid_to", "recorded_by")
    list_select_related = ("member", "recorded_by")
    search_fields = ("member__member_number",)
    ordering = ("member", "-version")
    inlines = (BeneficiaryInline,)
    fields = ("member", "version", "valid_from", "valid_to", "recorded_by", "reason")
    readonly_fields = fields
