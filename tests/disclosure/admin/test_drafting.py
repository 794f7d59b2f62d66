"""Compliance drafts and edits publications on the admin's form; the form checks the
shape, the services the rules, and every refusal comes back on the form's field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from disclosure.models import Kind, Publication
from tests.disclosure.admin.factories import change_url, draft, management_data, published

pytestmark = pytest.mark.django_db
ADD = reverse("admin:disclosure_publication_add")


def form_data(**changes):
    data = {
        "kind": Kind.RELATED_PARTY,
        "period": "2026Q1",
        "period_start": "",
        "period_end": "",
        "key": "",
        "title": "关联交易公告",
        "title_en": "Related-party transaction",
        "body": "与某公司签订服务合同。",
        "body_en": "",
        "content": '{"amount": "120000.00"}',
    }
    data.update(changes)
    return data


def errors_of(response, field: str) -> list[str]:
    return [str(e) for e in response.context["adminform"].form.errors.get(field, [])]


def test_compliance_drafts_through_the_service(client, compliance):
    """The add form makes a draft through publication_draft: the key from the kind and
    the period, the period's days from the period, the due date from the kind's rule,
    and a "drafted" event by the author."""
    client.force_login(compliance)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, form_data())
    publication = Publication.objects.get()
    assert response.status_code == 302
    assert (publication.key, publication.version, publication.status) == (
        "related_party:2026Q1",
        1,
        "draft",
    )
    assert (publication.period_start, publication.period_end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    assert publication.due_on == dt.date(2026, 4, 15)
    assert publication.content == {"amount": "120000.00"}
    assert publication.drafted_by == compliance
    assert list(publication.events.values_list("type", "actor")) == [("drafted", compliance.pk)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"period": "2026Q5"}, "period", "Write the period as 2026Q1"),
        ({"period": "2026-02-30"}, "period", "Write the period as 2026Q1"),
        ({"content": "[1, 2]"}, "content", "Figures are a JSON object"),
        ({"content": "{not json"}, "content", "Enter a valid JSON."),
        ({"content": "[" * 200 + "]" * 200}, "content", "levels deep"),
        # no year 0 (a 500 before: the form computed its days), nor full-width digits
        ({"period": "0000Q1"}, "period", "Write the period as 2026Q1"),
        ({"period": "0000"}, "period", "Write the period as 2026Q1"),
        ({"period": "２０２６Q1"}, "period", "Write the period as 2026Q1"),
        # JSON that Python reads and PostgreSQL's jsonb refuses (a 500 on save before)
        ({"content": '{"a": NaN}'}, "content", "Enter a valid JSON."),
        ({"content": '{"a": -Infinity}'}, "content", "Enter a valid JSON."),
        ({"content": '{"a": 1e999}'}, "content", "Enter a valid JSON."),
        ({"kind": "horoscope"}, "kind", "Select a valid choice."),
        (
            {"period": "", "period_start": "2026-03-31", "period_end": "2026-01-01"},
            "period_end",
            "cannot end before it starts",
        ),
        ({"period_start": "31/31/2026"}, "period_start", "Enter a valid date."),
    ],
)
def test_bad_input_answers_the_form_with_the_fields_error(
    client, compliance, changes, field, message
):
    client.force_login(compliance)
    response = client.post(ADD, form_data(**changes))
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response, field)), errors_of(response, field)
    assert not Publication.objects.exists()


def test_a_rule_the_service_refuses_shows_on_the_field_with_the_input_kept(client, compliance):
    """Drafting a document that exists is refused by publication_draft: the form comes
    back with the service's message on the period, and what was typed."""
    draft(compliance)
    client.force_login(compliance)
    response = client.post(ADD, form_data(title="第二次"))
    assert response.status_code == 200
    assert any("already exists" in e for e in errors_of(response, "period"))
    assert 'value="第二次"' in response.content.decode()
    assert Publication.objects.count() == 1


def test_a_draft_is_edited_through_the_service(client, compliance, compliance2):
    """Another person of compliance edits the draft: publication_edit records which
    fields changed; the document's key, kind and period are not edited."""
    publication = draft(compliance)
    client.force_login(compliance2)
    page = client.get(change_url(publication))
    assert page.status_code == 200
    fields = page.context["adminform"].form.fields
    assert "title" in fields and "kind" not in fields and "key" not in fields
    response = client.post(
        change_url(publication),
        {
            **management_data(page),
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "title": "关联交易公告（更正）",
            "title_en": "Related-party transaction",
            "body": "与某公司签订服务合同。",
            "body_en": "A service contract.",
            "content": '{"amount": "120000.00"}',
        },
    )
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "关联交易公告（更正）"
    assert publication.body_en == "A service contract."
    edited = publication.events.get(type="edited")
    assert edited.actor == compliance2
    assert edited.data == {"fields": ["body_en", "title"]}


def test_an_edit_the_service_refuses_comes_back_on_the_field(client, compliance):
    publication = draft(compliance)
    client.force_login(compliance)
    page = client.get(change_url(publication))
    response = client.post(
        change_url(publication),
        {
            **management_data(page),
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "title": "   ",
            "title_en": "",
            "body": "",
            "body_en": "",
            "content": "{}",
        },
    )
    assert response.status_code == 200
    assert errors_of(response, "title")
    publication.refresh_from_db()
    assert publication.title == "关联交易公告"
    assert not publication.events.filter(type="edited").exists()


def test_a_published_version_is_read_only(client, compliance, compliance2):
    """No field of a published version can be changed, and no one deletes one."""
    publication = published(compliance, compliance2)
    client.force_login(compliance)
    page = client.get(change_url(publication))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields  # every field is read-only
    assert 'name="_save"' not in page.content.decode()
    response = client.post(
        change_url(publication), {"title": "changed", "period_start": "2026-01-01"}
    )
    assert response.status_code == 403
    publication.refresh_from_db()
    assert publication.title == "关联交易公告"
    delete = reverse("admin:disclosure_publication_delete", args=[publication.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Publication.objects.filter(pk=publication.pk).exists()


def test_the_list_shows_the_late_and_withdrawn_flags_and_searches(client, compliance, compliance2):
    on_time = published(
        compliance,
        compliance2,
        period="2099Q1",  # due long after today
        title="准时",
        period_start=dt.date(2099, 1, 1),
        period_end=dt.date(2099, 3, 31),
    )
    late = draft(
        compliance,
        period="2024Q1",
        title="迟到",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 3, 31),
    )
    client.force_login(compliance)
    listing = client.get(reverse("admin:disclosure_publication_changelist"))
    assert listing.status_code == 200
    rows = {p.pk: p for p in listing.context["cl"].result_list}
    admin = listing.context["cl"].model_admin
    assert admin.late(rows[late.pk]) is True  # a draft past its due date
    assert admin.late(rows[on_time.pk]) is False
    assert admin.withdrawn(rows[on_time.pk]) is False
    found = client.get(reverse("admin:disclosure_publication_changelist"), {"q": "迟到"})
    assert [p.pk for p in found.context["cl"].result_list] == [late.pk]
    by_status = client.get(
        reverse("admin:disclosure_publication_changelist"), {"status__exact": "published"}
    )
    assert [p.pk for p in by_status.context["cl"].result_list] == [on_time.pk]


def test_the_last_quarter_of_the_calendar_has_its_days():
    from disclosure.admin.forms import period_dates

    assert period_dates("9999Q4") == (dt.date(9999, 10, 1), dt.date(9999, 12, 31))
    assert period_dates("2024Q1") == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
