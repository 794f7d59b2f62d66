"""What is due (``selectors.schedule.disclosure_schedule``): each periodic kind's ended
periods with the due date its rule gives, and whether the first version was published
on time (the society's day), late, or not yet (due, or overdue once the day has passed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from disclosure.models import Kind, KindRule
from disclosure.selectors.schedule import disclosure_schedule
from disclosure.services import publication_publish_auto
from mutualsociety.common.models import Society

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=12) -> dt.datetime:
    """A moment in the society's time zone."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))  # noqa: DTZ001


def publish(kind, period, start, end, when, figure="1.00"):
    return publication_publish_auto(
        kind=kind,
        key=f"{kind}:{period}",
        title=f"{period}",
        source="test",
        content={"figure": figure},
        period=period,
        period_start=start,
        period_end=end,
        at=when,
    )[0]


def items_of(kind, today):
    return [
        (item.period, item.due_on, item.state)
        for item in disclosure_schedule(today)
        if item.kind == kind
    ]


def summary_of(period, today):
    return next(
        item
        for item in disclosure_schedule(today)
        if (item.kind, item.period) == (Kind.SOLVENCY_SUMMARY, period)
    )


@pytest.fixture
def summaries():
    """The solvency summary is expected from the third quarter of 2025 (30 days after
    each quarter)."""
    KindRule.objects.filter(kind=Kind.SOLVENCY_SUMMARY).update(
        first_period_start=dt.date(2025, 7, 1)
    )


def test_published_on_the_due_day_is_on_time_and_an_unpublished_past_one_overdue(summaries):
    publish(
        Kind.SOLVENCY_SUMMARY,
        "2025Q3",
        dt.date(2025, 7, 1),
        dt.date(2025, 9, 30),
        at(2025, 10, 30, 23),
    )  # 23:00 in Shanghai: still the due day
    assert items_of(Kind.SOLVENCY_SUMMARY, dt.date(2026, 2, 10)) == [
        ("2025Q4", dt.date(2026, 1, 30), "overdue"),
        ("2025Q3", dt.date(2025, 10, 30), "published"),
    ]
    # on the due day itself it is due, not overdue
    assert items_of(Kind.SOLVENCY_SUMMARY, dt.date(2026, 1, 30))[0] == (
        "2025Q4",
        dt.date(2026, 1, 30),
        "due",
    )


def test_late_is_judged_by_the_first_version_and_links_the_latest(summaries):
    first = publish(
        Kind.SOLVENCY_SUMMARY,
        "2025Q4",
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
        at(2026, 1, 31, 0),
    )
    item = summary_of("2025Q4", dt.date(2026, 2, 10))
    assert (item.state, item.publication) == ("late", first)
    correction = publish(
        Kind.SOLVENCY_SUMMARY,
        "2025Q4",
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
        at(2026, 2, 5),
        figure="2.00",
    )
    assert correction.version == 2
    item = summary_of("2025Q4", dt.date(2026, 2, 10))
    assert (item.state, item.publication) == ("late", correction)


def test_a_quarter_is_listed_once_it_has_ended(summaries):
    assert [p for p, _d, _s in items_of(Kind.SOLVENCY_SUMMARY, dt.date(2026, 3, 31))] == [
        "2025Q4",
        "2025Q3",
    ]
    assert [p for p, _d, _s in items_of(Kind.SOLVENCY_SUMMARY, dt.date(2026, 4, 1))] == [
        "2026Q1",
        "2025Q4",
        "2025Q3",
    ]


def test_years_with_months_after_from_the_societys_founding():
    """The annual report is due four months after the year (the month's last day); with
    no first period of its own, years count from the society's founding."""
    Society.objects.filter(pk=1).update(founded_on=dt.date(2024, 3, 1))
    assert items_of(Kind.ANNUAL_REPORT, dt.date(2026, 2, 10)) == [
        ("2025", dt.date(2026, 4, 30), "due"),
        ("2024", dt.date(2025, 4, 30), "overdue"),
    ]


def test_without_a_start_only_the_last_period_and_those_published_are_listed():
    publish(
        Kind.CLAIMS_STATISTICS, "2025Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31), at(2025, 4, 20)
    )
    periods = [p for p, _d, _s in items_of(Kind.CLAIMS_STATISTICS, dt.date(2025, 11, 3))]
    assert periods == ["2025Q3", "2025Q2", "2025Q1"]
    assert [p for p, _d, _s in items_of(Kind.FINANCIAL_STATEMENTS, dt.date(2025, 11, 3))] == [
        "2025Q3"
    ]


def test_kinds_due_after_an_event_or_never_are_not_in_the_schedule():
    kinds = {item.kind for item in disclosure_schedule(dt.date(2026, 2, 10))}
    assert kinds == {
        Kind.FINANCIAL_STATEMENTS,
        Kind.SOLVENCY_SUMMARY,
        Kind.CLAIMS_STATISTICS,
        Kind.COMPLAINTS_STATISTICS,
        Kind.ANNUAL_REPORT,
    }


def test_the_queries_do_not_grow_with_periods_or_publications(summaries, django_assert_num_queries):
    for quarter, (start, end) in enumerate(
        [(dt.date(2025, 7, 1), dt.date(2025, 9, 30)), (dt.date(2025, 10, 1), dt.date(2025, 12, 31))]
    ):
        publish(Kind.SOLVENCY_SUMMARY, f"2025Q{quarter + 3}", start, end, at(2026, 1, 5))
    Society.objects.filter(pk=1).update(founded_on=dt.date(2020, 1, 1))
    with django_assert_num_queries(3):
        items = disclosure_schedule(dt.date(2026, 2, 10))
    assert len(items) > 40
