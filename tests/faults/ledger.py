"""What every fault test asserts at its end: the ledger is as sound as before the fault.

A fault (a worker killed, Redis gone, PostgreSQL restarted) may cost a request or delay a
job, never money: the trial balance is zero and the ledger integrity check passes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def assert_ledger_sound() -> None:
    """The trial balance is zero and the integrity check over the whole ledger passes.

    The integrity check keeps one result per day; a test that checks more than once gets
    a fresh check on the day after the last one kept (the totals cover the whole ledger
    whatever the day).
    """
    from ledger.models import IntegrityCheck
    from ledger.selectors.statements import trial_balance
    from ledger.services.integrity import integrity_check_run

    balance = trial_balance()
    assert balance.difference == 0, (
        f"trial balance off by {balance.difference}: debits {balance.total_debits}, "
        f"credits {balance.total_credits}"
    )
    last = IntegrityCheck.objects.order_by("-checked_on").values_list("checked_on", flat=True)
    day = timezone.localdate()
    if last and last[0] >= day:
        day = last[0] + dt.timedelta(days=1)
    check = integrity_check_run(on=day)
    assert check.ok, f"ledger integrity check failed: {check.reason}"
