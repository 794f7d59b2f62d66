from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class SocietyAdminConfig(AdminConfig):
    """The admin, as the society's own staff site (its name, two-factor aware), showing
    amounts grouped and rates as percentages (``common.admin_display``)."""

    default_site = "mutualsociety.admin_site.SocietyAdminSite"

    def ready(self) -> None:
        super().ready()
        from mutualsociety.common import admin_display

        admin_display.install()


class SignInProtectionConfig(AxesAppConfig):
    """django-axes under a name staff can read: the admin showed its raw label "AXES"."""

    verbose_name = _("Sign-in protection")


class AuthenticatorsConfig(TOTPAppConfig):
    """django-otp's authenticator apps (TOTP) under a name staff can read: the admin
    showed its raw label "OTP_TOTP". Its model's name is not marked for translation in
    django-otp, so it is given a translatable one here (display only: migrations read the
    model's Meta, which is unchanged)."""

    verbose_name = _("Authenticator apps")

    def ready(self) -> None:
        super().ready()
        device = self.get_model("TOTPDevice")
        device._meta.verbose_name = _("TOTP device")
        device._meta.verbose_name_plural = _("TOTP devices")
