"""The "What is due" page: each periodic kind's periods with their due date and state,
a link to the publication, to the draft in the making or to draft it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.due import period_of
from disclosure.models import Kind, KindRule
from disclosure.services import publication_draft, publication_publish_auto
from mutualsociety.common import periods

pytestmark = pytest.mark.django_db
URL = reverse("admin:disclosure_schedule")


def moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def quarters():
    """The solvency summary expected from three quarters before the last that ended:
    the first published the day after it ended (on time), the second a day after its
    due date (late), the third not published (due or overdue, by today's date)."""
    today = timezone.localdate()
    last = periods.period_index(today, "quarter") - 1
    first, second, third = (period_of(last - n, "quarter") for n in (2, 1, 0))
    rule = KindRule.objects.get(kind=Kind.SOLVENCY_SUMMARY)
    rule.first_period_start = first.start
    rule.save()
    made = {}
    for period, when in ((first, first.end + dt.timedelta(days=1)),
                         (second, rule.due_on(second.end) + dt.timedelta(days=1))):  # fmt: skip
        made[period.label] = publication_publish_auto(
            kind=Kind.SOLVENCY_SUMMARY,
            key=f"solvency_summary:{period.label}",
            title=period.label,
            source="test",
            content={"ratio": "1.50"},
            period=period.label,
            period_start=period.start,
            period_end=period.end,
            at=moment(when),
        )[0]
    third_state = "Due" if today <= rule.due_on(third.end) else "Overdue"
    return first, second, third, third_state, made


def rows_of(response, kind=Kind.SOLVENCY_SUMMARY):
    return {row["item"].period: row for row in response.context["rows"] if row["item"].kind == kind}


def test_the_states_and_links_of_each_period(client, compliance, quarters):
    first, second, third, third_state, made = quarters
    client.force_login(compliance)
    response = client.get(URL)
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows) == [third.label, second.label, first.label]
    assert str(rows[first.label]["state_label"]) == "Published on time"
    assert str(rows[second.label]["state_label"]) == "Published late"
    assert str(rows[third.label]["state_label"]) == third_state
    change = reverse("admin:disclosure_publication_change", args=[made[first.label].pk])
    assert rows[first.label]["link"] == change
    assert rows[third.label]["link_label"] == "Draft it"
    assert rows[third.label]["link"].startswith(reverse("admin:disclosure_publication_add"))
    assert f"period={third.label}" in rows[third.label]["link"]
    text = response.content.decode()
    assert "Published late" in text and change in text

    # the "draft it" link opens the add form filled with the kind and the period
    add = client.get(rows[third.label]["link"])
    form = add.context["adminform"].form
    assert (form["kind"].value(), form["period"].value()) == (Kind.SOLVENCY_SUMMARY, third.label)


def test_a_draft_in_the_making_is_linked_instead(client, compliance, quarters):
    _first, _second, third, _state, _made = quarters
    draft = publication_draft(
        kind=Kind.SOLVENCY_SUMMARY,
        title="草稿",
        actor=compliance,
        period=third.label,
        period_start=third.start,
        period_end=third.end,
    )
    client.force_login(compliance)
    row = rows_of(client.get(URL))[third.label]
    assert row["link"] == reverse("admin:disclosure_publication_change", args=[draft.pk])
    assert row["link_label"] == "Draft in the making (Draft)"


def test_the_page_filters_by_state_and_answers_a_bad_state(client, compliance, quarters):
    _first, second, _third, _state, _made = quarters
    client.force_login(compliance)
    late = client.get(URL, {"state": "late"})
    assert [row["item"].period for row in late.context["rows"]] == [second.label]
    bad = client.get(URL, {"state": "<script>"})
    assert bad.status_code == 200
    assert "State: one of overdue, due, late, published" in bad.content.decode()
    assert "<script>" not in bad.content.decode()


def test_the_page_needs_the_view_permission(client, make_user):
    client.force_login(make_user("clerk", is_staff=True))
    assert client.get(URL).status_code == 403
