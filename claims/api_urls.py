from django.urls import path

from . import api

app_name = "claims-api"

urlpatterns = [
    path("", api.ClaimListApi.as_view(), name="list"),
    path("statistics/", api.StatisticsApi.as_view(), name="statistics"),
    path("notices/", api.NoticeListApi.as_view(), name="notices"),
    path("notices/<int:claim_id>/", api.NoticeDetailApi.as_view(), name="notice"),
    path("notices/<int:claim_id>/objections/", api.ObjectionApi.as_view(), name="object"),
    path("panels/", api.PanelListApi.as_view(), name="panels"),
    path("panels/<int:panel_id>/vote/", api.PanelVoteApi.as_view(), name="vote"),
    path("<int:claim_id>/", api.ClaimDetailApi.as_view(), name="detail"),
    path("<int:claim_id>/documents/", api.ClaimDocumentApi.as_view(), name="documents"),
    path("<int:claim_id>/review/", api.ReviewApi.as_view(), name="review"),
    path("<int:claim_id>/request-information/", api.InfoRequestApi.as_view(), name="request-info"),
    path("<int:claim_id>/assess/", api.AssessApi.as_view(), name="assess"),
    path("<int:claim_id>/send-back/", api.SendBackApi.as_view(), name="send-back"),
    path("<int:claim_id>/approve/", api.ApproveApi.as_view(), name="approve"),
    path("<int:claim_id>/reject/", api.RejectApi.as_view(), name="reject"),
    path("<int:claim_id>/pay/", api.PayApi.as_view(), name="pay"),
    path("<int:claim_id>/withdraw/", api.WithdrawApi.as_view(), name="withdraw"),
    path("<int:claim_id>/appeal/", api.AppealApi.as_view(), name="appeal"),
    path("<int:claim_id>/provide-information/", api.InfoProvideApi.as_view(), name="provide-info"),
]
