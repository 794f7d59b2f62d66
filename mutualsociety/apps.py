"""The project package as installed apps: the society's admin site, the third-party apps
under names staff can read, and the top floor.

The top floor is what stands on every app and that no app may import: the commands that
run the whole platform (``run_platform``), seed the demo society across every app in
dependency order (``seed_demo``), install the periodic jobs of every app
(``install_schedule``, also after each ``migrate``) and check that a worker runs them
(``check_heartbeat``). ``mutualsociety/common`` below every app imports none of it.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig, apps
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


class ProjectConfig(AppConfig):
    """The top floor: its management commands and the schedule's post-migrate hook."""

    name = "mutualsociety"
    label = "mutualsociety"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .schedule import install_after_migrate

        # Operational set-up, not domain flow: a fresh deployment gets its periodic jobs
        # as soon as it has migrated, without anyone clicking in the admin. Django sends
        # post_migrate for apps with models only (this package has none), so the hook
        # listens for django-celery-beat's, whose tables hold the schedule.
        post_migrate.connect(
            install_after_migrate,
            sender=apps.get_app_config("django_celery_beat"),
            dispatch_uid="mutualsociety.install_schedule",
        )
