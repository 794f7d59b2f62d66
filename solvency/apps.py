from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolvencyConfig(AppConfig):
    name = "solvency"
    verbose_name = _("Solvency")
