"""The member portal's solvency pages: a member's own surplus shares."""

from django.urls import path

from . import views

app_name = "solvency"

urlpatterns = [
    path("me/surplus/", views.SurplusShareListView.as_view(), name="surplus"),
]
