"""Quarters as the publications name them, and the small helpers every block of figures
shares (a label in both languages, a moment's local day, the heading of a report).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from mutualsociety.common.periods import period_end, period_index, period_start
from mutualsociety.common.selectors import society_get


def quarter_label(day: dt.date) -> str:
    """The quarter ``day`` falls in, as publications name it: ``2026Q3``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the quarter ``day`` falls in."""
    index = period_index(day, "quarter")
    return period_start(index, "quarter"), period_end(index, "quarter")


def is_quarter_end(day: dt.date) -> bool:
    return quarter_bounds(day)[1] == day


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh, "en": en or zh}


def _common(start: dt.date, end: dt.date, generated_on: dt.date) -> dict[str, Any]:
    society = society_get()
    return {
        "schema": 1,
        "society": {"name": society.name, "name_en": society.name_en},
        "currency": settings.SOCIETY_CURRENCY,
        "period": {"start": start, "end": end},
        "generated_on": generated_on,
    }
