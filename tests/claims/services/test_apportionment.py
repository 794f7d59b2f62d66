import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import ApportionmentPeriod, Claim
from claims.services.apportionment import (
    apportionment_preview,
    apportionment_publish,
    apportionment_run,
    apportionments_run_due,
)
from claims.services.notice import notices_clear
from ledger.models import JournalEntry
from members.models import ContributionDue, Coverage
from mutualsociety.common.exceptions import InvalidInput
from tests.claims.factories import claim_approved, covered_member
from tests.members.factories import pay

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def period_setup(aid, handler, approver, chart_of_accounts):
    """Seven members sharing, one still waiting, one on another plan; two cleared claims
    of 600.00 and 400.00 (benefits 1,000.00, fee 80.00, total 1,080.00)."""
    sharing = [covered_member(aid) for _ in range(6)]
    waiting = covered_member(aid, days_ago=10)
    claimant = covered_member(aid)
    sharing.append(claimant)
    claims = [
        claim_approved(claimant, handler, approver, amount="600.00"),
        claim_approved(claimant, handler, approver, amount="400.00", kind="accident"),
    ]
    notices_clear(today=claims[0].notice_until + dt.timedelta(days=1))
    Claim.objects.update(cleared_on=TODAY())
    return sharing, waiting, claims


def shares(plan_id):
    return ContributionDue.objects.filter(kind="share", coverage__plan_id=plan_id)


def test_preview_then_run_shares_to_the_cent(aid, period_setup):
    sharing, waiting, claims = period_setup
    plan = aid.plan
    preview = apportionment_preview(plan=plan, cutoff=TODAY())
    assert (preview.claim_count, preview.benefits_total, preview.fee, preview.total) == (
        2,
        D("1000.00"),
        D("80.00"),
        D("1080.00"),
    )
    assert preview.members_sharing == 7
    assert (preview.share_per_member, preview.extra_cent_members) == (D("154.28"), 4)
    assert preview.shares_total == D("1080.00") and preview.shortfall == D("0.00")
    assert not shares(plan.pk).exists()  # a dry run writes nothing

    period = apportionment_run(plan=plan, cutoff=TODAY())
    dues = shares(plan.pk)
    amounts = sorted(dues.values_list("amount", flat=True))
    assert amounts == [D("154.28")] * 3 + [D("154.29")] * 4
    assert sum(amounts) == D("1080.00")
    # The first four by coverage number pay the extra cent (the recorded place).
    ordered = list(dues.order_by("coverage_id").values_list("amount", flat=True))
    assert ordered[:4] == [D("154.29")] * 4
    assert not dues.filter(member=waiting).exists()
    assert set(dues.values_list("status", "kind", "period_end")) == {("open", "share", TODAY())}
    entry = period.ledger_entry
    lines = sorted(entry.postings.values_list("account__code", "amount"))
    assert lines == [("1122", D("1080.00")), ("6031", D("-1000.00")), ("6051", D("-80.00"))]
    assert set(dues.values_list("ledger_entry_id", flat=True)) == {None}  # on the period
    assert set(Claim.objects.values_list("apportionment_period_id", flat=True)) == {period.pk}


def test_run_is_idempotent(aid, period_setup):
    first = apportionment_run(plan=aid.plan, cutoff=TODAY())
    second = apportionment_run(plan=aid.plan, cutoff=TODAY())
    assert first.pk == second.pk
    assert shares(aid.plan_id).count() == 7
    assert JournalEntry.objects.filter(source_type="claims.apportionment").count() == 1
    assert apportionments_run_due(today=TODAY()) in ([], [first.pk])
    assert shares(aid.plan_id).count() == 7


@pytest.mark.parametrize("chunk_size", [None, 2], ids=["one transaction", "chunks of 2"])
def test_annual_cap_shortfall_met_by_fee_then_surplus(
    aid, period_setup, handler, approver, settings, django_capture_on_commit_callbacks, chunk_size
):
    """Second period: 188.00 cap less 154.28/154.29 already shared leaves 33.72/33.71; the
    unfunded rest is waived fee first, then surplus. The same to the cent when the shares
    are written in chunks of two coverages (the capped count summed over the chunks)."""
    if chunk_size:
        settings.BATCH_CHUNK_SIZE = chunk_size
    sharing, waiting, claims = period_setup
    Claim.objects.update(cleared_on=TODAY() - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        first = apportionment_run(plan=aid.plan, cutoff=TODAY() - dt.timedelta(days=1))
    first.refresh_from_db()
    assert first.shares_total == D("1080.00")
    claim = claim_approved(sharing[0], handler, approver, amount="500.00")
    Claim.objects.filter(pk=claim.pk).update(notice_status="cleared", cleared_on=TODAY())
    preview = apportionment_preview(plan=aid.plan, cutoff=TODAY())
    assert (preview.capped_members, preview.dues, preview.shares_total) == (7, 7, D("236.00"))
    assert (len(preview.chunks) > 1) == bool(chunk_size)  # 7 coverages, 2 ids a chunk
    with django_capture_on_commit_callbacks(execute=True):
        period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    period.refresh_from_db()
    assert period.status == ApportionmentPeriod.Status.BILLED
    assert period.period_start == TODAY()
    assert period.total == D("540.00")  # 500 + 40 fee
    assert period.capped_members == 7
    capped = sorted(
        shares(aid.plan_id)
        .filter(period_start=period.period_start)
        .values_list("amount", flat=True)
    )
    assert capped == [D("33.71")] * 4 + [D("33.72")] * 3
    assert period.shares_total == D("236.00")
    assert period.shortfall == D("304.00")
    assert (period.shortfall_fee_waived, period.shortfall_from_surplus) == (D("40.00"), D("264.00"))
    lines = sorted(period.ledger_entry.postings.values_list("account__code", "amount"))
    assert lines == [("1122", D("236.00")), ("4104", D("264.00")), ("6031", D("-500.00"))]
    # Nobody shares more than the cap in the year.
    for coverage in Coverage.objects.filter(plan=aid.plan):
        total = sum(shares(aid.plan_id).filter(coverage=coverage).values_list("amount", flat=True))
        assert total <= D("188.00")


def test_refusals(aid, premium, period_setup):
    with pytest.raises(InvalidInput):
        apportionment_preview(plan=premium.plan, cutoff=TODAY())
    with pytest.raises(InvalidInput):
        apportionment_run(plan=aid.plan, cutoff=TODAY() + dt.timedelta(days=1))
    apportionment_run(plan=aid.plan, cutoff=TODAY())
    with pytest.raises(InvalidInput):
        apportionment_run(plan=aid.plan, cutoff=TODAY() - dt.timedelta(days=1))
    assert ApportionmentPeriod.objects.count() == 1


def test_publish_once_sends_the_event(aid, period_setup, django_capture_on_commit_callbacks):
    from claims.signals import apportionment_published

    received = []

    def receiver(sender, period, **kwargs):
        received.append(period.pk)

    apportionment_published.connect(receiver)
    try:
        period = apportionment_run(plan=aid.plan, cutoff=TODAY())
        with django_capture_on_commit_callbacks(execute=True):
            apportionment_publish(period=period)
            apportionment_publish(period=period)
    finally:
        apportionment_published.disconnect(receiver)
    assert received == [period.pk]
    period.refresh_from_db()
    assert period.published_at is not None


@pytest.mark.postgres
def test_runs_on_postgresql(aid, period_setup):
    """The same SQL runs on PostgreSQL (CI): the set-based insert and its totals."""
    assert connection.vendor == "postgresql"
    period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    assert period.shares_total == D("1080.00")
    assert sum(shares(aid.plan_id).values_list("amount", flat=True)) == D("1080.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_make_one_period(chart_of_accounts, make_user):
    """Two workers running the same period at once: the plan lock makes one period, one
    entry and one due per member."""
    import threading

    from django.db import connections

    from tests.members.factories import mutual_aid_plan_make

    aid = mutual_aid_plan_make()
    handler = make_user("h", roles=("claims_handler",), is_staff=True)
    approver = make_user("a", roles=("claims_approver",), is_staff=True)
    for _ in range(3):
        covered_member(aid)
    claim = claim_approved(covered_member(aid), handler, approver, amount="100.00")
    Claim.objects.filter(pk=claim.pk).update(notice_status="cleared", cleared_on=TODAY())
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(apportionment_run(plan=aid.plan_id, cutoff=TODAY()).pk)
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
    assert len(set(results)) == 1
    assert ApportionmentPeriod.objects.count() == 1
    assert shares(aid.plan_id).count() == 4
    assert JournalEntry.objects.filter(source_type="claims.apportionment").count() == 1


def test_a_claim_cleared_during_the_run_is_not_linked_uncounted(
    aid, period_setup, handler, approver, monkeypatch
):
    """Review note: the run links exactly the claims it summed. A claim cleared between
    the sum and the link waits for the next period, where it is counted and shared."""
    import claims.services.apportionment as apportionment

    sharing, waiting, claims = period_setup
    late = claim_approved(sharing[0], handler, approver, amount="200.00")
    yesterday = TODAY() - dt.timedelta(days=1)
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(cleared_on=yesterday)
    real_preview = apportionment.apportionment_preview

    def preview_then_clear(**kwargs):
        preview = real_preview(**kwargs)
        Claim.objects.filter(pk=late.pk).update(
            notice_status=Claim.Notice.CLEARED, cleared_on=yesterday
        )
        return preview

    monkeypatch.setattr(apportionment, "apportionment_preview", preview_then_clear)
    period = apportionment_run(plan=aid.plan, cutoff=yesterday)
    assert (period.claim_count, period.benefits_total) == (2, D("1000.00"))
    linked = Claim.objects.filter(apportionment_period=period)
    assert set(linked.values_list("pk", flat=True)) == {c.pk for c in claims}
    late.refresh_from_db()
    assert late.apportionment_period_id is None
    monkeypatch.setattr(apportionment, "apportionment_preview", real_preview)
    later = apportionment_run(plan=aid.plan, cutoff=TODAY())
    assert (later.claim_count, later.benefits_total) == (1, D("200.00"))


def test_a_member_who_paid_ahead_has_the_share_settled_from_that_money(aid, period_setup):
    """Money paid in advance settles the new share at the run, oldest payment first, with
    its own ledger entry (Dr 2203 advance, Cr 1122 receivable); the others stay due."""
    sharing, _waiting, _claims = period_setup
    ahead, partly = sharing[0], sharing[1]
    pay(ahead, "200.00")
    pay(partly, "100.00")
    apportionment_run(plan=aid.plan, cutoff=TODAY())
    dues = shares(aid.plan_id)
    full = dues.get(member=ahead)
    assert (full.status, full.paid_amount) == ("paid", full.amount)
    part = dues.get(member=partly)
    assert (part.status, part.paid_amount) == ("open", D("100.00"))
    assert dues.filter(status="open", paid_amount=0).count() == 5
    settled = JournalEntry.objects.filter(source_type="members.allocation")
    lines = sorted(
        (code, amount)
        for entry in settled
        for code, amount in entry.postings.values_list("account__code", "amount")
    )
    expected = [("2203", full.amount), ("1122", -full.amount)]
    expected += [("2203", D("100.00")), ("1122", D("-100.00"))]
    assert lines == sorted(expected)
    # A rerun settles nothing twice.
    apportionment_run(plan=aid.plan, cutoff=TODAY())
    assert JournalEntry.objects.filter(source_type="members.allocation").count() == 2


def test_publishing_a_period_tells_each_member_who_shares_once(
    aid, period_setup, django_capture_on_commit_callbacks
):
    """Every member with a share of the period finds one notification (set-based), with
    the share per member and a link to their own share and proof; the waiting member and
    a replayed publish tell nobody."""
    from members.models import Notification, Topic

    sharing, waiting, claims = period_setup
    period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    with django_capture_on_commit_callbacks(execute=True):
        apportionment_publish(period=period)
        apportionment_publish(period=period)
    told = Notification.objects.filter(key__startswith=f"claims.apportionment:{period.pk}:")
    assert sorted(told.values_list("member_id", flat=True)) == sorted(m.pk for m in sharing)
    assert set(told.values_list("topic", "link")) == {
        (Topic.APPORTIONMENT, "/claims/apportionment/")
    }
    assert all("154.28" in row.body for row in told)
    assert not Notification.objects.filter(member=waiting, topic=Topic.APPORTIONMENT).exists()
