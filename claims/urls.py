from django.urls import path

from . import views

app_name = "claims"

urlpatterns = [
    path("claims/", views.ClaimListView.as_view(), name="list"),
    path("claims/new/", views.ClaimSubmitView.as_view(), name="submit"),
    path("claims/<int:claim_id>/", views.ClaimDetailView.as_view(), name="detail"),
    path("claims/<int:claim_id>/withdraw/", views.ClaimWithdrawView.as_view(), name="withdraw"),
    path("claims/<int:claim_id>/appeal/", views.ClaimAppealView.as_view(), name="appeal"),
    path("claims/<int:claim_id>/information/", views.ClaimInfoView.as_view(), name="info"),
    path("claims/<int:claim_id>/documents/", views.DocumentAddView.as_view(), name="document_add"),
    path(
        "claims/documents/<int:document_id>/",
        views.DocumentDownloadView.as_view(),
        name="document",
    ),
    path("claims/apportionment/", views.ShareListView.as_view(), name="shares"),
    path(
        "claims/apportionment/<int:period_id>/proof.json",
        views.ShareProofView.as_view(),
        name="share_proof",
    ),
    path("claims/notices/", views.NoticeListView.as_view(), name="notices"),
    path("claims/notices/<int:claim_id>/", views.NoticeDetailView.as_view(), name="notice"),
    path("claims/panels/", views.PanelListView.as_view(), name="panels"),
    path("claims/panels/<int:panel_id>/", views.PanelDetailView.as_view(), name="panel"),
]
