"""The member portal. There are no ids in these addresses: every page under /me/ is the
signed-in person's own membership."""

from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("join/", views.EnrolmentWizard.as_view(), name="enrol"),
    path("me/", views.DashboardView.as_view(), name="dashboard"),
    path("me/application/", views.ApplicationResultView.as_view(), name="application_result"),
    path("me/profile/", views.ProfileView.as_view(), name="profile"),
    path("me/certificate.pdf", views.CertificateView.as_view(), name="certificate"),
    path("me/statement/", views.StatementView.as_view(), name="statement"),
    path("me/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("me/coverages/add/", views.CoverageAddWizard.as_view(), name="coverage_add"),
]
