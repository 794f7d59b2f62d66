"""The surplus-distribution benchmark (bench/surplus_distribution.py) at a tiny scale, so
that it cannot rot: its seeding, the run, its checks and the bare statements. No timing
is asserted (PostgreSQL only: the seeding uses COPY)."""

from __future__ import annotations

import pytest
from django.apps import apps

from bench import surplus_distribution
from solvency.models import MemberSurplusShare
from solvency.presets import seed_presets

pytestmark = [pytest.mark.postgres]


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_runs_at_a_tiny_scale(chart_of_accounts):
    seed_presets(apps, None)

    result = surplus_distribution.run(scale=50, log=lambda _msg: None)

    assert result["rows"] == 50 and result["amount"] == surplus_distribution.AMOUNT
    assert result["seconds"] > 0 and result["baseline_seconds"] > 0
    assert MemberSurplusShare.objects.count() == 50
