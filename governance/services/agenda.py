"""The agenda of a meeting: items and their documents; member proposals put on it.

Every change is made on the locked meeting row, only until voting opens (the notice
announced the agenda; members vote on what they could read), and appends its
``MeetingEvent``. A special matter is put to a special resolution under the articles
(Pilot Measures: two thirds for amending the articles, merger, division, dissolution,
change of legal form, repayment of the initial operating fund, distribution of surplus).
Below ``meetings`` (convening puts the queued member proposals on the agenda here);
above ``motions``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput, NotAllowed, NotFound

from ..events import meeting_event
from ..models import (
    AgendaDocument,
    AgendaItem,
    Articles,
    Meeting,
    MeetingEvent,
    Motion,
    Proposal,
)
from ..transitions import BEFORE_VOTING, PROPOSAL
from .locking import meeting_lock
from .motions import motion_kind_for

S = Meeting.Status


def _agenda_open_check(meeting: Meeting) -> None:
    if meeting.status not in BEFORE_VOTING:
        raise NotAllowed(_("The agenda is fixed once voting opens."))


def _title_check(title: str, message: str) -> str:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(message, field="title")
    return title


def _item_of(meeting: Meeting, item: AgendaItem) -> AgendaItem:
    """The item, read again under the meeting's lock."""
    found = AgendaItem.objects.filter(pk=item.pk, meeting=meeting).first()
    if found is None:
        raise NotFound(_("There is no agenda item #%(id)s.") % {"id": item.pk})
    return found


# --- Items -------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, title: str, description: str = "", actor=None
) -> AgendaItem:
    """Add an item at the end of the agenda, until voting opens."""
    meeting = meeting_lock(meeting)
    _agenda_open_check(meeting)
    title = _title_check(title, _("Give the agenda item a title."))
    order = (meeting.agenda.aggregate(m=Max("order"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, order=order, title=title, description=description
    )
    meeting_event(meeting=meeting, type=MeetingEvent.Type.AGENDA_ITEM_ADDED, actor=actor,
                  new_value=title, data={"item": item.pk, "order": order})  # fmt: skip
    return item


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem | int,
    title: str,
    description: str = "",
    order: int | None = None,
    actor=None,
) -> AgendaItem:
    """Change an agenda item's title, description or place, until voting opens (as items
    are added until then; the secretary's admin form calls this).

    A member proposal's item keeps its title: it is the proposal's, which the board
    cannot reword (Pilot Measures: members' right to put motions to the assembly).
    Recorded as an ``agenda_item_changed`` event with the title before and after and the
    fields changed; a call that changes nothing records nothing."""
    pk = item.pk if isinstance(item, AgendaItem) else item
    meeting_id = AgendaItem.objects.filter(pk=pk).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        raise NotFound(_("There is no agenda item #%(id)s.") % {"id": pk})
    meeting = meeting_lock(meeting_id)
    item = AgendaItem.objects.select_for_update().get(pk=pk)
    _agenda_open_check(meeting)
    title = _title_check(title, _("Give the agenda item a title."))
    description = (description or "").strip()
    if item.proposal_id is not None and title != item.title:
        raise NotAllowed(
            _("This item is a member proposal: its title is the proposal's and cannot change."),
            field="title",
        )
    if order is not None and order < 1:
        raise InvalidInput(_("The order is a number from 1."), field="order")
    new = {
        "title": title,
        "description": description,
        "order": item.order if order is None else order,
    }
    changed = [name for name, value in new.items() if getattr(item, name) != value]
    if not changed:
        return item
    old_title = item.title
    for name in changed:
        setattr(item, name, new[name])
    item.save(update_fields=changed)
    meeting_event(meeting=meeting, type=MeetingEvent.Type.AGENDA_ITEM_CHANGED, actor=actor,
                  old_value=old_title, new_value=item.title,
                  data={"item": item.pk, "changed": changed})  # fmt: skip
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor=None) -> None:
    """Remove an agenda item before convening. A member proposal that reached its
    threshold cannot be dropped by the board (articles; Pilot Measures: members' right
    to put motions to the assembly)."""
    meeting = meeting_lock(item.meeting_id)
    item = _item_of(meeting, item)
    if item.proposal_id is not None:
        raise NotAllowed(
            _(
                "This item is a member proposal that reached its co-signatures; "
                "it cannot be dropped."
            )
        )
    if meeting.status != S.DRAFTED:
        raise NotAllowed(_("The agenda of a convened meeting cannot lose items."))
    numbers = sorted(item.motions.values_list("number", flat=True))
    documents = list(item.documents.values_list("title", flat=True))
    meeting_event(meeting=meeting, type=MeetingEvent.Type.AGENDA_ITEM_REMOVED, actor=actor,
                  old_value=item.title,
                  data={"item": item.pk, "motions_removed": numbers,
                        "documents_removed": documents})  # fmt: skip
    if numbers:
        item.motions.all().delete()
    item.delete()


# --- Documents of an agenda item ---------------------------------------------------------


def _document_fields(title: str, body: str, url: str) -> dict[str, str]:
    title = _title_check(title, _("Give the document a title."))
    body, url = (body or "").strip(), (url or "").strip()
    if not body and not url:
        raise InvalidInput(_("Give the document's text or a link to it."), field="body")
    return {"title": title, "body": body, "url": url}


@transaction.atomic
def agenda_document_add(
    *, item: AgendaItem, title: str, body: str = "", url: str = "", actor=None
) -> AgendaDocument:
    """Attach a document (its text, or a link to where it is published) to an agenda
    item, until voting opens: members read it before they vote."""
    meeting = meeting_lock(item.meeting_id)
    item = _item_of(meeting, item)
    _agenda_open_check(meeting)
    document = AgendaDocument.objects.create(item=item, **_document_fields(title, body, url))
    meeting_event(meeting=meeting, type=MeetingEvent.Type.DOCUMENT_ADDED, actor=actor,
                  new_value=document.title,
                  data={"item": item.pk, "document": document.pk})  # fmt: skip
    return document


def _document_locked(document: AgendaDocument) -> tuple[Meeting, AgendaDocument]:
    """Lock a document's meeting, then the document (the meeting first, as every agenda
    change does), and check the agenda is still open."""
    meeting_id = (
        AgendaDocument.objects.filter(pk=document.pk)
        .values_list("item__meeting_id", flat=True)
        .first()
    )
    if meeting_id is None:
        raise NotFound(_("There is no such document."))
    meeting = meeting_lock(meeting_id)
    document = AgendaDocument.objects.select_for_update().get(pk=document.pk)
    _agenda_open_check(meeting)
    return meeting, document


@transaction.atomic
def agenda_document_update(
    *, document: AgendaDocument, title: str, body: str = "", url: str = "", actor=None
) -> AgendaDocument:
    """Change a document until voting opens (members vote on what they could read).
    A call that changes nothing records nothing."""
    meeting, document = _document_locked(document)
    new = _document_fields(title, body, url)
    changed = [name for name, value in new.items() if getattr(document, name) != value]
    if not changed:
        return document
    old_title = document.title
    for name in changed:
        setattr(document, name, new[name])
    document.save(update_fields=changed)
    meeting_event(meeting=meeting, type=MeetingEvent.Type.DOCUMENT_CHANGED, actor=actor,
                  old_value=old_title, new_value=document.title,
                  data={"item": document.item_id, "document": document.pk,
                        "changed": changed})  # fmt: skip
    return document


@transaction.atomic
def agenda_document_remove(*, document: AgendaDocument, actor=None) -> None:
    """Remove a document until voting opens."""
    meeting, document = _document_locked(document)
    meeting_event(meeting=meeting, type=MeetingEvent.Type.DOCUMENT_REMOVED, actor=actor,
                  old_value=document.title,
                  data={"item": document.item_id, "document": document.pk})  # fmt: skip
    document.delete()


# --- Convening: the agenda settles under the articles ----------------------------------


def proposals_to_agenda(meeting: Meeting, *, actor, articles: Articles) -> list[Proposal]:
    """Every queued member proposal goes on an assembly's agenda, as an item with its
    motion (the board cannot drop it). Called by ``meeting_convene`` on the locked
    meeting; returns the proposals put on it."""
    placed = []
    for proposal in Proposal.objects.select_for_update().filter(status=Proposal.Status.QUEUED):
        order = (meeting.agenda.aggregate(m=Max("order"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            title=proposal.title,
            description=_("Member proposal with %(n)s co-signatures.")
            % {"n": proposal.signatures.count()},
            proposal=proposal,
        )
        number = (meeting.motions.aggregate(m=Max("number"))["m"] or 0) + 1
        Motion.objects.create(
            meeting=meeting,
            item=item,
            number=number,
            title=proposal.title,
            text=proposal.text,
            matter=proposal.matter,
            kind=motion_kind_for(proposal.matter, articles),
        )
        PROPOSAL.move(proposal, Proposal.Status.ON_AGENDA)
        proposal.save(update_fields=["status"])
        meeting_event(
            meeting=meeting,
            type=MeetingEvent.Type.PROPOSAL,
            actor=actor,
            old_value=Proposal.Status.QUEUED,
            new_value=proposal.status,
            data={"proposal": proposal.pk, "motion_number": number},
        )
        placed.append(proposal)
    return placed
