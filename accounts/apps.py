from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import sync_after_migrate

        # Permissions of apps migrated after the roles migration exist only once
        # migrate has finished; this additive re-sync gives each role its share of them.
        post_migrate.connect(sync_after_migrate, sender=self)
