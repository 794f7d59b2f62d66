"""The topical public pages (``views.public``)."""

from django.urls import path

from .views import basic

urlpatterns = [
    # replaced by the at-a-glance page (views.public)
    path("", basic.DisclosureHomeView.as_view(), name="home"),
]
