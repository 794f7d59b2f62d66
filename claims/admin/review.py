"""Public notice and review in the admin: objections and review panels, read-only; the
one action is claims staff deciding in the place of a panel with nobody left to draw."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin_actions import action_with_form

from ..models import Objection, PanelSeat, ReviewPanel
from ..services import panels
from .claims import ReadOnlyInline


class SeatInline(ReadOnlyInline):
    model = PanelSeat
    fields = ("rank", "member", "vote", "voted_at")
    readonly_fields = fields


class StaffDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewPanel.Outcome.choices)
    reasons = forms.CharField(
        label=_("Reasons (published on the case page; no names)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(ReviewPanel)
class ReviewPanelAdmin(admin.ModelAdmin):
    list_display = ("claim", "trigger", "round", "status", "outcome", "vote_until", "drawn_at")
    list_filter = ("status", "trigger", "outcome")
    list_select_related = ("claim",)
    inlines = (SeatInline,)
    readonly_fields = [f.name for f in ReviewPanel._meta.fields]
    actions = ("staff_decide",)

    @admin.action(
        description=_("Decide in the panel's place (no members left to draw)"),
        permissions=["change"],
    )
    def staff_decide(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Decide in the panel's place"),
            form_class=StaffDecisionForm,
            call=lambda p, d: panels.panel_staff_decide(
                panel=p, actor=request.user, outcome=d["outcome"], reasons=d["reasons"]
            ),
            done=lambda n: gettext("%(n)d reviews decided.") % {"n": n},
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ("claim", "member", "created_at")
    list_select_related = ("claim", "member")
    readonly_fields = ("claim", "member", "reason", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
