"""notices_clear under contention (PostgreSQL): an objection that lands between the daily
clearing's read and its update keeps the claim under review (issue 9)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction

from claims.models import Claim, ClaimEvent
from claims.services.notice import claim_object, notices_clear
from tests.claims.factories import claim_approved, covered_member

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chart_of_accounts"),
]

REASON = "The diagnosis date looks earlier than the cover."


def wait_until_a_backend_waits_for_a_lock(timeout: float = 10.0) -> None:
    """Block until another connection of this database waits on a lock (pg_stat_activity)."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("notices_clear never waited for the objection's lock")


def test_an_objection_reaching_the_threshold_while_notices_clear_runs_is_kept(
    aid, handler, approver
):
    """The objection that reaches the threshold holds the claim's row; notices_clear,
    started meanwhile, waits for it and then sees the claim under review: it clears
    nothing, and the claim keeps its panel."""
    members = [covered_member(aid) for _ in range(6)]
    claim = claim_approved(covered_member(aid), handler, approver, amount="30000.00")
    claim_object(claim=claim, member=members[0], reason=REASON)  # one short of two
    after_notice = claim.notice_until + dt.timedelta(days=1)

    objected = threading.Event()
    release = threading.Event()
    outcome: dict = {}

    def object_and_hold():
        try:
            with transaction.atomic():
                claim_object(claim=claim.pk, member=members[1], reason=REASON)
                objected.set()
                release.wait(timeout=20)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            outcome["objection_error"] = exc
            objected.set()
        finally:
            connection.close()

    def clear():
        try:
            outcome["cleared"] = notices_clear(today=after_notice)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            outcome["clear_error"] = exc
        finally:
            connection.close()

    objector = threading.Thread(target=object_and_hold)
    objector.start()
    assert objected.wait(timeout=20)
    clearer = threading.Thread(target=clear)
    clearer.start()
    try:
        wait_until_a_backend_waits_for_a_lock()
    finally:
        release.set()
        objector.join(timeout=30)
        clearer.join(timeout=30)
    assert not objector.is_alive() and not clearer.is_alive(), "a thread hung"

    assert "objection_error" not in outcome and "clear_error" not in outcome, outcome
    claim.refresh_from_db()
    assert claim.notice_status == Claim.Notice.UNDER_REVIEW
    assert claim.cleared_on is None
    assert claim.panels.count() == 1
    assert outcome["cleared"] == 0
    assert not ClaimEvent.objects.filter(claim=claim, type="cleared").exists()


def test_notices_clear_still_clears_an_ended_notice_nobody_objected_to(aid, handler, approver):
    claim = claim_approved(covered_member(aid), handler, approver, amount="30000.00")

    assert notices_clear(today=claim.notice_until + dt.timedelta(days=1)) == 1
    assert notices_clear(today=claim.notice_until + dt.timedelta(days=1)) == 0

    claim.refresh_from_db()
    assert claim.notice_status == Claim.Notice.CLEARED
    assert ClaimEvent.objects.filter(claim=claim, type="cleared").count() == 1
