"""/me/privacy/: the member's own data (download as JSON and PDF), their requests to
correct or delete it, and what the society keeps and why. Thin: the export is
``export.sections.member_export``; the requests are ``services.requests``. Only the
signed-in member's own data: staff without a membership are sent to the dashboard like
anyone else without one, and another member's request is not found."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from members.models import Member
from members.portal import MemberMixin
from members.services.notifications import member_language

from .export.render import export_json, export_pdf
from .export.sections import member_export
from .forms import PrivacyRequestForm
from .selectors import (
    privacy_request_for_member,
    privacy_requests_for_member,
    privacy_settings_get,
    request_outcome_lines,
    retention_rules,
)
from .services.requests import privacy_request_submit
from .transitions import PRIVACY_REQUEST


@method_decorator(never_cache, name="dispatch")
class MemberPageMixin(MemberMixin):
    """The signed-in person's membership; never cached (personal data)."""


class OverviewView(MemberPageMixin, TemplateView):
    template_name = "privacy/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            requests=list(privacy_requests_for_member(self.member)[:50]),
            rules=retention_rules(),
            response_days=privacy_settings_get().response_days,
        )
        return context


def _filename(member: Member, extension: str) -> str:
    return f"my-data-{member.member_number or member.pk}.{extension}"


class ExportJsonView(MemberPageMixin, View):
    """Everything held about the member, as JSON (made on request: it takes well under a
    second for a member with years of records, docs/privacy.md)."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            export_json(member_export(self.member)), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(self.member, "json")}"'
        return response


class ExportPdfView(MemberPageMixin, View):
    """The same, as a PDF in the member's language."""

    def get(self, request, *args, **kwargs):
        with translation.override(member_language(self.member)):
            pdf = export_pdf(member_export(self.member))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{_filename(self.member, "pdf")}"'
        return response


class RequestNewView(MemberPageMixin, FormView):
    """A new request; the form carries a key so that sending it twice records it once."""

    template_name = "privacy/request_new.html"
    form_class = PrivacyRequestForm

    def get_initial(self):
        return {"key": uuid.uuid4().hex, "kind": self.request.GET.get("kind", "")}

    def form_valid(self, form):
        data = form.cleaned_data
        created = form.call_service(
            privacy_request_submit,
            member=self.member,
            actor=self.request.user,
            kind=data["kind"],
            key=data["key"],
            field=data.get("field") or "",
            value=data.get("value") or "",
            items=data.get("items") or [],
            details=data.get("details") or "",
        )
        if created is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your request is received. We answer by %(date)s.")
            % {"date": created.due_on.isoformat()},
        )
        return redirect("privacy:request", request_id=created.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RequestDetailView(MemberPageMixin, TemplateView):
    template_name = "privacy/request_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = privacy_request_for_member(self.member, kwargs["request_id"])
        if found is None:
            raise Http404(_("No such request."))
        context.update(
            privacy_request=found,
            outcome=request_outcome_lines(found),
            events=[
                {
                    "at": e.at,
                    "label": e.get_type_display(),
                    "detail": PRIVACY_REQUEST.label(e.new_value) if e.type == "status" else "",
                }
                for e in found.events.order_by("at", "id")
            ],
        )
        return context
