"""The members' assembly pages (/assembly/)."""

from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meetings"),
    path("<int:meeting_id>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("<int:meeting_id>/vote/", views.BallotView.as_view(), name="vote"),
    path("<int:meeting_id>/proxy/", views.ProxyView.as_view(), name="proxy"),
    path("<int:meeting_id>/proxy/revoke/", views.ProxyRevokeView.as_view(), name="proxy_revoke"),
    path(
        "<int:meeting_id>/elections/<int:motion_id>/nominate/",
        views.NominateView.as_view(),
        name="nominate",
    ),
    path(
        "<int:meeting_id>/candidates/<int:candidate_id>/second/",
        views.SecondView.as_view(),
        name="second",
    ),
    path("<int:meeting_id>/results/", views.ResultsView.as_view(), name="results"),
    path("proposals/new/", views.ProposalCreateView.as_view(), name="proposal_new"),
    path("proposals/<int:proposal_id>/cosign/", views.CosignView.as_view(), name="cosign"),
    path("receipt/", views.ReceiptView.as_view(), name="receipt"),
    path("consultations/", views.ConsultationListView.as_view(), name="consultations"),
    path(
        "consultations/<int:consultation_id>/",
        views.ConsultationDetailView.as_view(),
        name="consultation",
    ),
    path(
        "consultations/<int:consultation_id>/answer/",
        views.ConsultationAnswerView.as_view(),
        name="consultation_answer",
    ),
    path(
        "consultations/<int:consultation_id>/comment/",
        views.ConsultationCommentView.as_view(),
        name="consultation_comment",
    ),
]
