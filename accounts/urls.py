from django.urls import include, path

from . import views

# Not namespaced: Django's own password views reverse these names.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
