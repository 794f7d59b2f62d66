"""A surplus distribution on PostgreSQL: the same SQL, and two runs started together
have one effect (the distribution row's lock, the shares' unique key per member)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.apps import apps
from django.db.models import Sum
from django.utils import timezone

from governance.models import Matter
from ledger.models import JournalEntry
from ledger.selectors import trial_balance
from members.models import Payment
from solvency.models import MemberSurplusShare, SurplusDistribution
from solvency.presets import seed_presets
from solvency.services import (
    distribution_adopt,
    distribution_compute,
    distribution_propose,
    distribution_run,
)
from tests.helpers import run_at_once
from tests.solvency.ladder_world import approved, ledger, resolution
from tests.solvency.services.test_distribution import members

pytestmark = [pytest.mark.postgres]


@pytest.mark.django_db(transaction=True)
def test_two_runs_started_together_credit_each_member_once(chart_of_accounts, make_user):
    seed_presets(apps, None)
    actuary = make_user("act", roles=("actuary",), is_staff=True)
    compliance = make_user("cco", roles=("compliance_officer",), is_staff=True)
    secretary = make_user("sec", roles=("board_secretary",), is_staff=True)
    finance = make_user("fin", roles=("finance",), is_staff=True)
    ledger()
    approved(actuary, compliance, minimum="1000000.00", core="1200000.00")
    members(["30.00", "10.00", "20.00"], [100, 200, 300])
    today = timezone.localdate()
    d = distribution_compute(
        year=today.year, as_of=today, basis="mix", contributions_weight="0.6",
        amount="1000.01", actor=actuary,
    )  # fmt: skip
    d = distribution_propose(distribution=d, actor=secretary)
    d = distribution_adopt(
        distribution=d, resolution=resolution(matter=Matter.SURPLUS), actor=finance
    )

    results, errors = run_at_once(
        lambda _n: distribution_run(distribution=d.pk, actor=finance).pk, 4
    )

    assert errors == [] and set(results) == {d.pk}
    assert SurplusDistribution.objects.get(pk=d.pk).status == "run"
    assert MemberSurplusShare.objects.count() == 3
    assert MemberSurplusShare.objects.aggregate(t=Sum("amount"))["t"] == D("1000.01")
    assert Payment.objects.filter(provider="surplus").count() == 3
    assert JournalEntry.objects.filter(source_type="solvency.surplus_distribution").count() == 1
    assert trial_balance().difference == 0
