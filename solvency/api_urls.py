from django.urls import path

from . import api

app_name = "solvency-api"

urlpatterns = [
    path("assessments/", api.AssessmentListApi.as_view(), name="assessments"),
    path("assessments/<int:assessment_id>/", api.AssessmentDetailApi.as_view(), name="assessment"),
    path("history/", api.HistoryApi.as_view(), name="history"),
    path("reserve-runs/", api.ReserveRunListApi.as_view(), name="reserve-runs"),
    path("reserve-runs/<int:run_id>/", api.ReserveRunDetailApi.as_view(), name="reserve-run"),
    path("regimes/", api.RegimeListApi.as_view(), name="regimes"),
    path("regimes/<slug:regime_code>/", api.RegimeDetailApi.as_view(), name="regime"),
]
