from django.urls import path

from . import api

app_name = "governance-api"

urlpatterns = [
    path("meetings/", api.MeetingListApi.as_view(), name="meetings"),
    path("meetings/<int:meeting_id>/", api.MeetingDetailApi.as_view(), name="meeting"),
    path("meetings/<int:meeting_id>/ballots/", api.BallotApi.as_view(), name="ballots"),
    path("meetings/<int:meeting_id>/proxy/", api.ProxyApi.as_view(), name="proxy"),
    path(
        "meetings/<int:meeting_id>/participation/",
        api.ParticipationApi.as_view(),
        name="participation",
    ),
    path(
        "meetings/<int:meeting_id>/<slug:action>/",
        api.MeetingTransitionApi.as_view(),
        name="meeting-transition",
    ),
    path("motions/<int:motion_id>/receipts/", api.MotionReceiptsApi.as_view(), name="receipts"),
    path("receipts/<str:code>/", api.ReceiptVerifyApi.as_view(), name="receipt"),
    path("proposals/", api.ProposalListApi.as_view(), name="proposals"),
    path(
        "proposals/<int:proposal_id>/cosign/",
        api.ProposalCosignApi.as_view(),
        name="proposal-cosign",
    ),
]
