from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolvencyConfig(AppConfig):
    name = "solvency"
    verbose_name = _("Solvency")

    def ready(self) -> None:
        # The workers must know the batch jobs (``common.services.batches``).
        from .services import distribution_batch  # noqa: F401
