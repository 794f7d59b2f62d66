"""The publication's status as a table of allowed moves (``common.transitions``).

``PUBLICATION`` (``Publication.status``): a draft is submitted for approval (kinds that
need a second person) or published (kinds that do not); a submitted draft is published by
its approver or returned to its author as a draft; a draft or a submitted one may be
discarded. Published and discarded are final: a published version changes only by a new
version (a correction) or by a withdrawal, which are rows of their own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mutualsociety.common.transitions import StateMachine

from .models import Publication

S = Publication.Status

PUBLICATION = StateMachine(
    S,
    {
        S.DRAFT: {S.PENDING, S.PUBLISHED, S.DISCARDED},
        S.PENDING: {S.PUBLISHED, S.DRAFT, S.DISCARDED},
    },
    message=gettext_lazy("A publication that is %(current)s cannot become %(new)s."),
)

MACHINES = {"Publication.status": PUBLICATION}
