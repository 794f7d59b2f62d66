from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

portal_patterns = (
    [path("", views.HomeView.as_view(), name="home")],
    "portal",
)

api_v1_patterns = [
    path("", views.ApiRootView.as_view(), name="api-root"),
    path("ledger/", include("ledger.api_urls")),
    path("", include("members.api_urls")),
    path("governance/", include("governance.api_urls")),
    path("claims/", include("claims.api_urls")),
    path("support/", include("support.api_urls")),
    path("solvency/", include("solvency.api_urls")),
    path("disclosure/", include("disclosure.api_urls")),
]

urlpatterns = [
    path("", include(portal_patterns)),
    path("accounts/", include("accounts.urls")),
    path("", include("members.urls")),
    path("assembly/", include("governance.urls")),
    path("", include("claims.urls")),
    path("", include("support.urls")),
    path("", include("solvency.urls")),
    path("", include("privacy.urls")),
    path("disclosure/", include("disclosure.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/v1/", include(api_v1_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "mutualsociety.views.bad_request"
handler403 = "mutualsociety.views.permission_denied"
handler404 = "mutualsociety.views.page_not_found"
handler500 = "mutualsociety.views.server_error"
