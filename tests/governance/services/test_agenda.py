"""The agenda: items and documents change through services, with an event, until
voting opens; a member proposal's wording stays the proposal's."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.models import AgendaDocument, AgendaItem, MeetingEvent
from governance.services.agenda import (
    agenda_document_add,
    agenda_document_remove,
    agenda_document_update,
    agenda_item_add,
    agenda_item_remove,
    agenda_item_update,
)
from governance.services.meetings import meeting_convene
from governance.services.proposals import proposal_cosign, proposal_draft
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from tests.governance.factories import articles_make, meeting_make, meeting_voting, members_make

pytestmark = pytest.mark.django_db


def _events(meeting, type_):
    return list(
        MeetingEvent.objects.filter(meeting=meeting, type=type_)
        .order_by("id")
        .values_list("old_value", "new_value", "actor_id", "data")
    )


def test_an_item_is_changed_with_an_event_saying_what_changed(articles, secretary):
    meeting = meeting_make()
    item = agenda_item_add(meeting=meeting, title="Annual report", actor=secretary)
    assert _events(meeting, "agenda_item_added") == [
        ("", "Annual report", secretary.pk, {"item": item.pk, "order": 1})
    ]
    item = agenda_item_update(item=item, title="Annual report 2025", description="Read it.",
                              actor=secretary)  # fmt: skip
    assert (item.title, item.description, item.order) == ("Annual report 2025", "Read it.", 1)
    assert AgendaItem.objects.get(pk=item.pk).title == "Annual report 2025"
    assert _events(meeting, "agenda_item_changed") == [
        ("Annual report", "Annual report 2025", secretary.pk,
         {"item": item.pk, "changed": ["title", "description"]}),
    ]  # fmt: skip


def test_the_same_change_twice_records_one_event(articles):
    meeting = meeting_make()
    item = agenda_item_add(meeting=meeting, title="Budget")
    for _ in range(2):
        agenda_item_update(item=item.pk, title="Budget 2026", order=3)
    assert len(_events(meeting, "agenda_item_changed")) == 1
    assert AgendaItem.objects.get(pk=item.pk).order == 3


def test_an_item_without_a_title_or_with_order_zero_is_refused_and_kept(articles):
    meeting = meeting_make()
    item = agenda_item_add(meeting=meeting, title="Budget")
    with pytest.raises(InvalidInput) as refused:
        agenda_item_update(item=item, title="  ")
    assert "title" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        agenda_item_update(item=item, title="Budget", order=0)
    assert "order" in refused.value.fields
    assert AgendaItem.objects.get(pk=item.pk).title == "Budget"
    assert _events(meeting, "agenda_item_changed") == []


def test_the_agenda_is_fixed_once_voting_opens(articles):
    members_make(1)
    meeting = meeting_voting()
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Report")
    document = AgendaDocument.objects.create(item=item, title="Report", body="text")
    attempts = [
        lambda: agenda_item_add(meeting=meeting, title="Late"),
        lambda: agenda_item_update(item=item, title="Rewritten"),
        lambda: agenda_document_add(item=item, title="Late", body="text"),
        lambda: agenda_document_update(document=document, title="Rewritten", body="x"),
        lambda: agenda_document_remove(document=document),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match="fixed once voting opens"):
            attempt()
    item.refresh_from_db()
    document.refresh_from_db()
    assert (item.title, document.title, document.body) == ("Report", "Report", "text")
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_a_member_proposal_keeps_its_title_but_the_board_may_describe_it(articles):
    articles_make(proposal_threshold_number=1)
    author, cosigner = members_make(2)
    proposal = proposal_draft(author=author, title="Lower the fee", text="From 8% to 6%.")
    proposal_cosign(proposal=proposal, member=cosigner)
    meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=30)))
    item = AgendaItem.objects.get(meeting=meeting, proposal=proposal)
    with pytest.raises(NotAllowed) as refused:
        agenda_item_update(item=item, title="Keep the fee")
    assert "title" in refused.value.fields
    item = agenda_item_update(item=item, title=item.title, description="Board: against.")
    assert item.description == "Board: against."
    with pytest.raises(NotAllowed):
        agenda_item_remove(item=item)


def test_removing_an_item_records_its_motions_and_documents(articles, secretary):
    meeting = meeting_make(motions=())
    item = agenda_item_add(meeting=meeting, title="Budget")
    agenda_document_add(item=item, title="Draft budget", url="https://example.org/budget.pdf")
    agenda_item_remove(item=item, actor=secretary)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    ((old, new, actor, data),) = _events(meeting, "agenda_item_removed")
    assert (old, new, actor) == ("Budget", "", secretary.pk)
    assert data == {"item": item.pk, "motions_removed": [], "documents_removed": ["Draft budget"]}


def test_documents_are_added_changed_and_removed_with_events(articles, secretary):
    meeting = meeting_make()
    item = agenda_item_add(meeting=meeting, title="Accounts")
    with pytest.raises(InvalidInput) as refused:
        agenda_document_add(item=item, title="Accounts 2025")
    assert "body" in refused.value.fields  # neither text nor link: nothing to read
    document = agenda_document_add(item=item, title="Accounts 2025", body="Balance sheet",
                                   actor=secretary)  # fmt: skip
    agenda_document_update(document=document, title="Audited accounts 2025",
                           body="Balance sheet", actor=secretary)  # fmt: skip
    agenda_document_update(document=document, title="Audited accounts 2025",
                           body="Balance sheet", actor=secretary)  # fmt: skip
    agenda_document_remove(document=document, actor=secretary)
    types = list(
        MeetingEvent.objects.filter(meeting=meeting, type__startswith="document")
        .order_by("id")
        .values_list("type", "old_value", "new_value")
    )
    assert types == [
        ("document_added", "", "Accounts 2025"),
        ("document_changed", "Accounts 2025", "Audited accounts 2025"),
        ("document_removed", "Audited accounts 2025", ""),
    ]
    assert not AgendaDocument.objects.exists()
