"""The next apportionment day the solvency liquidity view reads (no database)."""

import datetime as dt

from claims.services.apportionment import next_cutoff
from members.models import PlanVersion


def test_the_next_cutoff_is_the_next_apportionment_day():
    version = PlanVersion(apportionment_days="14,28")
    assert next_cutoff(version, dt.date(2026, 12, 14)) == dt.date(2026, 12, 14)
    assert next_cutoff(version, dt.date(2026, 12, 15)) == dt.date(2026, 12, 28)
    assert next_cutoff(version, dt.date(2026, 12, 29)) == dt.date(2027, 1, 14)
    # a day the month lacks is passed over
    assert next_cutoff(PlanVersion(apportionment_days="31"), dt.date(2027, 2, 1)) == dt.date(
        2027, 3, 31
    )
    # no day named: the end of the month
    assert next_cutoff(PlanVersion(apportionment_days=""), dt.date(2027, 2, 3)) == dt.date(
        2027, 2, 28
    )
