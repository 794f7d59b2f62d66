"""Motions, candidates (nominated and seconded through the election services) and member
proposals (read-only: the board cannot edit or drop one)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from members.models import Member

from ..models import Candidate, Motion, Proposal
from ..services import meetings as services
from ..services.elections import candidate_nominate, candidate_second
from .base import ReadOnlyAdmin, ServiceAdmin


class MotionAddForm(forms.ModelForm):
    requested_kind = forms.ChoiceField(
        label=_("Put to the vote as"),
        required=False,
        choices=[("", _("As the articles say for the matter"))] + list(Motion.Kind.choices),
        help_text=_("A special matter put to an ordinary vote is refused."),
    )

    class Meta:
        model = Motion
        fields = (
            "meeting",
            "item",
            "title",
            "text",
            "matter",
            "seats",
            "elects_to",
            "constituency",
        )


@admin.register(Motion)
class MotionAdmin(ServiceAdmin):
    list_display = ("__str__", "meeting", "kind", "matter", "outcome")
    list_filter = ("kind", "outcome")
    list_select_related = ("meeting",)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = MotionAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("meeting", "item", "title", "text", "matter", "requested_kind", "seats",
                    "elects_to", "constituency")  # fmt: skip
        return [f.name for f in Motion._meta.fields if f.name != "id"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        motion = services.motion_add(
            meeting=data["meeting"], item=data.get("item"), title=data["title"],
            text=data["text"], matter=data["matter"], kind=data.get("requested_kind") or None,
            seats=data.get("seats") or 0, elects_to=data.get("elects_to"),
            constituency=data.get("constituency") or "", actor=request.user,
        )  # fmt: skip
        obj.pk = motion.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CandidateAddForm(forms.ModelForm):
    candidate_number = forms.CharField(label=_("Candidate's member number"), max_length=20)
    nominator_number = forms.CharField(label=_("Nominated by (member number)"), max_length=20)
    seconder_number = forms.CharField(
        label=_("Seconded by (member number)"), max_length=20, required=False
    )

    class Meta:
        model = Candidate
        fields = ("motion", "statement")

    def clean(self):
        cleaned = super().clean()
        for name in ("candidate_number", "nominator_number", "seconder_number"):
            number = (cleaned.get(name) or "").strip()
            if number and not Member.objects.filter(member_number=number).exists():
                self.add_error(name, _("There is no member with this number."))
        return cleaned


@admin.register(Candidate)
class CandidateAdmin(ServiceAdmin):
    list_display = ("member", "motion", "status", "votes")
    list_select_related = ("member", "motion")
    list_filter = ("status",)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = CandidateAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("motion", "candidate_number", "nominator_number", "seconder_number",
                    "statement")  # fmt: skip
        return ("motion", "member", "nominated_by", "statement", "status", "votes", "draw_rank")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        by_number = {
            m.member_number: m
            for m in Member.objects.filter(
                member_number__in=[
                    data["candidate_number"],
                    data["nominator_number"],
                    data.get("seconder_number"),
                ]
            )
        }
        candidate = candidate_nominate(
            motion=data["motion"], member=by_number[data["candidate_number"]],
            nominated_by=by_number[data["nominator_number"]], statement=data["statement"],
            actor=request.user,
        )  # fmt: skip
        if data.get("seconder_number"):
            candidate_second(candidate=candidate, member=by_number[data["seconder_number"]],
                             actor=request.user)  # fmt: skip
        obj.pk = candidate.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Member proposals: the board reads them; it cannot edit or drop one."""

    list_display = ("title", "author", "status", "threshold", "created_at", "queued_at")
    list_filter = ("status",)
    list_select_related = ("author",)
