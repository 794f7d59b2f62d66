"""The member's own pages under /me/: dashboard, profile, certificate, statement,
withdrawal. Who may have a certificate, add cover or withdraw is asked of the selectors
(``certificate_allowed``, ``coverage_add_allowed``, ``withdrawal_allowed``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from mutualsociety.common.display import format_date, format_iso_date, format_money
from mutualsociety.common.selectors import society_get

from ..certificate import render_certificate
from ..forms import ContactForm, WithdrawForm
from ..models import Application, Coverage, Member, MemberEvent, Plan
from ..selectors import (
    advance_refunds_for_member,
    certificate_allowed,
    coverage_add_allowed,
    has_live_mutual_aid,
    member_dashboard,
    member_statement,
    withdrawal_allowed,
)
from ..services.lifecycle import member_withdraw_request
from ..services.profile import member_update_contact
from .base import MemberMixin


@method_decorator(never_cache, name="dispatch")
class DashboardView(MemberMixin, TemplateView):
    """/me/: the membership at a glance, in a fixed number of queries."""

    template_name = "members/member_dashboard.html"
    allow_no_member = True

    def get_template_names(self):
        if self.member is None:
            return ["members/member_none.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.member
        if member is None:
            return context
        dashboard = member_dashboard(member)
        today = dashboard.today
        overdue = [d for d in dashboard.open_dues if d.grace_ends_on < today]
        late = [d for d in dashboard.open_dues if d.due_date < today]
        declined = None
        if member.status == Member.Status.DECLINED:
            declined = (
                member.applications.filter(status=Application.Status.DECLINED)
                .select_related("plan_version__plan")
                .order_by("-decided_at", "-id")
                .first()
            )
        coverages = [
            {
                "coverage": c,
                "days_left": c.waiting_days_left(today),
                "waiting_days": c.plan_version.waiting_period_days,
                "waiting_elapsed": max(
                    0, c.plan_version.waiting_period_days - c.waiting_days_left(today)
                ),
                "wind_down": dashboard.wind_downs.get(c.plan_id),
            }
            for c in dashboard.coverages
        ]
        context.update(
            dashboard=dashboard,
            coverages=coverages,
            next_due=dashboard.open_dues[0] if dashboard.open_dues else None,
            overdue=overdue,
            late=late,
            declined_application=declined,
            events=[describe_event(e) for e in dashboard.recent_events],
            can_have_certificate=certificate_allowed(member),
            can_add_coverage=coverage_add_allowed(member),
            can_withdraw=withdrawal_allowed(member),
            has_premium=any(c.plan.kind == Plan.Kind.PREMIUM for c in dashboard.coverages),
            has_mutual_aid=any(c.plan.kind == Plan.Kind.MUTUAL_AID for c in dashboard.coverages),
        )
        return context


def describe_event(event: MemberEvent) -> dict:
    """An event of the member's history in words."""
    detail = event.reason
    if event.type == MemberEvent.Type.STATUS:
        labels = dict(Member.Status.choices)
        detail = _("%(old)s → %(new)s") % {
            "old": labels.get(event.old_value, event.old_value),
            "new": labels.get(event.new_value, event.new_value),
        }
    elif event.type == MemberEvent.Type.PAYMENT:
        detail = format_money(event.new_value)
    elif event.type == MemberEvent.Type.WITHDRAWAL:
        detail = _("Takes effect on %(date)s") % {"date": format_iso_date(event.new_value)}
    elif event.type == MemberEvent.Type.PROFILE and event.data.get("field"):
        field = event.data["field"]
        try:
            detail = str(Member._meta.get_field(field).verbose_name)
        except LookupError:
            detail = field
    return {"at": event.at, "label": event.get_type_display(), "detail": detail}


class ProfileForm(ContactForm):
    """The profile page's form: contact details (a ``ServiceCheckedForm``, so the
    service's refusals land on their fields through ``DomainErrorFormMixin``)."""


@method_decorator(never_cache, name="dispatch")
class ProfileView(MemberMixin, FormView):
    """/me/profile/: contact details are the member's to change; identity is staff's."""

    template_name = "members/member_profile.html"
    form_class = ProfileForm

    def get_initial(self):
        return {name: getattr(self.member, name) for name in ContactForm.base_fields}

    def form_valid(self, form):
        member = form.call_service(
            member_update_contact,
            member=self.member,
            actor=self.request.user,
            changes=form.changes(),
        )
        if member is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Your contact details are saved."))
        return redirect("members:profile")


@method_decorator(never_cache, name="dispatch")
class CertificateView(MemberMixin, View):
    """/me/certificate.pdf: the signed-in member's certificate, while a member."""

    def get(self, request, *args, **kwargs):
        member = self.member
        if not certificate_allowed(member):
            raise Http404(_("A certificate is issued only to active and suspended members."))
        coverages = list(
            member.coverages.filter(status=Coverage.Status.IN_FORCE)
            .select_related("plan", "plan_version")
            .order_by("start_date", "id")
        )
        pdf = render_certificate(member, coverages, society_get())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="certificate-{member.member_number}.pdf"'
        )
        return response


@method_decorator(never_cache, name="dispatch")
class StatementView(MemberMixin, TemplateView):
    """/me/statement/: what fell due, what was paid, what is outstanding."""

    template_name = "members/member_statement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statement"] = member_statement(self.member)
        context["refunds"] = advance_refunds_for_member(self.member.pk)
        context["today"] = timezone.localdate()
        return context


@method_decorator(never_cache, name="dispatch")
class WithdrawView(MemberMixin, FormView):
    """/me/withdraw/: the consequences, then ``member_withdraw_request``."""

    template_name = "members/member_withdraw.html"
    form_class = WithdrawForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.member
        context.update(
            can_withdraw=withdrawal_allowed(member),
            has_mutual_aid=has_live_mutual_aid(member),
        )
        return context

    def form_valid(self, form):
        member = form.call_service(
            member_withdraw_request,
            member=self.member,
            actor=self.request.user,
            reason=form.cleaned_data["reason"].strip(),
        )
        if member is None:
            # The page for a refused withdrawal may not show the form (withdrawn, or
            # asked already): the reason goes with the page it redirects to.
            for field_messages in form.errors.values():
                for message in field_messages:
                    messages.error(self.request, message)
            return redirect("members:withdraw")
        date = member.withdrawal_effective_on
        if member.status == Member.Status.WITHDRAWN:
            messages.success(
                self.request,
                _("You have withdrawn from the society; your cover ended on %(date)s.")
                % {"date": format_date(date)},
            )
        else:
            messages.success(
                self.request,
                _("Your withdrawal is recorded. It takes effect on %(date)s.")
                % {"date": format_date(date)},
            )
        return redirect(reverse("members:withdraw"))
