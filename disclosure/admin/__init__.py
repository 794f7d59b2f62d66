"""Staff face of disclosure, one module per subject (each registers its models):
publications with their steps, files and history (``publications``), the "What is due"
page (``schedule``), the due-date rules (``rules``). Every change of a publication is a
service call; nothing is deleted; published versions are read-only."""

from .publications import PublicationAdmin
from .rules import KindRuleAdmin

__all__ = ["KindRuleAdmin", "PublicationAdmin"]
