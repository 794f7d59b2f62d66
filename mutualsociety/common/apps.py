from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The ground floor every app stands on. It imports nothing from the rest of the
    project: the top floor's commands and hooks live in the project package
    (``mutualsociety.apps.ProjectConfig``)."""

    name = "mutualsociety.common"
    label = "common"
    verbose_name = _("Society")

    def ready(self) -> None:
        from . import fonts  # noqa: F401 - registers its system check
