"""Compliance's decision on a material-event draft of solvency: publish it as a
MATERIAL_EVENT or discard it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from solvency.models import MaterialEventDraft
from solvency.selectors import material_event_drafts
from solvency.services import material_event_draft_close

from ...models import Kind, Publication
from ..publications import APPROVE_PERMISSION, _require, publication_publish_auto


def _draft_locked(draft: MaterialEventDraft | int) -> MaterialEventDraft:
    pk = draft.pk if isinstance(draft, MaterialEventDraft) else draft
    found = material_event_drafts().select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("There is no material-event draft %(id)s.") % {"id": pk})
    return found


def material_event_key(draft: MaterialEventDraft) -> str:
    return f"material_event:solvency-alert-{draft.source_alert_id}"


def material_event_publish(*, draft: MaterialEventDraft | int, actor) -> Publication:
    """Compliance publishes a material event the solvency alerts drafted (重大事项): a
    MATERIAL_EVENT publication with the draft's texts and figures, approved by ``actor``
    (the platform drafted it: the approver is the second pair of eyes), and the draft
    closed as published (``material_event_draft_close``). Needs
    ``disclosure.approve_publication`` (and solvency's right to decide the draft).
    Publishing it again returns the publication; a discarded draft is refused."""
    _require(actor, APPROVE_PERMISSION, _("Only compliance publishes material events."))
    with transaction.atomic():
        row = _draft_locked(draft)
        key = material_event_key(row)
        if row.status == MaterialEventDraft.Status.PUBLISHED:
            published = Publication.objects.published().filter(key=key).order_by("-version").first()
            if published is not None:
                return published
        if row.status == MaterialEventDraft.Status.DISCARDED:
            raise NotAllowed(_("This material event was discarded; it is not published."))
        alert = row.source_alert
        day = timezone.localdate(row.created_at)
        publication, _created = publication_publish_auto(
            kind=Kind.MATERIAL_EVENT,
            key=key,
            title=row.title,
            title_en=row.title_en,
            body=row.body,
            body_en=row.body_en,
            content={**row.data, "draft_kind": row.kind},
            source=f"solvency.materialeventdraft:{row.pk}",
            period=alert.valuation_date.isoformat(),
            event_day=day,
            approver=actor,
        )
        material_event_draft_close(
            draft=row, status=MaterialEventDraft.Status.PUBLISHED, actor=actor
        )
    return publication


def material_event_discard(
    *, draft: MaterialEventDraft | int, actor, reason: str
) -> MaterialEventDraft:
    """Compliance decides a material-event draft is not disclosed, saying why (kept in
    the alert's history). Needs ``disclosure.approve_publication``; a published draft is
    refused; discarding again is a no-op."""
    _require(actor, APPROVE_PERMISSION, _("Only compliance decides on material events."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the material event is not published."), field="reason")
    with transaction.atomic():
        row = _draft_locked(draft)
        return material_event_draft_close(
            draft=row, status=MaterialEventDraft.Status.DISCARDED, actor=actor, reason=reason
        )
