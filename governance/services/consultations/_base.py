"""What the parts of the consultations service share: the lock, the permission check,
the names of the statuses and event types."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import NotAllowed, NotFound

from ...models import (
    Consultation,
    ConsultationEvent,
    ConsultationQuestion,
)

S = Consultation.Status
Kind = ConsultationQuestion.Kind
T = ConsultationEvent.Type

OPEN_PERM = "governance.open_consultation"
MODERATE_PERM = "governance.moderate_consultationcomment"


def consultation_lock(consultation: Consultation | int) -> Consultation:
    """The consultation's row, locked until the caller's transaction ends: answering,
    closing and opening take it first, so they run one at a time."""
    pk = consultation.pk if isinstance(consultation, Consultation) else consultation
    found = Consultation.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no consultation #%(id)s.") % {"id": pk})
    return found


def require_perm(actor, perm: str, message: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(message)
