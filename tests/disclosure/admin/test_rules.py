"""The due-date rules are data compliance edits in the admin, each with the next due
date it gives; none is added or deleted there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from disclosure.due import next_due, periods_between
from disclosure.models import Kind, KindRule

pytestmark = pytest.mark.django_db


def rule(**fields) -> KindRule:
    defaults = {"kind": Kind.SOLVENCY_SUMMARY, "basis": "quarter", "months_after": 0,
                "days_after": 30}  # fmt: skip
    return KindRule(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "today", "period", "due"),
    [
        # 30 days after the quarter: the quarter that ended last is still due
        ({}, dt.date(2026, 4, 10), "2026Q1", dt.date(2026, 4, 30)),
        ({}, dt.date(2026, 4, 30), "2026Q1", dt.date(2026, 4, 30)),  # due today
        ({}, dt.date(2026, 5, 1), "2026Q2", dt.date(2026, 7, 30)),
        # on the quarter's last day, the quarter itself (the one before was due in October)
        ({}, dt.date(2026, 12, 31), "2026Q4", dt.date(2027, 1, 30)),
        # across the year: the fourth quarter is due in January
        ({}, dt.date(2027, 1, 15), "2026Q4", dt.date(2027, 1, 30)),
        # the annual report: four months after the year, at the month's end
        (
            {"basis": "year", "months_after": 4, "days_after": 0},
            dt.date(2027, 3, 1),
            "2026",
            dt.date(2027, 4, 30),
        ),  # fmt: skip
        (
            {"basis": "year", "months_after": 4, "days_after": 0},
            dt.date(2027, 5, 1),
            "2027",
            dt.date(2028, 4, 30),
        ),  # fmt: skip
        # not before the rule's first period
        (
            {"first_period_start": dt.date(2027, 1, 1)},
            dt.date(2026, 5, 1),
            "2027Q1",
            dt.date(2027, 4, 30),
        ),  # fmt: skip
    ],
)
def test_the_next_due_date(fields, today, period, due):
    found = next_due(rule(**fields), today)
    assert found is not None
    assert (found[0].label, found[1]) == (period, due)


def test_kinds_due_after_an_event_or_never_have_no_next_date():
    assert next_due(rule(basis="event"), dt.date(2026, 5, 1)) is None
    assert next_due(rule(basis="standing"), dt.date(2026, 5, 1)) is None


def test_periods_run_across_the_year():
    found = list(periods_between("quarter", dt.date(2025, 11, 15), dt.date(2026, 6, 30)))
    assert [(p.label, p.start, p.end) for p in found] == [
        ("2025Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("2026Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    ]
    years = list(periods_between("year", dt.date(2024, 6, 1), dt.date(2026, 6, 30)))
    assert [p.label for p in years] == ["2024", "2025"]


def test_compliance_edits_a_rule_and_sees_its_next_due_date(client, compliance):
    target = KindRule.objects.get(kind=Kind.ANNUAL_REPORT)
    url = reverse("admin:disclosure_kindrule_change", args=[target.pk])
    client.force_login(compliance)
    page = client.get(url)
    assert page.status_code == 200
    assert "kind" not in page.context["adminform"].form.fields  # one rule per kind
    response = client.post(
        url,
        {
            "basis": "year",
            "months_after": "5",
            "days_after": "0",
            "needs_approval": "",
            "automatic": "on",
            "first_period_start": "",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.months_after, target.needs_approval) == (5, False)
    listing = client.get(reverse("admin:disclosure_kindrule_changelist"))
    assert "(for " in listing.content.decode()  # the next due date and its period
    bad = client.post(
        url, {"basis": "year", "months_after": "-1", "days_after": "x", "automatic": "on"}
    )
    assert bad.status_code == 200
    errors = bad.context["adminform"].form.errors
    assert set(errors) == {"months_after", "days_after"}
    assert client.get(reverse("admin:disclosure_kindrule_add")).status_code == 403
    delete = reverse("admin:disclosure_kindrule_delete", args=[target.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
