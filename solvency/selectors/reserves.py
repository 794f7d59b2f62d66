"""Reserve runs and their totals, as the assessment counts them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from mutualsociety.common.money import ZERO

# --- Reserves --------------------------------------------------------------------------
# >>> STAND-IN (issue 11, capital branch): the reserves engineer writes the real
# ``reserve_run_latest_approved`` and ``reserve_totals`` in parallel. The lead DROPS this
# block when merging their branch; the assessment service reads only these two names and
# the attributes ``upr``, ``outstanding`` and ``ibnr`` of the totals
# (``services.evaluation.reserve_figures``).


@dataclass(frozen=True)
class ReserveTotals:
    """The reserves of an approved run: unearned premiums, outstanding claims, IBNR."""

    upr: Decimal = ZERO
    outstanding: Decimal = ZERO
    ibnr: Decimal = ZERO


def reserve_run_latest_approved(as_of: dt.date):
    """STAND-IN: no reserve run exists yet on this branch."""
    return None


def reserve_totals(run) -> ReserveTotals:
    """STAND-IN: zeros when there is no run."""
    return ReserveTotals()


# <<< END OF STAND-IN
