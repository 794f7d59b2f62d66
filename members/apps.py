from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        # The daily jobs' batch runs (billing, grace...) must be known to every worker.
        from .services import billing, jobs  # noqa: F401
