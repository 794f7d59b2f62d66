"""The articles of association: versioned parameters, read-only once a meeting used them."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DepthLimitedJSONField

from ..models import Articles, Matter


class ArticlesForm(forms.ModelForm):
    class Meta:
        model = Articles
        fields = ("special_matters",)  # the admin adds the fieldsets' fields
        field_classes = {"special_matters": DepthLimitedJSONField}

    def clean_special_matters(self):
        matters = self.cleaned_data["special_matters"]
        if not isinstance(matters, list) or any(m not in Matter.values for m in matters):
            raise forms.ValidationError(
                _("A list of matter codes: %(codes)s.") % {"codes": ", ".join(Matter.values)}
            )
        return matters


@admin.register(Articles)
class ArticlesAdmin(admin.ModelAdmin):
    """The articles' governance parameters are data; a new version takes effect on its
    date, and meetings keep the version they were convened under."""

    form = ArticlesForm
    list_display = ("version", "title", "effective_from", "secret_ballot", "proxies_allowed")
    fieldsets = (
        (None, {"fields": ("version", "title", "effective_from", "text")}),
        (_("Notice and record date"), {"fields": (
            "notice_days_annual", "notice_days_extraordinary", "notice_days_board",
            "record_date_offset_days")}),
        (_("Quorum and majorities"), {"fields": (
            ("quorum_members_num", "quorum_members_den"),
            ("quorum_representatives_num", "quorum_representatives_den"),
            ("ordinary_majority_num", "ordinary_majority_den"),
            ("special_majority_num", "special_majority_den"),
            "special_matters", "abstentions_count")}),
        (_("Voting"), {"fields": (
            "secret_ballot", "vote_changes_allowed", "proxies_allowed", "proxies_max_per_holder")}),
        (_("Member proposals and terms"), {"fields": (
            "proposal_threshold_kind", "proposal_threshold_number",
            "proposal_threshold_share_permille", "term_years", "term_limit")}),
    )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # A version applied to a meeting is history: it is not rewritten.
        if obj is not None and obj.meetings.exists():
            return [f.name for f in Articles._meta.fields]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
