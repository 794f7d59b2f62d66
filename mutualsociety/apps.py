"""The project package as installed apps: the society's admin site, and the top floor.

The top floor is what stands on every app and that no app may import: the commands that
run the whole platform (``run_platform``), seed the demo society across every app in
dependency order (``seed_demo``), install the periodic jobs of every app
(``install_schedule``, also after each ``migrate``) and check that a worker runs them
(``check_heartbeat``). ``mutualsociety/common`` below every app imports none of it.
"""

from django.apps import AppConfig, apps
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SocietyAdminConfig(AdminConfig):
    """The admin, as the society's own staff site (its name, two-factor aware)."""

    default_site = "mutualsociety.admin_site.SocietyAdminSite"


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
