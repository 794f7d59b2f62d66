"""Closing a consultation at its time (or earlier, by the board) and publishing its results."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ...events import consultation_event
from ...models import (
    Consultation,
)
from ...selectors.consultations import (
    consultation_eligible,
)
from ...signals import consultation_published
from ...transitions import CONSULTATION
from ._base import (
    OPEN_PERM,
    S,
    T,
    consultation_lock,
    require_perm,
)

# --- Closing and publishing ------------------------------------------------------------


@transaction.atomic
def consultation_close(
    *, consultation: Consultation | int, actor=None, at: dt.datetime | None = None
) -> Consultation:
    """Close at the announced time (the daily job, no actor), or earlier by the board or
    the secretary; count who could take part (the base of the turnout, kept), then
    publish the results (``consultation_publish``). Closing a closed consultation is a
    no-op, so the job and a person may both try."""
    at = at or timezone.now()
    consultation = consultation_lock(consultation)
    if consultation.status in (S.CLOSED, S.PUBLISHED):
        return consultation
    CONSULTATION.check(consultation.status, S.CLOSED)
    if at < consultation.closes_at:
        require_perm(
            actor, OPEN_PERM, _("The consultation closes at the announced time, not earlier.")
        )
    consultation.eligible_count = consultation_eligible(consultation).count()
    old = CONSULTATION.move(consultation, S.CLOSED)
    consultation.closed_at = at
    consultation.save(update_fields=["status", "closed_at", "eligible_count"])
    consultation_event(
        consultation=consultation, type=T.CLOSED, actor=actor, at=at, old_value=old,
        new_value=consultation.status,
        data={"eligible": consultation.eligible_count,
              "respondents": consultation.responses.count(),
              "early": at < consultation.closes_at},
    )  # fmt: skip
    return consultation_publish(consultation=consultation, actor=actor, at=at)


@transaction.atomic
def consultation_publish(
    *, consultation: Consultation | int, actor=None, at: dt.datetime | None = None
) -> Consultation:
    """Publish a closed consultation's results: the members' pages show them, and after
    the commit ``consultation_published`` tells the disclosure pages (which add them to
    the publication of its meeting once that is published). Publishing again is a no-op."""
    at = at or timezone.now()
    consultation = consultation_lock(consultation)
    if consultation.status == S.PUBLISHED:
        return consultation
    old = CONSULTATION.move(consultation, S.PUBLISHED)
    consultation.published_at = at
    consultation.save(update_fields=["status", "published_at"])
    consultation_event(consultation=consultation, type=T.PUBLISHED, actor=actor, at=at,
                       old_value=old, new_value=consultation.status)  # fmt: skip
    transaction.on_commit(
        lambda: consultation_published.send(sender=Consultation, consultation=consultation)
    )
    return consultation


def consultation_close_if_due(consultation: Consultation) -> Consultation:
    """The pages' check: a consultation found open past its close is closed (and its
    results published) before it is shown, should the hourly job not have run yet."""
    if consultation.status == S.OPEN and consultation.closes_at <= timezone.now():
        return consultation_close(consultation=consultation)
    return consultation


def consultations_close_due(*, at: dt.datetime | None = None) -> int:
    """Close (and publish) every open consultation whose close has come; each in its own
    transaction. Returns how many were closed now; a second run closes none."""
    at = at or timezone.now()
    due = list(
        Consultation.objects.filter(status=S.OPEN, closes_at__lte=at).values_list("pk", flat=True)
    )
    closed = 0
    for pk in due:
        with transaction.atomic():
            consultation = consultation_lock(pk)
            if consultation.status == S.OPEN:
                consultation_close(consultation=consultation, at=at)
                closed += 1
    return closed
