"""The underwriters' queue: referred applications, accepted or declined with a reason."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin_actions import action_with_form

from ..models import Application
from ..services.enrolment import application_accept, application_decline
from .base import ReadOnlyAdmin


class ApplicationStatusFilter(admin.SimpleListFilter):
    """Status, showing the referred applications (the queue) unless asked otherwise."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Application.Status.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or Application.Status.REFERRED

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        return queryset.filter(status=value)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "member_name",
        "plan",
        "status",
        "days_waiting",
        "reasons_text",
        "channel",
        "submitted_at",
    )
    list_display_links = ("id", "member_name")
    list_filter = (ApplicationStatusFilter, "channel", "plan_version__plan")
    list_select_related = ("member", "plan_version__plan")
    search_fields = ("member__member_number", "member__legal_name", "member__phone")
    ordering = ("submitted_at",)
    actions = ("accept", "decline")
    fields = (
        "member",
        "plan_version",
        "payment_frequency",
        "declaration",
        "status",
        "channel",
        "reasons_text",
        "submitted_at",
        "decided_at",
        "decided_by",
    )
    readonly_fields = fields

    @admin.display(description=_("applicant"), ordering="member__legal_name")
    def member_name(self, application: Application) -> str:
        member = application.member
        if member.member_number:
            return f"{member.legal_name} ({member.member_number})"
        return member.legal_name

    @admin.display(description=_("plan"), ordering="plan_version__plan__code")
    def plan(self, application: Application) -> str:
        return str(application.plan_version)

    @admin.display(description=_("days waiting"), ordering="-submitted_at")
    def days_waiting(self, application: Application) -> int:
        end = application.decided_at or timezone.now()
        return (end - application.submitted_at).days

    @admin.display(description=_("reasons"))
    def reasons_text(self, application: Application) -> str:
        return "; ".join(str(r) for r in application.reasons or [])

    @admin.display(description=_("health declaration"))
    def declaration(self, application: Application):
        questions = {str(q.pk): q.display_text for q in application.plan_version.questions.all()}
        answers = application.answers or {}
        if not answers:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                (
                    (questions.get(key, key), gettext("yes") if yes else gettext("no"))
                    for key, yes in answers.items()
                ),
            ),
        )

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("members.change_application")

    @admin.action(description=_("Accept the selected applications"), permissions=["decide"])
    def accept(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Accept applications"),
            call=lambda application, data: application_accept(
                application=application.pk, actor=request.user, reason=data["reason"]
            ),
            done=lambda n: (
                ngettext("%(n)d application accepted.", "%(n)d applications accepted.", n)
                % {"n": n}
            ),
        )

    @admin.action(description=_("Decline the selected applications"), permissions=["decide"])
    def decline(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Decline applications"),
            call=lambda application, data: application_decline(
                application=application.pk, actor=request.user, reason=data["reason"]
            ),
            done=lambda n: (
                ngettext("%(n)d application declined.", "%(n)d applications declined.", n)
                % {"n": n}
            ),
        )
