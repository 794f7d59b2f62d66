import datetime as dt

import pytest
from django.utils import timezone

from claims.models import ApportionmentPeriod, Claim
from claims.tasks import apportion, close_notices_and_panels
from members.models import ContributionDue
from tests.claims.factories import claim_approved, covered_member

pytestmark = pytest.mark.django_db


def test_apportion_task_twice_changes_nothing(aid, handler, approver, chart_of_accounts):
    for _ in range(3):
        covered_member(aid)
    claim = claim_approved(covered_member(aid), handler, approver, amount="300.00")
    Claim.objects.filter(pk=claim.pk).update(notice_until=dt.date(2020, 1, 1))
    today = timezone.localdate()
    aid.apportionment_days = str(today.day)
    aid.save(update_fields=["apportionment_days"])
    apportion.delay(today.isoformat())
    apportion.delay(today.isoformat())
    assert ApportionmentPeriod.objects.count() == 1
    assert ContributionDue.objects.filter(kind="share").count() == 4
    period = ApportionmentPeriod.objects.get()
    assert period.total == period.shares_total == claim.assessed_amount + period.fee


def test_close_notices_task_idempotent(aid, handler, approver):
    claim = claim_approved(covered_member(aid), handler, approver, amount="300.00")
    Claim.objects.filter(pk=claim.pk).update(notice_until=dt.date(2020, 1, 1))
    assert close_notices_and_panels.delay().get() == {"cleared": 1, "panels": 0}
    assert close_notices_and_panels.delay().get() == {"cleared": 0, "panels": 0}
