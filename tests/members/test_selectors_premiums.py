"""``members.selectors.premiums_billed``: the premium volume solvency reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from members.models import ContributionDue
from members.selectors import premiums_billed
from tests.members.factories import member_make, mutual_aid_plan_make

pytestmark = pytest.mark.django_db


def test_premiums_billed_in_the_window_cancelled_and_shares_left_out(django_assert_num_queries):
    member_make()
    member_make()
    member_make(mutual_aid_plan_make())
    dues = list(ContributionDue.objects.filter(kind="premium").order_by("id"))
    assert len(dues) == 2
    day = dues[0].period_start
    ContributionDue.objects.filter(pk=dues[1].pk).update(status="cancelled")

    with django_assert_num_queries(1):
        total = premiums_billed(start=day - dt.timedelta(days=364), end=day)
    assert total == dues[0].amount > Decimal("0")
    assert premiums_billed(start=day + dt.timedelta(days=1), end=day + dt.timedelta(days=365)) == 0
