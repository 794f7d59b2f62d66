from django.urls import path

from . import api

app_name = "support-api"

urlpatterns = [
    path("complaints/", api.ComplaintListApi.as_view(), name="complaints"),
    path("complaints/<int:complaint_id>/", api.ComplaintDetailApi.as_view(), name="complaint"),
]
