"""The members-grace benchmark (bench/members_grace.py) at a tiny scale, so that it
cannot rot: its seeding, the job, its checks and the bare statements. No timing is
asserted (PostgreSQL only: the seeding uses COPY)."""

from __future__ import annotations

import pytest

from bench import members_grace
from members.models import Member

pytestmark = [pytest.mark.postgres]


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_benchmark_runs_at_a_tiny_scale(chart_of_accounts):
    result = members_grace.run(scale=40, log=lambda _msg: None)

    # Ids 1..40: the odd ones left their premium open; id 1 was suspended and lapses.
    assert (result["suspended"], result["lapsed"]) == (19, 1)
    assert result["seconds"] > 0 and result["baseline_seconds"] > 0
    assert Member.objects.filter(status=Member.Status.SUSPENDED).count() == 19
    assert Member.objects.filter(status=Member.Status.LAPSED).count() == 1
