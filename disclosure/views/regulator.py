"""The read-only regulator portal at ``/disclosure/regulator/`` (namespace
``disclosure:regulator``).

Who may read it (``selectors.regulator.regulator_portal_allowed``): the regulator role,
the supervisory board and the compliance officer (the permission
``disclosure.view_regulator_portal``, given by name in ``accounts.roles``), superusers.
Anyone else signed in gets the 403 page; anonymous visitors go to the sign-in page; and
an allowed reader whose session has not used an authenticator is sent to set one up or
enter its code first (whatever the society's two-factor rule for staff says: the portal
shows member-level records). Every page answers GET only (any other method: 405), and
every table of a page downloads as CSV or JSON at ``<page>/export/<table>.<csv|json>``
with the page's own query string (``exports.table_response``).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.selectors import user_session_verified
from claims.models import Claim
from governance.selectors import meeting_on_record
from solvency.selectors import reserve_run_report

from ..exports import Table, table_find, table_response
from ..selectors import regulator as portal

#: Rows of the claims list and of the audit events per page.
PAGE_SIZE = 50


class BadParameter(Exception):
    """A query parameter the page cannot read: answered 400, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _date_param(request: HttpRequest, field: str) -> dt.date | None:
    text = request.GET.get(field, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadParameter(field, _("Enter a date as YYYY-MM-DD.")) from None


class RegulatorPageView(TemplateView):
    """A page of the portal: the access rule, the tables, their export."""

    http_method_names = ["get", "head"]
    #: The page's slug in export file names.
    page = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not portal.regulator_portal_allowed(user):
            raise PermissionDenied
        if not user_session_verified(user):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('two_factor')}?{query}")
        try:
            return super().dispatch(request, *args, **kwargs)
        except BadParameter as error:
            return TemplateResponse(
                request,
                "disclosure/regulator/bad_request.html",
                {"field": error.field, "message": error.message},
                status=400,
            )

    def get_tables(self) -> list[Table]:
        return []

    def export_name(self) -> str:
        return self.page

    def get(self, request, *args, **kwargs):
        table_slug = kwargs.get("table")
        if table_slug:
            table = table_find(self.get_tables(), table_slug)
            if table is None:
                raise Http404(_("This page has no such table."))
            return table_response(
                table, fmt=kwargs["fmt"], filename=f"{self.export_name()}-{table.slug}"
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "tables" not in context:  # a page with pagination gives its own
            context["tables"] = self.get_tables()
        context["query"] = self.request.GET.urlencode()
        return context


class HomeView(RegulatorPageView):
    template_name = "disclosure/regulator/home.html"
    page = "home"


class SolvencyView(RegulatorPageView):
    template_name = "disclosure/regulator/solvency.html"
    page = "solvency"

    def get_tables(self) -> list[Table]:
        user = self.request.user
        runs, assessments = portal.reserve_runs_table(user), portal.assessments_table(user)
        runs.links = [reverse("disclosure:regulator:reserve-run", args=[r[0]]) for r in runs.rows]
        assessments.links = [
            reverse("disclosure:regulator:assessment", args=[r[0]]) for r in assessments.rows
        ]
        return [runs, assessments]


class ReserveRunView(RegulatorPageView):
    template_name = "disclosure/regulator/reserve_run.html"
    page = "reserve-run"

    def get_report(self):
        if not hasattr(self, "_report"):
            run = portal.reserve_run_get(self.request.user, self.kwargs["run_id"])
            if run is None:
                raise Http404(_("No such reserve run."))
            self._report = reserve_run_report(run)
        return self._report

    def export_name(self) -> str:
        return f"reserve-run-{self.kwargs['run_id']}"

    def get_tables(self) -> list[Table]:
        return portal.reserve_run_tables(self.get_report())

    def get_context_data(self, **kwargs):
        report = self.get_report()
        return super().get_context_data(
            run=report.run, origins=report.origins, triangles=report.triangles, **kwargs
        )


class AssessmentView(RegulatorPageView):
    template_name = "disclosure/regulator/assessment.html"
    page = "assessment"

    def get_assessment(self):
        if not hasattr(self, "_assessment"):
            assessment = portal.assessment_get(self.request.user, self.kwargs["assessment_id"])
            if assessment is None:
                raise Http404(_("No such assessment."))
            self._assessment = assessment
        return self._assessment

    def export_name(self) -> str:
        return f"assessment-{self.kwargs['assessment_id']}"

    def get_tables(self) -> list[Table]:
        return portal.assessment_tables(self.get_assessment())

    def get_context_data(self, **kwargs):
        return super().get_context_data(assessment=self.get_assessment(), **kwargs)


class LedgerView(RegulatorPageView):
    template_name = "disclosure/regulator/ledger.html"
    page = "trial-balance"

    def as_of(self) -> dt.date:
        return _date_param(self.request, "as_of") or timezone.localdate()

    def export_name(self) -> str:
        return f"trial-balance-{self.as_of().isoformat()}"

    def get_tables(self) -> list[Table]:
        return [portal.trial_balance_table(self.as_of())]

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            as_of=self.as_of(), today=today, quarter_ends=portal.quarter_ends(today), **kwargs
        )


class ClaimsView(RegulatorPageView):
    template_name = "disclosure/regulator/claims.html"
    page = "claims"

    def status(self) -> str:
        status = self.request.GET.get("status", "")
        if status and status not in Claim.Status.values:
            raise BadParameter("status", _("Choose one of the statuses listed."))
        return status

    def claims_page(self):
        paginator = Paginator(portal.claims_queryset(self.status()), PAGE_SIZE)
        return paginator.get_page(self.request.GET.get("page"))

    def get_tables(self) -> list[Table]:
        if self.kwargs.get("table") == "claims":
            # The export holds every claim of the filter, not only the page's.
            claims = portal.claims_queryset(self.status())
        else:
            claims = self.claims_page().object_list
        return [
            portal.claim_statistics_table(),
            portal.claims_table(claims),
            portal.apportionment_table(),
        ]

    def get_context_data(self, **kwargs):
        page = self.claims_page()
        return super().get_context_data(
            page_obj=page,
            statuses=Claim.Status.choices,
            status=self.status(),
            tables=[
                portal.claim_statistics_table(),
                portal.claims_table(page.object_list),
                portal.apportionment_table(),
            ],
            **kwargs,
        )


class GovernanceView(RegulatorPageView):
    template_name = "disclosure/regulator/governance.html"
    page = "governance"

    def get_tables(self) -> list[Table]:
        meetings = portal.meetings_table()
        meetings.links = [
            reverse("disclosure:regulator:meeting", args=[r[0]]) for r in meetings.rows
        ]
        return [meetings]


class MeetingView(RegulatorPageView):
    template_name = "disclosure/regulator/meeting.html"
    page = "meeting"

    def get_record(self):
        if not hasattr(self, "_record"):
            meeting = meeting_on_record(self.kwargs["meeting_id"])
            if meeting is None:
                raise Http404(_("No such meeting."))
            self._record = portal.meeting_record(meeting)
        return self._record

    def export_name(self) -> str:
        return f"meeting-{self.kwargs['meeting_id']}"

    def get_tables(self) -> list[Table]:
        return self.get_record().tables

    def get_context_data(self, **kwargs):
        record = self.get_record()
        return super().get_context_data(meeting=record.meeting, minutes=record.minutes, **kwargs)


class EventsView(RegulatorPageView):
    template_name = "disclosure/regulator/events.html"
    page = "events"

    def where(self) -> portal.EventFilter:
        apps = {m._meta.app_label for m in portal.event_models()}
        app = self.request.GET.get("app", "")
        if app and app not in apps:
            raise BadParameter("app", _("Choose one of the apps listed."))
        kind = self.request.GET.get("type", "")
        if kind and kind not in dict(portal.event_types()):
            raise BadParameter("type", _("Choose one of the event types listed."))
        return portal.EventFilter(
            app=app,
            type=kind,
            date_from=_date_param(self.request, "from"),
            date_to=_date_param(self.request, "to"),
        )

    def events_page(self):
        paginator = Paginator(portal.EventIndex(self.where()), PAGE_SIZE)
        return paginator.get_page(self.request.GET.get("page"))

    def get_tables(self) -> list[Table]:
        return [portal.events_table(self.events_page().object_list)]

    def get_context_data(self, **kwargs):
        page = self.events_page()
        where = self.where()
        return super().get_context_data(
            page_obj=page,
            where=where,
            apps=sorted({m._meta.app_label for m in portal.event_models()}),
            types=portal.event_types(),
            tables=[portal.events_table(page.object_list)],
            **kwargs,
        )
