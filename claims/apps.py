from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claims")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 - registers the system check
            db,  # noqa: F401 - registers ms_sha256 on SQLite connections
        )
        from .services import apportionment  # noqa: F401 - registers its batch job
