"""The member portal. Every page under /me/ is the signed-in person's own membership: the
only ids in these addresses are of the member's own notifications, looked up within
that membership (another member's answers 404)."""

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
    path("me/beneficiaries/", views.BeneficiariesView.as_view(), name="beneficiaries"),
    path("me/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("me/notifications/", views.NotificationListView.as_view(), name="notifications"),
    path(
        "me/notifications/<int:notification_id>/",
        views.NotificationDetailView.as_view(),
        name="notification",
    ),
    path(
        "me/notifications/read-all/",
        views.NotificationsReadAllView.as_view(),
        name="notifications_read_all",
    ),
    path(
        "me/notifications/preferences/",
        views.NotificationPreferencesView.as_view(),
        name="notification_preferences",
    ),
    path("me/coverages/add/", views.CoverageAddWizard.as_view(), name="coverage_add"),
]
