"""The partitioning benchmark (bench/partitioning.py) at a tiny scale, so that it cannot
rot: its seeding, the partitioned copies (same indexes, constraints, foreign keys), the
renaming of each variant under the real name, every step, and the cleanup. No timing is
asserted (PostgreSQL only: COPY and declarative partitioning)."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import partitioning
from members.models import ContributionDue, MemberEvent

pytestmark = [pytest.mark.postgres]

STEPS = {"insert", "vacuum", "history_ms", "archive"}


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_runs_at_a_tiny_scale():
    result = partitioning.run(scale=480, log=lambda _msg: None)

    # 20 members: 23 loaded months and the 24th inserted by the step, on both variants.
    assert result["members"] == 20
    assert result["rows"]["members_contributiondue"] == 20 * 24
    assert result["rows"]["members_contributiondue_part"] == 20 * 24
    assert result["rows"]["members_memberevent"] == result["rows"]["members_memberevent_part"]
    for table, extra in (("dues", {"grace", "period_sum", "unearned"}), ("events", set())):
        assert set(result[table]["plain"]) == STEPS | extra
        assert set(result[table]["partitioned"]) >= STEPS | extra
    assert result["seconds"] > 0 and result["baseline_seconds"] > 0
    # The real tables are the plain ones again, the copies gone; the rolled-back
    # DELETE / DETACH changed nothing.
    assert ContributionDue.objects.count() == 20 * 24
    assert MemberEvent.objects.count() == result["rows"]["members_memberevent"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relkind FROM pg_class WHERE relname LIKE 'members_%%_part' "
            "OR relname IN ('members_contributiondue', 'members_memberevent')"
        )
        assert sorted(cursor.fetchall()) == [
            ("members_contributiondue", "r"),
            ("members_memberevent", "r"),
        ]
