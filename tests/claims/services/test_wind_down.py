"""A mutual aid plan's wind-down, the claims' side and the whole path to its end: claims
before and after the stop date and the claims window, the final apportionment, the
refunds of advance payments (to the cent, once), the end when the last claim is settled,
and a publication per step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db.models import Sum
from django.utils import timezone

from claims.models import ApportionmentPeriod, Claim
from claims.services.apportionment import apportionment_run
from claims.services.handling import claim_reject
from claims.services.notice import notices_clear
from claims.services.payment import claim_pay
from claims.services.wind_down import (
    wind_down_final_apportionment,
    wind_downs_advance,
)
from claims.tasks import wind_downs_advance as wind_downs_advance_task
from disclosure.models import Kind, Publication
from disclosure.services.sources import wind_down_key, wind_down_step_publish
from ledger.models import JournalEntry, Posting
from members.models import AdvanceRefund, Coverage, Notification, Payment, WindDown
from members.services.enrolment import coverage_apply
from members.services.wind_down import (
    advance_refunds_make,
    advance_refunds_pay,
    plan_wind_down_propose,
    plan_wind_down_start,
)
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from tests.claims.factories import claim_approved, claim_assessed, claim_make, covered_member
from tests.members.factories import answers_for, pay, premium_plan_make

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def board(make_user):
    return make_user("secretary", roles=("board_secretary",), is_staff=True)


@pytest.fixture
def compliance(make_user):
    return make_user("compliance", roles=("compliance_officer",), is_staff=True)


@pytest.fixture
def payer(make_user):
    return make_user("payer", roles=("claims_handler",), is_staff=True)


def start(aid, board, compliance) -> WindDown:
    row = plan_wind_down_propose(
        plan=aid.plan,
        reason="监管要求停止运营。",
        reason_en="The regulator asked the plan to stop.",
        board_resolution_reference="BR-2026-07",
        board_resolved_on=TODAY() - dt.timedelta(days=3),
        board_minutes_reference="minutes/2026-07.pdf",
        actor=board,
    )
    return plan_wind_down_start(wind_down=row, actor=compliance)


def back_date(row: WindDown, days: int) -> WindDown:
    """The wind-down as if it had started ``days`` days ago."""
    WindDown.objects.filter(pk=row.pk).update(stop_date=TODAY() - dt.timedelta(days=days))
    row.refresh_from_db()
    return row


def submit(member, event_date):
    return claim_make(member, event_date=event_date)


# --- Intake ---


def test_a_claim_for_an_event_before_the_stop_is_accepted_in_the_window(aid, board, compliance):
    member = covered_member(aid)
    row = back_date(start(aid, board, compliance), 30)

    claim = submit(member, row.stop_date - dt.timedelta(days=1))

    assert claim.status == Claim.Status.SUBMITTED


def test_an_event_on_or_after_the_stop_date_is_refused_on_the_event_date(aid, board, compliance):
    member = covered_member(aid)
    row = back_date(start(aid, board, compliance), 30)

    for event in (row.stop_date, row.stop_date + dt.timedelta(days=5)):
        with pytest.raises(InvalidInput) as refused:
            submit(member, event)
        assert "event_date" in refused.value.fields
        assert "only events before that day are covered" in refused.value.fields["event_date"][0]
    assert not Claim.objects.exists()


def test_after_the_claims_window_a_claim_is_refused_naming_the_date(aid, board, compliance):
    member = covered_member(aid, days_ago=600)
    row = start(aid, board, compliance)
    row = back_date(row, row.tail_window_days + 1)
    until = row.claims_until
    assert until == TODAY() - dt.timedelta(days=1)

    with pytest.raises(InvalidInput) as refused:
        submit(member, row.stop_date - dt.timedelta(days=10))

    assert "coverage" in refused.value.fields
    assert until.strftime("%Y") in refused.value.message
    assert "were accepted until" in refused.value.message
    assert not Claim.objects.exists()

    # On its last day the window is still open.
    WindDown.objects.filter(pk=row.pk).update(stop_date=row.stop_date + dt.timedelta(days=1))
    assert submit(member, row.stop_date - dt.timedelta(days=10)).pk


def test_a_plan_not_in_wind_down_takes_claims_as_before(aid):
    member = covered_member(aid)
    assert submit(member, TODAY() - dt.timedelta(days=2)).pk


# --- Apportionment ---


def cleared(claim: Claim, on: dt.date | None = None) -> Claim:
    notices_clear(today=claim.notice_until + dt.timedelta(days=1))
    Claim.objects.filter(pk=claim.pk).update(cleared_on=on or TODAY())
    claim.refresh_from_db()
    return claim


def test_regular_periods_go_on_during_the_wind_down(aid, board, compliance, handler, approver):
    members = [covered_member(aid) for _ in range(3)]
    claim = claim_approved(members[0], handler, approver, amount="300.00")
    start(aid, board, compliance)
    cleared(claim)

    period = apportionment_run(plan=aid.plan, cutoff=TODAY())

    assert period.claim_count == 1 and not period.is_final


def test_the_final_apportionment_waits_for_the_claims_window(aid, board, compliance, handler):
    covered_member(aid)
    row = back_date(start(aid, board, compliance), 10)

    with pytest.raises(NotAllowed) as refused:
        wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler)

    assert "claims window is open until" in refused.value.message
    row.refresh_from_db()
    assert row.final_apportionment_on is None


def test_the_final_apportionment_waits_for_every_claim_that_could_be_shared(
    aid, board, compliance, handler, approver
):
    member = covered_member(aid, days_ago=600)
    row = start(aid, board, compliance)
    undecided = claim_assessed(member, handler, amount="100.00")
    back_date(row, row.tail_window_days + 2)

    with pytest.raises(NotAllowed) as refused:
        wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler)
    assert "1 claim(s) of the plan could still be shared" in refused.value.message

    claim_reject(claim=undecided, actor=approver, reasons="Not covered by the plan's terms.")
    Claim.objects.filter(pk=undecided.pk).update(appeal_until=TODAY() - dt.timedelta(days=1))
    assert wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler) is None
    row.refresh_from_db()
    assert row.final_apportionment_on == TODAY()
    assert row.tail_closed_on == row.claims_until + dt.timedelta(days=1)


def test_the_final_apportionment_shares_what_is_left_and_no_period_follows(
    aid, board, compliance, handler, approver
):
    members = [covered_member(aid, days_ago=600) for _ in range(4)]
    row = start(aid, board, compliance)
    claim = claim_approved(members[0], handler, approver, amount="400.00")
    row = back_date(row, row.tail_window_days + 2)
    cleared(claim, TODAY() - dt.timedelta(days=1))

    period = wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler)

    assert period.is_final and period.claim_count == 1
    assert period.total == D("432.00") and period.shares_total == D("432.00")
    row.refresh_from_db()
    assert row.final_apportionment_on == TODAY()
    # Replaying is refused (it was made); the same cut-off is the final period itself.
    with pytest.raises(NotAllowed):
        wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler)
    assert apportionment_run(plan=aid.plan, cutoff=TODAY()) == period
    assert ApportionmentPeriod.objects.filter(plan=aid.plan).count() == 1


def test_no_period_after_the_final_one(aid, board, compliance, handler):
    """The daily job and staff alike: a regular run after the final one is refused (the
    rule is checked before whether there is anything to share)."""
    covered_member(aid, days_ago=600)
    back_date(start(aid, board, compliance), 200)
    final = wind_down_final_apportionment(
        plan=aid.plan, cutoff=TODAY() - dt.timedelta(days=1), actor=handler
    )
    assert final is None  # nothing was left to share: the milestone alone

    with pytest.raises(NotAllowed) as refused:
        apportionment_run(plan=aid.plan, cutoff=TODAY())
    assert "final apportionment" in refused.value.message
    assert not ApportionmentPeriod.objects.filter(plan=aid.plan).exists()


# --- Refunds ---


def refund_setup(aid, board, compliance, handler):
    """Three members of the plan with money in advance, one of them also covered by a
    premium plan (keeps it), one with none; the final apportionment made."""
    first = covered_member(aid, days_ago=600)
    second = covered_member(aid, days_ago=600)
    none = covered_member(aid, days_ago=600)
    both = covered_member(aid, days_ago=600)
    premium = premium_plan_make(code="care2")
    coverage_apply(member=both, plan="care2", answers=answers_for(premium),
                   payment_frequency="monthly", actor=None)  # fmt: skip
    pay(first, "100.00")
    pay(first, "0.01")
    pay(second, "33.33")
    pay(both, "500.00")
    row = back_date(start(aid, board, compliance), 200)
    wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler)
    return row, first, second, none, both


def test_unused_advances_are_refunded_to_the_cent_once(aid, board, compliance, handler, client):
    row, first, second, none, both = refund_setup(aid, board, compliance, handler)
    entries = JournalEntry.objects.count()

    row = advance_refunds_make(wind_down=row, actor=compliance)

    refunds = dict(AdvanceRefund.objects.values_list("member_id", "amount"))
    assert refunds == {first.pk: D("100.01"), second.pk: D("33.33")}
    assert (row.refund_members, row.refund_total) == (2, D("133.34"))
    lines = sorted(row.refund_entry.postings.values_list("account__code", "amount"))
    assert lines == [("2203", D("133.34")), ("2241", D("-133.34"))]
    assert JournalEntry.objects.count() == entries + 1
    # Nothing of theirs is held as an advance any more; the other member keeps theirs.
    assert all(p.unallocated == 0 for p in Payment.objects.filter(member__in=[first, second]))
    assert Payment.objects.get(member=both).unallocated == D("470.00")
    # Told, once each.
    told = Notification.objects.filter(key__startswith=f"members.wind-down-refund:{row.pk}")
    assert set(told.values_list("member_id", flat=True)) == {first.pk, second.pk}

    again = advance_refunds_make(wind_down=row, actor=compliance)

    assert AdvanceRefund.objects.count() == 2
    assert JournalEntry.objects.count() == entries + 1
    assert told.count() == 2
    assert again.refund_total == D("133.34")
    # The member sees it on their statement, and nobody else's.
    client.force_login(first.user)
    html = client.get("/me/statement/").content.decode()
    assert "Advance payments refunded" in html and "100.01" in html and "33.33" not in html


def test_refunds_wait_for_the_final_apportionment(aid, board, compliance):
    member = covered_member(aid)
    pay(member, "10.00")
    row = start(aid, board, compliance)

    with pytest.raises(NotAllowed):
        advance_refunds_make(wind_down=row, actor=compliance)
    assert not AdvanceRefund.objects.exists()


def test_refunds_are_paid_out_once_and_the_ledger_balances(aid, board, compliance, handler):
    row, first, second, _none, _both = refund_setup(aid, board, compliance, handler)
    row = advance_refunds_make(wind_down=row, actor=compliance)

    row = advance_refunds_pay(wind_down=row, paid_on=TODAY(), actor=compliance)
    advance_refunds_pay(wind_down=row, paid_on=TODAY(), actor=compliance)

    lines = sorted(row.refund_paid_entry.postings.values_list("account__code", "amount"))
    assert lines == [("1002", D("-133.34")), ("2241", D("133.34"))]
    assert set(AdvanceRefund.objects.values_list("status", "paid_on")) == {("paid", TODAY())}
    payable = Posting.objects.filter(account__code="2241").aggregate(s=Sum("amount"))["s"]
    assert payable == D("0.00")
    assert Posting.objects.aggregate(s=Sum("amount"))["s"] == D("0.00")
    assert JournalEntry.objects.filter(idempotency_key__startswith="members.wind-down").count() == 2


# --- The end ---


def test_the_plan_ends_only_when_its_last_claim_is_settled(
    aid, board, compliance, handler, approver, payer
):
    members = [covered_member(aid, days_ago=600) for _ in range(3)]
    row = start(aid, board, compliance)
    claim = claim_approved(members[0], handler, approver, amount="200.00",
                           **{"event_date": TODAY() - dt.timedelta(days=5)})  # fmt: skip
    row = back_date(row, row.tail_window_days + 2)
    cleared(claim, TODAY() - dt.timedelta(days=1))
    wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler)
    advance_refunds_make(wind_down=row, actor=compliance)

    # The approved claim is not paid yet: the plan goes on.
    assert wind_downs_advance() == {"tail_closed": [], "ended": []}
    row.refresh_from_db()
    assert row.status == WindDown.Status.STARTED

    claim_pay(claim=claim, actor=payer)
    result = wind_downs_advance_task()

    assert result == {"tail_closed": [], "ended": [row.pk]}
    row.refresh_from_db()
    assert (row.status, row.ended_on) == (WindDown.Status.ENDED, TODAY())
    assert not Coverage.objects.filter(plan=aid.plan, status="in_force").exists()
    # A second run changes nothing.
    assert wind_downs_advance() == {"tail_closed": [], "ended": []}


def test_the_daily_task_closes_the_claims_window_once(aid, board, compliance):
    covered_member(aid)
    row = start(aid, board, compliance)
    row = back_date(row, row.tail_window_days)
    assert wind_downs_advance() == {"tail_closed": [], "ended": []}  # its last day

    back_date(row, row.tail_window_days + 1)
    assert wind_downs_advance() == {"tail_closed": [row.pk], "ended": []}
    assert wind_downs_advance() == {"tail_closed": [], "ended": []}


# --- Publications ---


def test_each_step_is_published_once_as_a_material_event(
    aid, board, compliance, handler, django_capture_on_commit_callbacks
):
    member = covered_member(aid, days_ago=600)
    pay(member, "12.34")
    with django_capture_on_commit_callbacks(execute=True):
        row = start(aid, board, compliance)
    row = back_date(row, row.tail_window_days + 2)
    with django_capture_on_commit_callbacks(execute=True):
        wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler)
        advance_refunds_make(wind_down=row, actor=compliance)
        advance_refunds_pay(wind_down=row, paid_on=TODAY(), actor=compliance)
    with django_capture_on_commit_callbacks(execute=True):
        wind_downs_advance()

    keys = set(
        Publication.objects.published()
        .filter(kind=Kind.MATERIAL_EVENT)
        .values_list("key", flat=True)
    )
    assert keys == {wind_down_key(aid.plan.code, step) for step in WindDown.Step.values}
    refunds = Publication.objects.get(key=wind_down_key(aid.plan.code, "refunds"))
    assert refunds.content["refund_total"] == "12.34"
    assert refunds.content["refund_members"] == 1
    started = Publication.objects.get(key=wind_down_key(aid.plan.code, "started"))
    assert started.content["board_resolution"] == "BR-2026-07"
    assert "BR-2026-07" in started.body_en

    count = Publication.objects.count()
    publication, created = wind_down_step_publish(wind_down=row.pk, step="refunds")
    assert not created and Publication.objects.count() == count
    with pytest.raises(InvalidInput):
        wind_down_step_publish(wind_down=999999, step="started")


def test_a_lost_signal_is_repaired_by_the_daily_catch_up(aid, board, compliance):
    """The signal's task never ran (a crash after the commit): the catch-up publishes the
    step, once."""
    from disclosure.services.sources import disclosure_sync

    covered_member(aid)
    start(aid, board, compliance)  # on_commit callbacks are not run in this test
    key = wind_down_key(aid.plan.code, "started")
    assert not Publication.objects.filter(key=key).exists()

    first = disclosure_sync()
    second = disclosure_sync()

    assert key in first["published"]
    assert key not in second["published"]
    assert Publication.objects.filter(key=key).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_refund_runs_at_once_refund_once(chart_of_accounts, make_user):
    """Two staff members press "refund" together: the wind-down's row lock lets one run
    refund; the other finds it done. One row per member, one entry."""
    import threading

    from django.db import connections

    from tests.members.factories import consent_documents_make, mutual_aid_plan_make

    consent_documents_make()
    aid = mutual_aid_plan_make(code="aid")
    board = make_user("s", roles=("board_secretary",), is_staff=True)
    compliance = make_user("c", roles=("compliance_officer",), is_staff=True)
    handler = make_user("h", roles=("claims_handler",), is_staff=True)
    members = [covered_member(aid, days_ago=600) for _ in range(3)]
    for member in members:
        pay(member, "10.05")
    row = back_date(start(aid, board, compliance), 200)
    wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler)
    barrier = threading.Barrier(2)
    errors = []

    def work():
        try:
            barrier.wait()
            advance_refunds_make(wind_down=row.pk, actor=compliance)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(AdvanceRefund.objects.values_list("amount", flat=True)) == [D("10.05")] * 3
    assert JournalEntry.objects.filter(source_type="members.wind_down").count() == 1
    row.refresh_from_db()
    assert (row.refund_members, row.refund_total) == (3, D("30.15"))


def test_the_admin_page_for_the_final_apportionment_says_why_it_waits(
    aid, board, compliance, handler, client
):
    covered_member(aid)
    row = start(aid, board, compliance)
    client.force_login(handler)
    url = "/admin/claims/apportionmentperiod/final/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"plan": aid.plan_id, "cutoff": TODAY().isoformat()})

    assert response.status_code == 200
    assert "claims window is open until" in response.content.decode()
    row.refresh_from_db()
    assert row.final_apportionment_on is None

    back_date(row, row.tail_window_days + 2)
    response = client.post(url, {"plan": aid.plan_id, "cutoff": TODAY().isoformat()})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.final_apportionment_on == TODAY()


def test_the_refund_run_does_not_grow_with_the_members(board, compliance, handler):
    """Set-based: a plan of 8 members is refunded with the same statements as a plan of 2
    (no query per member; 24 on SQLite)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.members.factories import mutual_aid_plan_make

    counts = []
    for size, code in ((2, "small"), (8, "large")):
        version = mutual_aid_plan_make(code=code)
        for _ in range(size):
            pay(covered_member(version, days_ago=600), "1.01")
        row = back_date(start(version, board, compliance), 200)
        wind_down_final_apportionment(plan=version.plan, cutoff=TODAY(), actor=handler)
        with CaptureQueriesContext(connection) as queries:
            row = advance_refunds_make(wind_down=row, actor=compliance)
        assert row.refund_total == D("1.01") * size
        counts.append(len(queries))

    assert counts[0] == counts[1], counts


def test_a_member_of_two_plans_wound_down_together_is_refunded_once(
    aid, board, compliance, handler
):
    """Cover under a plan that is winding down too does not keep the advance: the first
    plan's refund takes it (else neither plan would refund it), the second finds none."""
    from members.services.underwriting import coverage_open
    from tests.members.factories import mutual_aid_plan_make

    other = mutual_aid_plan_make(code="aid2")
    member = covered_member(aid, days_ago=600)
    coverage_open(
        member=member, version=other, start=TODAY() - dt.timedelta(days=600), frequency=""
    )
    pay(member, "50.00")
    row = back_date(start(aid, board, compliance), 200)
    start(other, board, compliance)
    wind_down_final_apportionment(plan=aid.plan, cutoff=TODAY(), actor=handler)

    row = advance_refunds_make(wind_down=row, actor=compliance)

    assert dict(AdvanceRefund.objects.values_list("member_id", "amount")) == {member.pk: D("50.00")}
    assert Payment.objects.get(member=member).unallocated == D("0.00")
