"""Distributing surplus: the distributable amount to the cent, each basis with exact
amounts and the remainder cents, the preview, the refusals (an alert, solvency, no
adopted special resolution), the second run, the ledger and the members' credits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db.models import QuerySet, Sum
from django.utils import timezone

from governance.models import Matter, Motion
from ledger.models import JournalEntry
from ledger.selectors import account_balance, trial_balance
from members.models import ContributionDue, Member, Payment
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed
from solvency.models import MemberSurplusShare, SolvencyAlert, SurplusDistribution
from solvency.services import (
    distribution_adopt,
    distribution_compute,
    distribution_preview,
    distribution_propose,
    distribution_publish,
    distribution_run,
)
from solvency.signals import surplus_distributed
from tests.members.factories import member_make, pay
from tests.solvency.factories import CASH, CONTRIBUTIONS, OPERATING, post, tranche
from tests.solvency.ladder_world import approved, ledger, resolution

pytestmark = pytest.mark.django_db
S = SurplusDistribution.Status


@pytest.fixture
def finance(make_user):
    return make_user("fin", roles=("finance",), is_staff=True)


@pytest.fixture
def director(make_user):
    return make_user("secretary", roles=("board_secretary",), is_staff=True)


@pytest.fixture
def world(actuary, compliance):
    """Surplus 50,000, no loan of the fund owed; an approved assessment with room for
    200,000 of core capital; an adopted assembly resolution on the surplus."""
    ledger()
    assessment = approved(actuary, compliance, minimum="1000000.00", core="1200000.00")
    return {"motion": resolution(matter=Matter.SURPLUS), "assessment": assessment}


def alert(world, kind: str) -> SolvencyAlert:
    return SolvencyAlert.objects.create(
        assessment=world["assessment"],
        key=f"{kind}:comprehensive",
        kind=kind,
        origin="monitoring",
        measure="comprehensive",
        ladder_status="early_warning" if kind == "early_warning" else "below_threshold",
        valuation_date=dt.date(2025, 12, 31),
    )


def members(contributions: list[str], days: list[int]) -> list[Member]:
    """Members (in id order) who paid these amounts on their premium due this year and
    joined these many days before today; a 0 contribution pays nothing."""
    today = timezone.localdate()
    out = []
    for paid, since in zip(contributions, days, strict=True):
        m = member_make()
        if D(paid):
            pay(m, paid)
        QuerySet.update(Member.objects.filter(pk=m.pk), joined_on=today - dt.timedelta(days=since))
        out.append(m)
    return out


def adopted(world, actuary, director, finance, **rule) -> SurplusDistribution:
    today = timezone.localdate()
    d = distribution_compute(year=today.year, as_of=today, actor=actuary, **rule)
    d = distribution_propose(distribution=d, actor=director)
    return distribution_adopt(distribution=d, resolution=world["motion"], actor=finance)


def amounts(d: SurplusDistribution) -> list[D]:
    return list(d.shares.order_by("member_id").values_list("amount", flat=True))


# --- The distributable amount ------------------------------------------------------------


def test_the_distributable_amount_is_surplus_and_results_less_the_fund_owed_to_the_cent(
    actuary, compliance
):
    """Surplus 1,250,000.00 + result 1,034.56 − the loan still owed 1,000,000.00 =
    251,034.56; without setting the loan aside, 1,251,034.56."""
    ledger(surplus="1250000.00")
    tranche("1000000.00", kind="loan")
    post("income", CASH, CONTRIBUTIONS, "1234.56", dt.date(2026, 3, 1))
    post("opex", OPERATING, CASH, "200.00", dt.date(2026, 3, 2))
    approved(actuary, compliance, minimum="100000.00", core="5000000.00")
    today = timezone.localdate()

    d = distribution_compute(year=today.year, as_of=today, basis="membership", actor=actuary)

    assert d.distributable == d.amount == D("251034.56")
    assert d.workings["surplus_available"] == "1251034.56"
    assert d.workings["fund_outstanding"] == "1000000.00"
    assert d.status == S.COMPUTED
    kept = distribution_compute(
        year=today.year,
        as_of=today,
        basis="membership",
        actor=actuary,
        reserve_outstanding_fund=False,
    )
    assert kept.distributable == D("1251034.56")
    with pytest.raises(InvalidInput) as caught:
        distribution_compute(
            year=today.year, as_of=today, basis="membership", actor=actuary, amount="251034.57"
        )
    assert set(caught.value.fields) == {"amount"}


def test_refused_when_solvency_after_it_would_fall_below_a_threshold_to_the_cent(world, actuary):
    """Core 1,200,000 against a minimum of 1,000,000: 200,000.00 leaves exactly 100%;
    200,000.01 is refused with the ratio after."""
    post("more-surplus", CASH, "4104", "1000000.00", dt.date(2024, 3, 1))
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as caught:
        distribution_compute(
            year=today.year, as_of=today, basis="membership", amount="200000.01", actor=actuary
        )
    assert set(caught.value.fields) == {"assessment"}
    assert "99.99" in caught.value.fields["assessment"][0]
    d = distribution_compute(
        year=today.year, as_of=today, basis="membership", amount="200000.00", actor=actuary
    )
    assert d.workings["after"]["comprehensive_ratio"] == "100.00"


def test_refused_while_an_alert_stands(world, actuary):
    alert(world, "early_warning")
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as caught:
        distribution_compute(
            year=today.year, as_of=today, basis="membership", amount="100.00", actor=actuary
        )
    assert set(caught.value.fields) == {"alerts"}
    assert SurplusDistribution.objects.count() == 0


# --- Each basis, to the cent ---------------------------------------------------------------


def test_by_contributions_the_remainder_cent_goes_to_the_largest_remainder(
    world, actuary, director, finance
):
    """100.01 shared by 30.00 and 10.00 paid: 75.0075 and 25.0025; the one cent left goes
    to the larger remainder. The member who paid nothing gets nothing."""
    members(["30.00", "10.00", "0"], [400, 400, 400])
    d = distribution_run(
        distribution=adopted(
            world, actuary, director, finance, basis="contributions", amount="100.01"
        ),
        actor=finance,
    )
    assert amounts(d) == [D("75.01"), D("25.00")]
    assert d.members_count == 2 and d.shares_total == D("100.01")


def test_equal_remainders_go_to_the_lowest_member_ids(world, actuary, director, finance):
    """100.00 among three who paid the same: 33.34, 33.33, 33.33."""
    members(["30.00", "30.00", "30.00"], [10, 10, 10])
    d = distribution_run(
        distribution=adopted(
            world, actuary, director, finance, basis="contributions", amount="100.00"
        ),
        actor=finance,
    )
    assert amounts(d) == [D("33.34"), D("33.33"), D("33.33")]


def test_by_years_of_membership(world, actuary, director, finance):
    """100.00 by 1,000 and 500 days: 66.67 and 33.33; who joined today has no share."""
    members(["0", "0", "0"], [1000, 500, 0])
    d = distribution_run(
        distribution=adopted(
            world, actuary, director, finance, basis="membership", amount="100.00"
        ),
        actor=finance,
    )
    assert amounts(d) == [D("66.67"), D("33.33")]
    share = d.shares.order_by("member_id").first()
    assert (share.membership_days, share.contributions) == (1000, D("0.00"))


def test_a_mix_shares_each_part_by_its_basis_with_its_own_remainder(
    world, actuary, director, finance
):
    """100.01 half and half: 50.01 by contributions (30 : 10) → 37.51 + 12.50; 50.00 by
    days (1,000 : 500) → 33.33 + 16.67 (each part's cent to its own largest remainder)."""
    members(["30.00", "10.00"], [1000, 500])
    d = distribution_run(
        distribution=adopted(
            world,
            actuary,
            director,
            finance,
            basis="mix",
            contributions_weight="0.5",
            amount="100.01",
        ),
        actor=finance,
    )
    assert amounts(d) == [D("70.84"), D("29.17")]
    assert d.workings["allocation"]["by_contributions"] == "50.01"
    assert d.workings["allocation"]["remainder_cents_membership"] == 1


def test_members_below_the_minimum_are_left_out_and_the_rest_share_it_all(
    world, actuary, director, finance
):
    """10.00 by 30.00, 10.00 and 0.05 paid with a minimum of 0.50: the third's 0.01 is
    below it, so the first two share the whole 10.00 as 7.50 and 2.50."""
    members(["30.00", "10.00", "0.05"], [10, 10, 10])
    d = distribution_run(
        distribution=adopted(
            world,
            actuary,
            director,
            finance,
            basis="contributions",
            amount="10.00",
            minimum_amount="0.50",
        ),
        actor=finance,
    )
    assert amounts(d) == [D("7.50"), D("2.50")]
    assert d.workings["allocation"]["members_below_minimum"] == 1


# --- Preview -------------------------------------------------------------------------------


def test_the_preview_shows_totals_spread_and_members_searched_and_writes_nothing(
    world, actuary, director
):
    ms = members(["30.00", "10.00", "20.00", "0"], [10, 10, 10, 10])
    today = timezone.localdate()
    d = distribution_compute(
        year=today.year, as_of=today, basis="contributions", amount="60.01", actor=actuary
    )

    p = distribution_preview(
        distribution=d, member_numbers=[ms[1].member_number, ms[3].member_number, "nobody"]
    )

    assert (p.members, p.total) == (3, D("60.01"))
    assert (p.smallest, p.median, p.largest) == (D("10.00"), D("20.00"), D("30.01"))
    assert [(a.member_number, a.amount) for a in p.searched] == [(ms[1].member_number, D("10.00"))]
    assert p.not_sharing == [ms[3].member_number, "nobody"]
    assert {a.amount for a in p.sample} <= {D("30.01"), D("10.00"), D("20.00")} and p.sample
    assert MemberSurplusShare.objects.count() == 0
    assert Payment.objects.filter(provider="surplus").count() == 0


# --- Resolution, the run, idempotency, the ledger -----------------------------------------


@pytest.mark.parametrize(
    "motion",
    [
        {"matter": Matter.FUND_REPAYMENT},
        {"outcome": Motion.Outcome.REJECTED},
        {"status": "voting_closed"},
    ],
    ids=["another-matter", "rejected", "not-declared"],
)
def test_refused_without_an_adopted_special_resolution_on_the_surplus(
    world, actuary, director, finance, motion
):
    members(["30.00"], [10])
    today = timezone.localdate()
    d = distribution_compute(
        year=today.year, as_of=today, basis="contributions", amount="10.00", actor=actuary
    )
    d = distribution_propose(distribution=d, actor=director)
    with pytest.raises(InvalidInput) as caught:
        distribution_adopt(distribution=d, resolution=resolution(**motion), actor=finance)
    assert set(caught.value.fields) == {"resolution"}
    with pytest.raises(TransitionNotAllowed):
        distribution_run(distribution=d, actor=finance)  # proposed, not adopted
    assert MemberSurplusShare.objects.count() == 0


def test_the_run_posts_one_balanced_entry_and_credits_that_later_dues_consume(
    world, actuary, director, finance, django_capture_on_commit_callbacks
):
    ms = members(["30.00", "10.00"], [10, 10])
    surplus_before = account_balance(account="4104")
    sent = []

    def receiver(sender, distribution, **kw):
        sent.append(distribution.pk)

    surplus_distributed.connect(receiver)
    try:
        d = adopted(world, actuary, director, finance, basis="contributions", amount="40.00")
        # nothing is posted before the run
        assert not JournalEntry.objects.filter(source_type="solvency.surplus_distribution")
        with django_capture_on_commit_callbacks(execute=True):
            d = distribution_run(distribution=d, actor=finance)
    finally:
        surplus_distributed.disconnect(receiver)

    lines = sorted(d.ledger_entry.postings.values_list("account__code", "amount"))
    assert lines == [("2203", D("-40.00")), ("4104", D("40.00"))]
    assert account_balance(account="4104") == surplus_before - D("40.00")
    assert trial_balance().difference == 0
    credits = Payment.objects.filter(provider="surplus").order_by("member_id")
    assert [(c.member_id, c.amount, c.allocated_amount) for c in credits] == [
        (ms[0].pk, D("30.00"), D("0.00")),
        (ms[1].pk, D("10.00"), D("10.00")),
    ]
    assert sent == [d.pk] and d.status == S.RUN
    # the second member still owed 20.00 of the premium: the credit of 10.00 settles
    # 10.00 of it at once (Dr 2203 / Cr 1122), as any advance would.
    assert ContributionDue.objects.get(member=ms[1]).paid_amount == D("20.00")
    assert trial_balance().difference == 0


def test_a_second_run_does_nothing(world, actuary, director, finance):
    members(["30.00", "10.00"], [10, 10])
    d = distribution_run(
        distribution=adopted(
            world, actuary, director, finance, basis="contributions", amount="40.00"
        ),
        actor=finance,
    )
    entries = JournalEntry.objects.count()

    again = distribution_run(distribution=d.pk, actor=finance)

    assert again.pk == d.pk and again.status == S.RUN
    assert JournalEntry.objects.count() == entries
    assert MemberSurplusShare.objects.count() == 2
    assert Payment.objects.filter(provider="surplus").aggregate(t=Sum("amount"))["t"] == D("40.00")
    published = distribution_publish(distribution=d, actor=finance)
    assert distribution_run(distribution=published, actor=finance).status == S.PUBLISHED
    assert MemberSurplusShare.objects.count() == 2


def test_the_run_is_blocked_by_an_alert_raised_after_adoption(world, actuary, director, finance):
    members(["30.00"], [10])
    d = adopted(world, actuary, director, finance, basis="contributions", amount="10.00")
    alert(world, "breach")
    with pytest.raises(InvalidInput) as caught:
        distribution_run(distribution=d, actor=finance)
    assert set(caught.value.fields) == {"alerts"}
    d.refresh_from_db()
    assert d.status == S.ADOPTED and d.ledger_entry_id is None
    assert (
        not MemberSurplusShare.objects.exists()
        and not Payment.objects.filter(provider="surplus").exists()
    )


def test_who_may_take_each_step(world, actuary, director, finance):
    members(["30.00"], [10])
    today = timezone.localdate()
    with pytest.raises(NotAllowed):
        distribution_compute(year=today.year, as_of=today, basis="contributions", actor=finance)
    d = distribution_compute(
        year=today.year, as_of=today, basis="contributions", amount="10.00", actor=actuary
    )
    with pytest.raises(NotAllowed):
        distribution_propose(distribution=d, actor=actuary)
    d = distribution_propose(distribution=d, actor=director)
    with pytest.raises(NotAllowed):
        distribution_adopt(distribution=d, resolution=world["motion"], actor=director)


def test_a_surplus_credit_cannot_be_recorded_as_a_payment(world):
    m = member_make()
    from members.services.payments import payment_record

    with pytest.raises(InvalidInput) as caught:
        payment_record(
            member=m,
            amount="1.00",
            received_on=timezone.localdate(),
            provider="surplus",
            idempotency_key="x",
        )
    assert set(caught.value.fields) == {"provider"}


# --- The member's page -------------------------------------------------------------------


def test_a_member_sees_only_their_own_share_and_how_it_was_computed(
    world, actuary, director, finance, client
):
    ms = members(["30.00", "10.00", "0"], [1000, 500, 0])
    d = distribution_run(
        distribution=adopted(
            world, actuary, director, finance, basis="mix", contributions_weight="0.5",
            amount="100.01",
        ),
        actor=finance,
    )  # fmt: skip
    url = "/me/surplus/"
    client.force_login(ms[1].user)

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    mine = d.shares.get(member=ms[1]).amount
    theirs = d.shares.get(member=ms[0]).amount
    assert f"{mine:,}" in page and f"{theirs:,}" not in page
    assert "you paid 10.00" in page and "your 500 days" in page
    client.force_login(ms[2].user)
    none = client.get(url).content.decode()
    assert "No surplus has been distributed to you yet." in none
    client.logout()
    assert client.get(url).status_code == 302


def test_a_run_distribution_is_disclosed_once_as_a_material_event(
    world, actuary, director, finance, django_capture_on_commit_callbacks
):
    """The run's signal queues the publication (outbox, after the commit); it names the
    year, the amount, the members credited, the basis and the adopting resolution. The
    task run again, and the daily catch-up, add nothing."""
    from disclosure.models import Kind, Publication
    from disclosure.services.sources import disclosure_missing, surplus_distribution_publish
    from disclosure.services.sources.surplus import surplus_key

    members(["30.00", "10.00"], [400, 400])
    with django_capture_on_commit_callbacks(execute=True):
        d = distribution_run(
            distribution=adopted(
                world, actuary, director, finance, basis="contributions", amount="40.00"
            ),
            actor=finance,
        )

    (event,) = Publication.objects.filter(key=surplus_key(d.pk))
    assert (event.kind, event.status, event.version) == (Kind.MATERIAL_EVENT, "published", 1)
    assert event.content["amount"] == "40.00" and event.content["members"] == 2
    assert event.content["basis"] == "contributions"
    assert event.content["resolution"] == world["motion"].title
    assert "40.00" in event.title_en and "2 members" in event.title_en
    surplus_distribution_publish(distribution=d.pk)
    assert Publication.objects.filter(key=surplus_key(d.pk)).count() == 1
    assert not [m for m in disclosure_missing() if m[1] == surplus_key(d.pk)]


def test_surplus_credited_today_is_not_distributed_again_by_a_check_dated_before_it(
    world, actuary, director, finance
):
    """The whole 50,000.00 credited today: a distribution of last year's surplus dated
    yesterday finds nothing left, though yesterday's balance of 4104 still held it."""
    members(["30.00", "10.00"], [400, 400])
    distribution_run(
        distribution=adopted(
            world, actuary, director, finance, basis="contributions", amount="50000.00"
        ),
        actor=finance,
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as caught:
        distribution_compute(
            year=yesterday.year - 1, as_of=yesterday, basis="membership", actor=actuary
        )
    assert "surplus" in caught.value.fields or "amount" in caught.value.fields
    assert account_balance(account="4104", as_of=timezone.localdate()) == D("0.00")


def test_a_second_distribution_of_a_year_already_credited_is_refused_on_the_year(
    world, actuary, director, finance
):
    """Two adopted for the same year: the second run says so on ``year`` and writes
    nothing (no 500 from the database's constraint after the work)."""
    members(["30.00", "10.00"], [400, 400])
    first = adopted(world, actuary, director, finance, basis="contributions", amount="100.00")
    second = adopted(
        {"motion": resolution(matter=Matter.SURPLUS)},
        actuary,
        director,
        finance,
        basis="contributions",
        amount="100.00",
    )
    distribution_run(distribution=first, actor=finance)
    entries = JournalEntry.objects.count()

    with pytest.raises(InvalidInput) as caught:
        distribution_run(distribution=second, actor=finance)

    assert set(caught.value.fields) == {"year"}
    assert JournalEntry.objects.count() == entries
    assert MemberSurplusShare.objects.filter(distribution=second).count() == 0
