from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

# Not namespaced: Django's own password views reverse these names.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(
            html_email_template_name="registration/password_reset_email.html"
        ),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
