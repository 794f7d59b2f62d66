"""Staff face of disclosure, one module per subject (each registers its models):
publications with their history (``publications``), their steps
(``publication_steps``), the list's actions (``publication_actions``) and their files
(``publication_files``), the "What is due" page (``schedule``), the material events
waiting (``material_events``), the due-date rules (``rules``). Every change of a publication is a
service call; nothing is deleted; published versions are read-only."""

from .publications import PublicationAdmin
from .rules import KindRuleAdmin

__all__ = ["KindRuleAdmin", "PublicationAdmin"]
