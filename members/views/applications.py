"""Applying for cover: enrolment (/join/), adding a coverage (/me/coverages/add/) and
the page with the decision. Multi-step forms (formtools wizards) whose last step calls
the service; a refusal is put on the step that owns the field it names."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from formtools.wizard.views import SessionWizardView

from mutualsociety.common.exceptions import DomainError

from ..forms import (
    ConsentForm,
    DeclarationForm,
    LoginDetailsForm,
    PersonForm,
    PlanChoiceForm,
    PlanOffer,
    ServiceCheckedForm,
    person_from,
)
from ..models import AgeBand, Application, Coverage, Member
from ..selectors import (
    COVERAGE_ADD_STATUSES,
    coverage_add_allowed,
    live_plan_ids,
    member_for_user,
    plans_open_for_enrolment,
    wind_downs_visible,
)
from ..services.enrolment import (
    REJOINING,
    EnrolmentData,
    coverage_apply,
    current_documents,
    enrolment_submit,
)
from .base import MemberMixin

# The application the result page shows: set when it is submitted, read only together
# with the signed-in person's membership.
LAST_APPLICATION = "members.last_application"


def plan_offers(*, exclude_plan_ids: frozenset[int] = frozenset()) -> list[PlanOffer]:
    """The plans open for enrolment with their terms in force and age bands."""
    pairs = [(p, v) for p, v in plans_open_for_enrolment() if p.pk not in exclude_plan_ids]
    versions = [version for _plan, version in pairs]
    prefetch_related_objects(
        versions, Prefetch("age_bands", queryset=AgeBand.objects.order_by("min_age"))
    )
    return [PlanOffer(plan, version, list(version.age_bands.all())) for plan, version in pairs]


def _declaration_needed(wizard: ApplicationWizard) -> bool:
    """Skip the health declaration for a plan that asks no questions."""
    version = wizard.chosen_version()
    return version is None or version.questions.exists()


class ApplicationWizard(SessionWizardView):
    """What enrolment and adding a coverage share: the plan, the declaration, mapping the
    service's errors back to the step that owns the field, and the result page."""

    template_name = "members/application_form.html"
    step_titles: Mapping[str, str] = {
        "plan": gettext_lazy("Choose a plan"),
        "person": gettext_lazy("About you"),
        "declaration": gettext_lazy("Health declaration"),
        "consents": gettext_lazy("Articles and privacy"),
        "login": gettext_lazy("Your login"),
    }
    condition_dict = {"declaration": _declaration_needed}
    member: Member | None = None

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    # The forms of the steps get what they need from the steps before them.
    @cached_property
    def offers(self) -> list[PlanOffer]:
        return plan_offers()

    def chosen_version(self):
        data = self.get_cleaned_data_for_step("plan")
        return data.get("version") if data else None

    def get_form_kwargs(self, step=None):
        if step == "plan":
            return {"offers": self.offers, "member": self.member}
        if step == "declaration":
            return {"version": self.chosen_version()}
        return {}

    def process_step(self, form):
        """Keep only the step's own fields (not the CSRF token or the buttons)."""
        prefix = f"{form.prefix}-"
        return {key: values for key, values in form.data.lists() if key.startswith(prefix)}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        steps = list(self.get_form_list())
        if self.steps.current == "plan":
            context["wind_downs"] = wind_downs_visible()
        context.update(
            step_list=[(step, self.step_titles[step]) for step in steps],
            step_title=self.step_titles[self.steps.current],
            step_template=f"members/application/{self.steps.current}.html",
            chosen_version=self.chosen_version() if self.steps.current != "plan" else None,
            member=self.member,
        )
        return context

    def render_done(self, form, **kwargs):
        """Revalidate every step, then submit. Unlike formtools, the stored steps are kept
        when the service refuses, so the person corrects one field, not everything."""
        final_forms = OrderedDict()
        for step in self.get_form_list():
            step_form = self.get_form(
                step=step,
                data=self.storage.get_step_data(step),
                files=self.storage.get_step_files(step),
            )
            if not step_form.is_valid():
                self.forget_secrets()
                return self.render_revalidation_failure(step, step_form, **kwargs)
            final_forms[step] = step_form
        return self.done(list(final_forms.values()), form_dict=final_forms, **kwargs)

    def forget_secrets(self) -> None:
        """Passwords are not kept in the session once the last step has been tried."""

    def render_service_error(self, error: DomainError, form_dict) -> HttpResponse:
        """Show a refusal of the service on the first step that owns a field it names, or
        as a general error on the last step; never a server error."""
        by_step: dict[str, dict[str, list[str]]] = {}
        general: list[str] = []
        for name, field_messages in (error.fields or {}).items():
            owner = None
            for step, form in form_dict.items():
                target = form.error_mapping().get(name, name)
                if target in form.fields:
                    owner = step
                    break
            if owner is None:
                general.extend(field_messages)
            else:
                by_step.setdefault(owner, {})[name] = list(field_messages)
        if not error.fields:
            general.append(error.message)
        steps = list(form_dict)
        step = next((s for s in steps if s in by_step), steps[-1])
        form: ServiceCheckedForm = form_dict[step]
        form.add_service_errors(by_step.get(step, {}), form.error_mapping())
        for message in general:
            form.add_error(None, message)
        self.storage.current_step = step
        return self.render(form)

    def show_result(self, application: Application) -> HttpResponse:
        """The wizard's storage is reset by then (signing in may have replaced the session)."""
        self.request.session[LAST_APPLICATION] = application.pk
        return redirect("members:application_result")


class EnrolmentWizard(ApplicationWizard):
    """/join/: choose a plan, say who you are, declare your health, consent to the
    articles and privacy notice, choose a login; then ``enrolment_submit``."""

    form_list = [
        ("plan", PlanChoiceForm),
        ("person", PersonForm),
        ("declaration", DeclarationForm),
        ("consents", ConsentForm),
        ("login", LoginDetailsForm),
    ]

    def dispatch(self, request, *args, **kwargs):
        member = member_for_user(request.user)
        if member is None:
            return super().dispatch(request, *args, **kwargs)
        # One person, one membership: whoever has one applies through it.
        if member.status in REJOINING:
            messages.info(request, _("Apply again for a plan with the membership you have."))
            return redirect("members:coverage_add")
        if member.status == Member.Status.APPLICANT:
            messages.info(
                request,
                _("Your application is with an underwriter; you will be told the decision."),
            )
        else:
            messages.info(
                request,
                _("You are a member already. To be covered by another plan, add a coverage."),
            )
        return redirect("members:dashboard")

    @cached_property
    def documents(self):
        return current_documents()

    def chosen_person(self):
        data = self.get_cleaned_data_for_step("person")
        return person_from(data) if data else None

    def get_form_kwargs(self, step=None):
        if step == "person":
            return {"version": self.chosen_version()}
        if step == "consents":
            return {"documents": self.documents}
        if step == "login":
            return {"person": self.chosen_person()}
        return super().get_form_kwargs(step)

    def forget_secrets(self) -> None:
        data = self.storage.get_step_data("login")
        if data:
            self.storage.set_step_data(
                "login", {k: v for k, v in data.lists() if "password" not in k}
            )

    def done(self, form_list, form_dict, **kwargs):
        cleaned = {step: form.cleaned_data for step, form in form_dict.items()}
        plan, login_data = cleaned["plan"], cleaned["login"]
        consents = cleaned["consents"]
        data = EnrolmentData(
            plan=plan["plan"],
            person=person_from(cleaned["person"]),
            answers=cleaned.get("declaration", {}).get("answers", {}),
            articles_version=consents.get("articles_version") or "",
            privacy_version=consents.get("privacy_version") or "",
            username=login_data["username"],
            password=login_data["password"],
            payment_frequency=plan.get("payment_frequency") or "",
        )
        try:
            application = enrolment_submit(data=data, channel=Application.Channel.PORTAL)
        except DomainError as error:
            self.forget_secrets()
            return self.render_service_error(error, form_dict)
        # Reset before signing in: signing in as another person starts a new session.
        self.storage.reset()
        login(
            self.request,
            application.member.user,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        return self.show_result(application)


class CoverageAddWizard(LoginRequiredMixin, ApplicationWizard):
    """/me/coverages/add/: a member applies for cover under another plan
    (``coverage_apply``, the same underwriting as enrolment)."""

    form_list = [("plan", PlanChoiceForm), ("declaration", DeclarationForm)]
    step_titles = {
        "plan": gettext_lazy("Choose a plan"),
        "declaration": gettext_lazy("Health declaration"),
    }
    # Who may apply: the service's rule (coverage_apply) decides; this only spares a
    # member a form the service would refuse (``selectors.coverage_add_allowed``).
    allowed_statuses = COVERAGE_ADD_STATUSES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        member = member_for_user(request.user)
        if member is None:
            return redirect("members:dashboard")
        self.member = member
        if not coverage_add_allowed(member):
            messages.error(
                request,
                _("Only an active member can add a coverage. Your membership is %(status)s.")
                % {"status": member.get_status_display().lower()},
            )
            return redirect("members:dashboard")
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def offers(self) -> list[PlanOffer]:
        return plan_offers(exclude_plan_ids=live_plan_ids(self.member))

    def done(self, form_list, form_dict, **kwargs):
        plan = form_dict["plan"].cleaned_data
        declaration = form_dict.get("declaration")
        try:
            application = coverage_apply(
                member=self.member,
                plan=plan["plan"],
                answers=declaration.cleaned_data["answers"] if declaration else {},
                payment_frequency=plan.get("payment_frequency") or "",
                channel=Application.Channel.PORTAL,
                actor=self.request.user,
            )
        except DomainError as error:
            return self.render_service_error(error, form_dict)
        self.storage.reset()
        return self.show_result(application)


@method_decorator(never_cache, name="dispatch")
class ApplicationResultView(MemberMixin, TemplateView):
    """The decision on the application just submitted: accepted (member number, cover,
    waiting period, first amount due), referred, or declined with the reasons."""

    template_name = "members/application_result.html"

    def get(self, request, *args, **kwargs):
        applications = self.member.applications.select_related("plan_version__plan")
        application = None
        if request.session.get(LAST_APPLICATION):
            application = applications.filter(pk=request.session[LAST_APPLICATION]).first()
        application = application or applications.order_by("-submitted_at", "-id").first()
        if application is None:
            return redirect("members:dashboard")
        coverage = first_due = None
        first_acceptance = False
        if application.status == Application.Status.ACCEPTED:
            first_acceptance = not applications.filter(
                status=Application.Status.ACCEPTED, decided_at__lt=application.decided_at
            ).exists()
            coverage = (
                Coverage.objects.filter(application=application)
                .select_related("plan", "plan_version")
                .first()
            )
            if coverage is not None:
                first_due = coverage.dues.order_by("due_date", "id").first()
        context = self.get_context_data(
            application=application,
            coverage=coverage,
            first_due=first_due,
            first_acceptance=first_acceptance,
        )
        return self.render_to_response(context)
