from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "mutualsociety.common"
    label = "common"
    verbose_name = _("Society")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from mutualsociety.schedule import install_after_migrate

        # Operational set-up, not domain flow: a fresh deployment gets its periodic jobs
        # as soon as it has migrated, without anyone clicking in the admin.
        post_migrate.connect(install_after_migrate, sender=self)
