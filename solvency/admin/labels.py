"""Names the staff pages give to what the services store as codes."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from ..selectors import quarter_of

#: How the capital lines derived by ``services.capital`` are named on the page.
CAPITAL_LABELS = {
    "initial_operating_fund": _("Initial operating fund"),
    "fund_not_in_register": _("Initial operating fund not in the register"),
    "surplus": _("Surplus"),
    "result_of_the_year": _("Result of the year"),
    "earlier_results": _("Earlier results not yet appropriated"),
}


def period_label(origin: str, grain: str) -> str:
    """An origin period (stored as its first day, ``2025-07-01``) as a reserving actuary
    names it: ``2025-07`` by month, ``2025Q3`` by quarter, ``2025`` by year. Anything
    else is shown as stored."""
    try:
        day = dt.date.fromisoformat(origin)
    except ValueError:
        return origin
    if grain == "quarter":
        return quarter_of(day)
    if grain == "year":
        return str(day.year)
    return f"{day.year}-{day.month:02d}"
