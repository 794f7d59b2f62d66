"""The members-billing benchmark (bench/members_billing.py) at a tiny scale, so that it
cannot rot: its seeding, the run, its checks and the bare statements. No timing is
asserted (PostgreSQL only: the seeding uses COPY)."""

from __future__ import annotations

import pytest

from bench import members_billing
from members.models import ContributionDue, Payment

pytestmark = [pytest.mark.postgres]


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_runs_at_a_tiny_scale(chart_of_accounts):
    result = members_billing.run(scale=250, log=lambda _msg: None)

    assert result["rows"] == 250
    advances = Payment.objects.filter(idempotency_key__startswith="bench-advance:").count()
    assert advances >= 2  # one member in a hundred
    assert result["settled_from_advance"] == advances
    assert result["seconds"] > 0 and result["baseline_seconds"] > 0
    assert ContributionDue.objects.filter(kind="premium").count() == 250
