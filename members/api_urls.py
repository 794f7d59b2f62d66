from django.urls import path

from . import api

app_name = "members-api"

urlpatterns = [
    path("enrolment/", api.EnrolmentApi.as_view(), name="enrolment"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("me/coverages/", api.MeCoveragesApi.as_view(), name="me-coverages"),
    path("me/contributions/", api.MeContributionsApi.as_view(), name="me-contributions"),
    path("me/payments/", api.MePaymentsApi.as_view(), name="me-payments"),
    path("applications/", api.ApplicationListApi.as_view(), name="applications"),
    path(
        "applications/<int:application_id>/accept/",
        api.ApplicationAcceptApi.as_view(),
        name="application-accept",
    ),
    path(
        "applications/<int:application_id>/decline/",
        api.ApplicationDeclineApi.as_view(),
        name="application-decline",
    ),
    path("members/", api.MemberListApi.as_view(), name="members"),
    path("members/<int:member_id>/", api.MemberDetailApi.as_view(), name="member-detail"),
    path(
        "members/<int:member_id>/payments/",
        api.MemberPaymentApi.as_view(),
        name="member-payments",
    ),
]
