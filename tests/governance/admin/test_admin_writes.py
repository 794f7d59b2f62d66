"""The secretary's admin writes through the services: editing an agenda item, its
documents and the seats of a body record events and keep the rules (issue 10: these
inlines used to write straight to the database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import (
    AgendaDocument,
    AgendaItem,
    Body,
    Mandate,
    MandateEvent,
    Meeting,
    MeetingEvent,
)
from governance.services.agenda import agenda_item_add
from governance.services.mandates import mandate_add
from tests.governance.factories import body_get, meeting_make, meeting_voting, members_make

pytestmark = pytest.mark.django_db


def _form_data(response) -> dict:
    """The POST data of an admin change form as rendered: its fields and every inline
    formset (management form and each row's fields)."""

    def value_of(form, name, field):
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        return getattr(value, "pk", value)

    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = value_of(form, name, field)
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = (
                local.date().isoformat(),
                local.strftime("%H:%M:%S"),
            )
        elif value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for row in formset.forms:
            for name, field in row.fields.items():
                value = row.instance.pk if name == "id" else value_of(row, name, field)
                if value is not None:
                    data[f"{row.prefix}-{name}"] = value
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_editing_an_agenda_item_records_an_event_naming_the_secretary(client, articles,
                                                                     secretary):  # fmt: skip
    meeting = meeting_make()
    item = agenda_item_add(meeting=meeting, title="Annual report")
    client.force_login(secretary)
    url = reverse("admin:governance_agendaitem_change", args=[item.pk])
    data = _form_data(client.get(url))
    data["title"] = "Annual report 2025"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AgendaItem.objects.get(pk=item.pk).title == "Annual report 2025"
    event = MeetingEvent.objects.get(meeting=meeting, type="agenda_item_changed")
    assert (event.old_value, event.new_value, event.actor) == (
        "Annual report", "Annual report 2025", secretary)  # fmt: skip


def test_once_voting_opens_the_agenda_item_page_changes_nothing(client, articles, secretary):
    members_make(1)
    meeting = meeting_voting()
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Report")
    client.force_login(secretary)
    url = reverse("admin:governance_agendaitem_change", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "title" not in page.context["adminform"].form.fields  # read-only
    assert not page.context["inline_admin_formsets"][0].formset.forms  # no document to add
    data = _form_data(page)
    data["title"] = "Rewritten"
    client.post(url, data)
    assert AgendaItem.objects.get(pk=item.pk).title == "Report"
    assert not MeetingEvent.objects.filter(meeting=meeting, type="agenda_item_changed").exists()


def test_a_document_added_on_the_item_page_goes_through_the_service(client, articles,
                                                                  secretary):  # fmt: skip
    meeting = meeting_make()
    item = agenda_item_add(meeting=meeting, title="Accounts")
    client.force_login(secretary)
    url = reverse("admin:governance_agendaitem_change", args=[item.pk])
    data = _form_data(client.get(url))
    prefix = "documents"
    data.update({f"{prefix}-TOTAL_FORMS": 1, f"{prefix}-0-title": "Accounts 2025",
                 f"{prefix}-0-body": "", f"{prefix}-0-url": "",
                 f"{prefix}-0-item": item.pk})  # fmt: skip
    response = client.post(url, data, follow=True)
    assert any("text or a link" in m for m in _messages(response)), _messages(response)
    assert not AgendaDocument.objects.exists()
    data[f"{prefix}-0-url"] = "https://example.org/accounts.pdf"
    assert client.post(url, data).status_code == 302
    document = AgendaDocument.objects.get(item=item)
    event = MeetingEvent.objects.get(meeting=meeting, type="document_added")
    assert (event.new_value, event.actor, event.data["document"]) == (
        "Accounts 2025", secretary, document.pk)  # fmt: skip


def _board(seats=2) -> Body:
    board = body_get(Body.Kind.BOARD)
    board.seats = seats
    board.save()
    return board


def test_a_seat_added_on_the_body_page_goes_through_the_service(client, articles, secretary):
    first, second, third = members_make(3)
    board = _board(seats=2)
    mandate_add(
        body=board, member=first, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2030, 1, 1)
    )
    client.force_login(secretary)
    url = reverse("admin:governance_body_change", args=[board.pk])
    data = _form_data(client.get(url))
    row = "mandates-1"
    data.update({"mandates-TOTAL_FORMS": 2, f"{row}-member": second.pk, f"{row}-role": "member",
                 f"{row}-region": "", f"{row}-starts_on": "2026-02-01",
                 f"{row}-ends_on": "2030-02-01", f"{row}-body": board.pk})  # fmt: skip
    assert client.post(url, data).status_code == 302
    mandate = Mandate.objects.get(body=board, member=second)
    event = MandateEvent.objects.get(mandate=mandate)
    assert (event.type, event.new_value, event.actor) == ("added", "2026-02-01/2030-02-01",
                                                          secretary)  # fmt: skip
    # A third seat on a two-seat board is refused with a message; nothing is saved.
    data = _form_data(client.get(url))
    row = "mandates-2"
    data.update({"mandates-TOTAL_FORMS": 3, f"{row}-member": third.pk, f"{row}-role": "member",
                 f"{row}-region": "", f"{row}-starts_on": "2026-03-01",
                 f"{row}-ends_on": "2030-03-01", f"{row}-body": board.pk})  # fmt: skip
    response = client.post(url, data, follow=True)
    assert any("seats" in m for m in _messages(response)), _messages(response)
    assert not Mandate.objects.filter(member=third).exists()
    assert MandateEvent.objects.count() == 2


def test_a_seat_cannot_be_deleted_and_is_ended_with_the_reason(client, articles, secretary):
    (member,) = members_make(1)
    today = timezone.localdate()
    mandate = mandate_add(body=_board(), member=member, starts_on=today - dt.timedelta(days=30),
                          ends_on=today + dt.timedelta(days=365))  # fmt: skip
    client.force_login(secretary)
    assert client.post(reverse("admin:governance_mandate_delete", args=[mandate.pk]),
                       {"post": "yes"}).status_code == 403  # fmt: skip
    changelist = reverse("admin:governance_mandate_changelist")
    action = {"action": "end_early", "_selected_action": [mandate.pk]}
    page = client.post(changelist, action)
    assert page.status_code == 200 and "reason" in page.context["form"].fields
    response = client.post(changelist, {**action, "apply": "1", "reason": "Resigned"},
                           follow=True)  # fmt: skip
    assert any("1 seat(s) ended." in m for m in _messages(response)), _messages(response)
    assert Mandate.objects.get(pk=mandate.pk).ends_on == today
    event = MandateEvent.objects.filter(mandate=mandate).latest()
    assert (event.type, event.reason, event.actor) == ("ended", "Resigned", secretary)


def test_a_meeting_whose_voting_closes_before_it_opens_says_so_in_words(
    client, articles, secretary
):
    """The database's rule reaches the form as a sentence, not as "Constraint
    meeting_window_ordered is violated"; nothing is saved."""
    client.force_login(secretary)
    body = body_get()
    opens = timezone.localtime() + dt.timedelta(days=40)
    closes = opens - dt.timedelta(days=1)

    response = client.post(
        reverse("admin:governance_meeting_add"),
        {
            "body": body.pk,
            "kind": "extraordinary",
            "title": "Backwards",
            "location": "",
            "voting_opens_at_0": opens.date().isoformat(),
            "voting_opens_at_1": "09:00:00",
            "voting_closes_at_0": closes.date().isoformat(),
            "voting_closes_at_1": "09:00:00",
            "motions-TOTAL_FORMS": 0,
            "motions-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert list(errors) == ["Voting must close after it opens."]
    assert "meeting_window_ordered" not in response.content.decode()
    assert not Meeting.objects.filter(title="Backwards").exists()
