"""Manual entries and reversals retried at once through the API (PostgreSQL): one effect,
one 201, and 200 with the same body for every replay (issue 9)."""

from __future__ import annotations

import pytest

from ledger.models import JournalEntry
from tests.helpers import post_at_once
from tests.ledger.factories import CASH, CONTRIBUTIONS, JAN_15, manual

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chart_of_accounts"),
]

THREADS = 20


def _one_201_and_identical_replays(responses) -> dict:
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (THREADS - 1) + [201], [r.content for r in responses]
    assert len({r.content for r in responses}) == 1
    return responses[0].json()


def test_twenty_identical_reversals_answer_201_once(finance_user):
    original = manual("banked", CASH, CONTRIBUTIONS, "100.00", actor=finance_user)

    responses = post_at_once(
        finance_user,
        f"/api/v1/ledger/entries/{original.pk}/reverse/",
        {"date": JAN_15.isoformat()},
        threads=THREADS,
    )

    body = _one_201_and_identical_replays(responses)
    reversal = JournalEntry.objects.get(reverses=original)
    assert body["id"] == reversal.pk


def test_twenty_identical_manual_entries_answer_201_once(finance_user):
    body = {
        "idempotency_key": "deposit-7",
        "date": JAN_15.isoformat(),
        "memo": "Contributions banked",
        "lines": [
            {"account": CASH, "debit": "100.00"},
            {"account": CONTRIBUTIONS, "credit": "100.00"},
        ],
    }

    responses = post_at_once(finance_user, "/api/v1/ledger/entries/", body, threads=THREADS)

    answer = _one_201_and_identical_replays(responses)
    entry = JournalEntry.objects.get(idempotency_key="manual:deposit-7")
    assert answer["id"] == entry.pk
