"""Consultations: drafted with their questions inline (the options one per line), opened
and closed by actions, the results page (SQL counts, bars, the free texts without
names); comments hidden by an action that asks for the reason; the log read-only.
Responses and answers are not in the admin: staff read the counts and the texts
without names, never who answered what."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import EventValueColumns
from mutualsociety.common.admin_actions import ReasonForm, action_with_form, for_each

from .. import selectors
from ..models import Consultation, ConsultationComment, ConsultationEvent, ConsultationQuestion
from ..services import consultations as services
from .base import ReadOnlyAdmin, ServiceAdmin, saved_through_services

S = Consultation.Status


class QuestionForm(forms.ModelForm):
    """A question with its options typed one per line (saved by the services)."""

    options_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text=_("One per line; for a choice question only (at least two)."),
    )

    class Meta:
        model = ConsultationQuestion
        fields = ("order", "text", "kind", "required")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["options_text"].initial = "\n".join(
                o.text for o in self.instance.options.order_by("order", "id")
            )


class QuestionInline(admin.TabularInline):
    model = ConsultationQuestion
    form = QuestionForm
    extra = 0
    fields = ("order", "text", "kind", "required", "options_text")

    def _draft(self, obj) -> bool:
        return obj is None or obj.status == S.DRAFT

    def has_add_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(Consultation)
class ConsultationAdmin(ServiceAdmin):
    list_display = ("title", "subject", "audience", "status", "opens_at", "closes_at", "tools")
    list_filter = ("status", "audience")
    search_fields = ("title",)
    list_select_related = ("meeting", "proposal")
    inlines = [QuestionInline]
    actions = ["open", "close"]
    fields = ("title", "description", "meeting", "proposal", "audience", "opens_at",
              "closes_at", "status", "opened_at", "closed_at", "published_at",
              "eligible_count")  # fmt: skip
    readonly_fields = ("status", "opened_at", "closed_at", "published_at", "eligible_count")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != S.DRAFT:
            return self.fields  # what the members were told stays
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("about"))
    def subject(self, obj) -> str:
        return str(obj.meeting or obj.proposal)

    @admin.display(description=_("tools"))
    def tools(self, obj):
        if obj.status == S.DRAFT:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:governance_consultation_results", args=[obj.pk]),
            gettext("Results"),
        )

    def _draft_fields(self, obj) -> dict:
        return {
            "title": obj.title, "description": obj.description, "meeting": obj.meeting,
            "proposal": obj.proposal, "audience": obj.audience, "opens_at": obj.opens_at,
            "closes_at": obj.closes_at,
        }  # fmt: skip

    def save_model(self, request, obj, form, change):
        if change:
            services.consultation_draft_update(
                consultation=obj.pk, actor=request.user, **self._draft_fields(obj)
            )
            return
        consultation = services.consultation_draft(actor=request.user, **self._draft_fields(obj))
        obj.pk = consultation.pk

    def save_formset(self, request, form, formset, change):
        consultation = form.instance

        def fields(data) -> dict:
            return {"text": data["text"], "kind": data["kind"], "required": data["required"],
                    "order": data["order"] or 0,
                    "options": (data.get("options_text") or "").splitlines()}  # fmt: skip

        saved_through_services(
            formset,
            add=lambda data: services.consultation_question_add(
                consultation=consultation, actor=request.user, **fields(data)
            ),
            update=lambda question, data: services.consultation_question_update(
                question=question, actor=request.user, **fields(data)
            ),
            remove=lambda question: services.consultation_question_remove(
                question=question, actor=request.user
            ),
        )

    @admin.action(description=_("Open (tell the members)"), permissions=["open"])
    def open(self, request, queryset):
        for_each(
            self, request, queryset,
            lambda c: services.consultation_open(consultation=c, actor=request.user),
            done=lambda n: gettext("%(n)s consultation(s) opened; the members are told.")
            % {"n": n},
        )  # fmt: skip

    @admin.action(description=_("Close now and publish the results"), permissions=["open"])
    def close(self, request, queryset):
        for_each(
            self, request, queryset,
            lambda c: services.consultation_close(consultation=c, actor=request.user),
            done=lambda n: gettext("%(n)s consultation(s) closed; their results are published.")
            % {"n": n},
        )  # fmt: skip

    def has_open_permission(self, request) -> bool:
        return request.user.has_perm(services.OPEN_PERM)

    def get_urls(self):
        return [
            path("<int:consultation_id>/results/", self.admin_site.admin_view(self.results_view),
                 name="governance_consultation_results"),
        ] + super().get_urls()  # fmt: skip

    def results_view(self, request, consultation_id: int):
        """The results counted by SQL with their bars, and the free-text answers listed
        without names ("respondent n")."""
        if not request.user.has_perm("governance.view_consultation"):
            raise PermissionDenied
        consultation = get_object_or_404(Consultation, pk=consultation_id)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Results: %(title)s") % {"title": consultation.title},
            "opts": self.model._meta,
            "consultation": consultation,
            "results": selectors.consultation_results(consultation),
            "texts": selectors.consultation_free_texts(consultation),
        }
        return TemplateResponse(request, "admin/governance/consultation/results.html", context)


@admin.register(ConsultationComment)
class ConsultationCommentAdmin(admin.ModelAdmin):
    """The comments, read-only; a moderator hides one with the reason (the action)."""

    list_display = ("created_at", "consultation", "author", "excerpt", "hidden_at")
    list_filter = (("hidden_at", admin.EmptyFieldListFilter), "consultation")
    list_select_related = ("consultation", "author")
    search_fields = ("body", "author__member_number")
    actions = ["hide"]
    fields = ("consultation", "author", "reply_to", "body", "created_at", "hidden_at",
              "hidden_by", "hidden_reason")  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("comment"))
    def excerpt(self, obj) -> str:
        return Truncator(obj.body).chars(80)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm(services.MODERATE_PERM)

    @admin.action(description=_("Hide (with the reason)"), permissions=["moderate"])
    def hide(self, request, queryset):
        return action_with_form(
            self, request, queryset,
            title=gettext("Hide comments"),
            form_class=ReasonForm,
            call=lambda comment, data: services.comment_hide(
                comment=comment, reason=data["reason"], actor=request.user
            ),
            done=lambda n: gettext("%(n)s comment(s) hidden; the reason is shown in their place.")
            % {"n": n},
        )  # fmt: skip


@admin.register(ConsultationEvent)
class ConsultationEventAdmin(EventValueColumns, ReadOnlyAdmin):
    list_display = ("at", "consultation", "type", "old_display", "new_display", "actor")
    list_filter = ("type",)
    list_select_related = ("consultation", "actor")
    value_choices = (Consultation.Status,)
    fields = ("at", "consultation", "comment", "type", "old_display", "new_display", "actor",
              "reason", "data")  # fmt: skip
