"""Deadlines come from the settings row: the acknowledgement in working days (weekends
and the calendar's holidays skipped, a weekend day worked counted), the outcome in
calendar days."""

from __future__ import annotations

import datetime as dt

import pytest

from support.calendar import working_days_after
from support.models import CalendarDay, ComplaintSettings
from support.services import complaint_deadlines

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2026, 9, 25)


def test_the_defaults_are_two_working_days_and_fifteen_days():
    row = ComplaintSettings.objects.get(pk=1)
    assert (row.acknowledge_working_days, row.resolve_days, row.extension_days) == (2, 15, 15)
    assert row.escalation_days == 30


def test_a_complaint_received_on_friday_is_acknowledged_by_tuesday():
    assert complaint_deadlines(FRIDAY) == (dt.date(2026, 9, 29), dt.date(2026, 10, 10))


def test_holidays_are_skipped_and_a_weekend_day_worked_counts():
    """National Day week: 1-7 October off, Saturday 10 October worked instead."""
    for day in range(1, 8):
        CalendarDay.objects.create(day=dt.date(2026, 10, day), name="国庆节")
    CalendarDay.objects.create(day=dt.date(2026, 10, 10), is_working_day=True, name="调休")

    # Wednesday 30 September + 2 working days: Thursday 8, Friday 9 October.
    assert working_days_after(dt.date(2026, 9, 30), 2) == dt.date(2026, 10, 9)
    # + 3: the Saturday worked instead.
    assert working_days_after(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)


def test_changed_settings_give_new_complaints_new_deadlines():
    ComplaintSettings.objects.filter(pk=1).update(acknowledge_working_days=5, resolve_days=30)

    assert complaint_deadlines(FRIDAY) == (dt.date(2026, 10, 2), dt.date(2026, 10, 25))


def test_zero_working_days_is_the_next_working_day_from_the_day_itself():
    saturday = dt.date(2026, 9, 26)
    assert working_days_after(saturday, 0) == dt.date(2026, 9, 28)
    assert working_days_after(FRIDAY, 0) == FRIDAY
