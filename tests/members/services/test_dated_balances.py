"""The control accounts agree with the member records at past dates, not only today.

1122 contributions receivable may never go negative at any date: money that arrives
before a due exists is an advance (2203) until the due date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from ledger.models import Posting
from members.services.contributions import premiums_bill
from tests.members.factories import member_make, pay

pytestmark = pytest.mark.django_db


def balance(code: str, as_of: dt.date) -> Decimal:
    """Debit-positive balance of an account at the end of a day."""
    return Posting.objects.filter(account__code=code, date__lte=as_of).aggregate(
        s=Sum("amount", default=Decimal("0"))
    )["s"]


def test_a_transfer_received_before_the_premium_fell_due_is_an_advance_until_then(premium):
    """Received 3 days ago, recorded today, settling today's premium (30.00): until
    yesterday it is an advance; from today it settles the receivable."""
    member = member_make(premium)
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)

    pay(member, "30.00", received_on=today - dt.timedelta(days=3))

    assert balance("1122", yesterday) == Decimal("0.00")
    assert balance("2203", yesterday) == Decimal("-30.00")
    assert balance("1002", yesterday) == Decimal("30.00")
    assert balance("1122", today) == Decimal("0.00")
    assert balance("2203", today) == Decimal("0.00")


def test_an_advance_settles_a_premium_billed_ahead_on_its_due_date(premium):
    """Billing 40 days ahead: the advance settles the next premium on its due date, so
    the receivable is never negative and the advance stays until then."""
    member = member_make(premium)
    today = timezone.localdate()
    pay(member, "90.00")  # 30.00 settles the first premium, 60.00 is an advance

    premiums_bill(today=today, horizon_days=40)

    assert balance("1122", today) == Decimal("0.00")
    assert balance("2203", today) == Decimal("-60.00")
    for days in range(0, 41):
        assert balance("1122", today + dt.timedelta(days=days)) >= 0
