"""The moves of a personal data request (the house ``StateMachine``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mutualsociety.common.transitions import StateMachine

from .models import PrivacyRequest

S = PrivacyRequest.Status
CLOSED = frozenset({S.DONE, S.PARTLY_REFUSED, S.REFUSED})

#: Received, taken up by a handler, then answered once: done, partly refused or refused.
PRIVACY_REQUEST = StateMachine(
    S,
    {
        S.RECEIVED: {S.IN_PROGRESS, *CLOSED},
        S.IN_PROGRESS: set(CLOSED),
    },
    message=_("A request that is %(current)s cannot become %(new)s."),
)
