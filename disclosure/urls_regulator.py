"""The read-only regulator portal at ``/disclosure/regulator/`` (``views.regulator``).

Included from ``disclosure/urls.py`` as the nested namespace ``disclosure:regulator``,
which the two-factor middleware does not open (``accounts.middleware.OPEN_NAMESPACES``
matches namespaces exactly). Every page ``<page>/`` has its tables' downloads at
``<page>/export/<table>.<csv|json>``.
"""

from django.urls import path, register_converter

from .views import regulator as views


class ExportFormat:
    regex = "csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "exportformat")

app_name = "regulator"


def _page(route: str, view, name: str) -> list:
    """The page and its exports."""
    return [
        path(route, view.as_view(), name=name),
        path(
            f"{route}export/<slug:table>.<exportformat:fmt>", view.as_view(), name=f"{name}-export"
        ),
    ]


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    *_page("solvency/", views.SolvencyView, "solvency"),
    *_page("solvency/reserve-runs/<int:run_id>/", views.ReserveRunView, "reserve-run"),
    *_page("solvency/assessments/<int:assessment_id>/", views.AssessmentView, "assessment"),
    *_page("ledger/", views.LedgerView, "ledger"),
    *_page("claims/", views.ClaimsView, "claims"),
    *_page("governance/", views.GovernanceView, "governance"),
    *_page("governance/<int:meeting_id>/", views.MeetingView, "meeting"),
    *_page("events/", views.EventsView, "events"),
]
