"""The one way a status changes: a table of allowed moves, checked in one place.

Each app's ``transitions.py`` declares a ``StateMachine`` per status field (pattern:
django-oscar's order pipeline)::

    CLAIM = StateMachine(
        Claim.Status,
        {S.SUBMITTED: {S.UNDER_REVIEW, S.WITHDRAWN}, ...},
        message=_("A claim that is %(current)s cannot become %(new)s."),
    )

Services call ``CLAIM.move(claim, S.APPROVED)`` on a row they have locked: the move is
refused with ``TransitionNotAllowed`` unless the table allows it, then the field is set
(the caller saves it with its other fields and appends its event). ``check`` and
``allowed`` answer without changing anything, for guards and for faces that offer only
the possible actions. A status missing from the table is terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .exceptions import TransitionNotAllowed
from .models import BankAccountChange, OutboxTask

DEFAULT_MESSAGE = _("The status %(current)s cannot become %(new)s.")


class StateMachine:
    """The allowed moves of one status field (see the module's docstring)."""

    def __init__(
        self,
        statuses: type[models.TextChoices],
        table: Mapping[str, Iterable[str]],
        *,
        field: str = "status",
        message: str | Promise = DEFAULT_MESSAGE,
    ) -> None:
        known = set(statuses.values)
        moves = {str(k): frozenset(str(v) for v in targets) for k, targets in table.items()}
        unknown = {s for k, targets in moves.items() for s in (k, *targets)} - known
        if unknown:
            raise ValueError(f"{statuses.__name__} has no status {sorted(unknown)}.")
        self.statuses = statuses
        self.field = field
        self.message = message
        #: every status, terminal ones with no moves
        self.table: dict[str, frozenset[str]] = {s: moves.get(s, frozenset()) for s in known}

    def __repr__(self) -> str:
        return f"StateMachine({self.statuses.__name__}, field={self.field!r})"

    def allowed(self, current: str, new: str) -> bool:
        return str(new) in self.table.get(str(current), frozenset())

    def next_statuses(self, current: str) -> frozenset[str]:
        return self.table.get(str(current), frozenset())

    def is_terminal(self, current: str) -> bool:
        return not self.next_statuses(current)

    def label(self, status: str) -> str:
        try:
            return str(self.statuses(status).label)
        except ValueError:
            return str(status)

    def check(self, current: str, new: str) -> None:
        """Raise ``TransitionNotAllowed`` naming both statuses unless the table allows it."""
        if not self.allowed(current, new):
            raise TransitionNotAllowed(
                str(self.message) % {"current": self.label(current), "new": self.label(new)}
            )

    def move(self, instance: models.Model, new: str) -> str:
        """Check the move from ``instance``'s current status to ``new`` and set it; return
        the old status. The caller holds the row's lock and saves the field."""
        old = getattr(instance, self.field)
        self.check(old, new)
        setattr(instance, self.field, new)
        return old


# --- The ground floor's own status fields ----------------------------------------------

_BANK = BankAccountChange.Status

#: A proposed bank account waits for a second person; then it is decided once.
BANK_ACCOUNT_CHANGE = StateMachine(
    _BANK,
    {_BANK.PENDING: {_BANK.APPROVED, _BANK.REJECTED, _BANK.WITHDRAWN}},
    message=_("A bank account change that is %(current)s cannot become %(new)s."),
)

#: An outbox row is handed to the broker once.
OUTBOX_TASK = StateMachine(
    OutboxTask.State,
    {OutboxTask.State.PENDING: {OutboxTask.State.SENT}},
    field="state",
    message=_("An outbox task that is %(current)s cannot become %(new)s."),
)
