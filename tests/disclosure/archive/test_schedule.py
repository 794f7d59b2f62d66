"""What is due: the quarterly and yearly kinds' periods with their due dates and states."""

import datetime as dt

import pytest

from disclosure.models import Kind, KindRule
from disclosure.selectors.schedule import State, disclosure_overdue, disclosure_schedule
from mutualsociety.common.selectors import society_get
from tests.disclosure.archive.factories import at, solvency

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def founded(db):
    society = society_get()
    society.founded_on = D(2025, 11, 15)
    society.save(update_fields=["founded_on"])
    return society


def _of(items, kind):
    return {item.period: item for item in items if item.kind == kind}


def test_quarters_run_from_the_founding_quarter_to_the_last_ended_one(founded):
    """Founded mid-quarter: that quarter is owed; the current quarter is not (it has not
    ended); a quarter ending on the eve of today is."""
    items = _of(disclosure_schedule(D(2026, 7, 1)), Kind.SOLVENCY_SUMMARY)
    assert list(items) == ["2025Q4", "2026Q1", "2026Q2"]
    q4 = items["2025Q4"]
    assert (q4.period_start, q4.period_end) == (D(2025, 10, 1), D(2025, 12, 31))
    # 30 days after the quarter's end (rule: quarter, 0 months, 30 days)
    assert q4.due_on == D(2026, 1, 30)
    assert items["2026Q1"].due_on == D(2026, 4, 30)
    assert items["2026Q2"].due_on == D(2026, 7, 30)
    # on the quarter's last day, that quarter is not owed yet
    assert "2026Q2" not in _of(disclosure_schedule(D(2026, 6, 30)), Kind.SOLVENCY_SUMMARY)


def test_due_until_the_due_date_then_overdue(founded):
    on_due_day = _of(disclosure_schedule(D(2026, 4, 30)), Kind.SOLVENCY_SUMMARY)
    assert on_due_day["2026Q1"].state == State.DUE
    assert on_due_day["2025Q4"].state == State.OVERDUE
    day_after = _of(disclosure_schedule(D(2026, 5, 1)), Kind.SOLVENCY_SUMMARY)
    assert day_after["2026Q1"].state == State.OVERDUE


def test_published_on_time_and_late(founded):
    """Published on its due date: on time; the day after: late. The item names the
    publication."""
    on_time = solvency(2026, 1, when=at(2026, 4, 30, 23))
    solvency(2025, 4, when=at(2026, 2, 2))
    items = _of(disclosure_schedule(D(2026, 7, 1)), Kind.SOLVENCY_SUMMARY)
    assert items["2026Q1"].state == State.PUBLISHED
    assert items["2026Q1"].publication_id == on_time.pk
    assert items["2025Q4"].state == State.LATE
    assert items["2026Q2"].state == State.DUE


def test_a_correction_does_not_make_an_on_time_period_late(founded):
    """The first publication decides: a correction months later leaves it on time."""
    first = solvency(2026, 1, when=at(2026, 4, 20))
    solvency(2026, 1, ratio="190.00", when=at(2026, 9, 1))
    item = _of(disclosure_schedule(D(2026, 10, 1)), Kind.SOLVENCY_SUMMARY)["2026Q1"]
    assert item.state == State.PUBLISHED and item.publication_id == first.pk


def test_years_and_a_rule_with_months_after(founded):
    """The annual report: 4 months after the year's end (31 Dec → 30 Apr)."""
    items = _of(disclosure_schedule(D(2027, 5, 1)), Kind.ANNUAL_REPORT)
    assert list(items) == ["2025", "2026"]
    assert items["2025"].period_end == D(2025, 12, 31)
    assert items["2025"].due_on == D(2026, 4, 30)
    assert items["2026"].due_on == D(2027, 4, 30)
    assert items["2026"].state == State.OVERDUE
    # on 31 December the year has not ended
    assert "2026" not in _of(disclosure_schedule(D(2026, 12, 31)), Kind.ANNUAL_REPORT)


def test_months_after_from_a_quarter_end_keeps_the_month_end(founded):
    """A rule of 1 month and 5 days after the quarter: 30 June → 31 July + 5 days."""
    KindRule.objects.filter(kind=Kind.CLAIMS_STATISTICS).update(months_after=1, days_after=5)
    items = _of(disclosure_schedule(D(2026, 8, 1)), Kind.CLAIMS_STATISTICS)
    assert items["2026Q2"].due_on == D(2026, 8, 5)
    assert items["2026Q1"].due_on == D(2026, 5, 5)


def test_a_rules_first_period_overrides_the_founding(founded):
    KindRule.objects.filter(kind=Kind.SOLVENCY_SUMMARY).update(first_period_start=D(2026, 4, 1))
    items = _of(disclosure_schedule(D(2026, 10, 1)), Kind.SOLVENCY_SUMMARY)
    assert list(items) == ["2026Q2", "2026Q3"]


def test_without_a_start_nothing_is_owed(db):
    """Neither a founding date nor a first period: the start is not known."""
    assert society_get().founded_on is None
    assert disclosure_schedule(D(2026, 10, 1)) == []


def test_event_and_standing_kinds_are_not_on_the_calendar(founded):
    kinds = {item.kind for item in disclosure_schedule(D(2027, 6, 1))}
    assert Kind.RELATED_PARTY not in kinds and Kind.ARTICLES not in kinds
    assert {Kind.SOLVENCY_SUMMARY, Kind.ANNUAL_REPORT} <= kinds


def test_a_withdrawn_version_leaves_the_period_owed(founded, compliance2):
    from disclosure.services import publication_withdraw

    publication = solvency(2026, 1, when=at(2026, 4, 20))
    publication_withdraw(publication=publication, actor=compliance2, reason="Wrong regime.")
    item = _of(disclosure_schedule(D(2026, 7, 1)), Kind.SOLVENCY_SUMMARY)["2026Q1"]
    assert item.state == State.OVERDUE


def test_overdue_lists_only_overdue_items_oldest_first(founded):
    solvency(2026, 1, when=at(2026, 4, 20))
    overdue = disclosure_overdue(D(2026, 7, 1))
    assert all(item.state == State.OVERDUE for item in overdue)
    assert [(i.kind, i.period) for i in overdue][:1] == [(Kind.CLAIMS_STATISTICS, "2025Q4")]
    assert (Kind.SOLVENCY_SUMMARY, "2026Q1") not in {(i.kind, i.period) for i in overdue}


def test_one_query_for_the_publications_whatever_the_number_of_periods(
    founded, django_assert_num_queries
):
    """The rules, the society, the published rows: three queries for 1 or 20 years."""
    with django_assert_num_queries(3):
        short = disclosure_schedule(D(2026, 7, 1))
    founded.founded_on = D(2006, 1, 1)
    founded.save(update_fields=["founded_on"])
    with django_assert_num_queries(3):
        long = disclosure_schedule(D(2026, 7, 1))
    assert len(long) > 10 * len(short) > 0
