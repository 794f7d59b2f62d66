import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from claims.models import Claim, Objection, PanelSeat, ReviewPanel
from claims.services.notice import (
    claim_object,
    panel_eligible,
    panel_tally,
    panel_vote,
    panels_close_due,
)
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed
from tests.claims.factories import claim_approved, covered_member

pytestmark = pytest.mark.django_db
REASON = "The diagnosis date looks earlier than the cover."


@pytest.fixture
def on_notice(aid, handler, approver):
    members = [covered_member(aid) for _ in range(8)]
    claimant = covered_member(aid)
    claim = claim_approved(claimant, handler, approver, amount="30000.00")
    return claim, claimant, members


def test_objections_reach_threshold_and_draw_a_reproducible_panel(on_notice, handler):
    claim, claimant, members = on_notice
    claim_object(claim=claim, member=members[0], reason=REASON)
    claim.refresh_from_db()
    assert claim.notice_status == Claim.Notice.ON_NOTICE and not claim.panels.exists()
    claim_object(claim=claim, member=members[1], reason=REASON)
    claim.refresh_from_db()
    assert claim.notice_status == Claim.Notice.UNDER_REVIEW
    panel = claim.panels.get()
    assert panel.size == 3 and panel.quorum == 2 and len(panel.seed) == 32
    drawn = list(panel.seats.order_by("rank").values_list("member__member_number", flat=True))
    # Anyone can reproduce the draw from the published seed and the eligible list.
    eligible = panel_eligible(claim, today=timezone.localdate()).values_list(
        "member_number", flat=True
    )
    expected = sorted(
        eligible, key=lambda n: hashlib.sha256(f"{panel.seed}{n}".encode()).hexdigest()
    )[:3]
    assert drawn == expected
    roll = ",".join(sorted(eligible))
    assert panel.roll_sha256 == hashlib.sha256(roll.encode()).hexdigest()
    seated = set(panel.seats.values_list("member_id", flat=True))
    assert claimant.pk not in seated
    assert panel.eligible_count == len(members) - 2  # the two objectors do not sit


def test_objection_refusals(on_notice, aid):
    claim, claimant, members = on_notice
    with pytest.raises(NotAllowed):
        claim_object(claim=claim, member=claimant, reason=REASON)
    with pytest.raises(InvalidInput):
        claim_object(claim=claim, member=members[0], reason="short")
    claim_object(claim=claim, member=members[0], reason=REASON)
    with pytest.raises(InvalidInput):
        claim_object(claim=claim, member=members[0], reason=REASON)
    Claim.objects.filter(pk=claim.pk).update(
        notice_until=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(InvalidInput) as error:
        claim_object(claim=claim, member=members[1], reason=REASON)
    assert "reason" in error.value.fields
    assert Objection.objects.count() == 1


def _panel(claim, members):
    claim_object(claim=claim, member=members[0], reason=REASON)
    claim_object(claim=claim, member=members[1], reason=REASON)
    return claim.panels.get()


def test_majority_overturn_rejects_and_publishes(on_notice):
    claim, claimant, members = on_notice
    panel = _panel(claim, members)
    seats = list(panel.seats.select_related("member"))
    panel_vote(panel=panel, member=seats[0].member, vote="overturn", reason="Earlier symptoms.")
    panel_vote(panel=panel, member=seats[1].member, vote="overturn")
    panel_vote(panel=panel, member=seats[2].member, vote="uphold")
    panel.refresh_from_db()
    claim.refresh_from_db()
    assert panel.status == ReviewPanel.Status.DECIDED and panel.outcome == "overturn"
    assert "2 to overturn" in panel.reasons and "Earlier symptoms." in panel.reasons
    assert claim.status == Claim.Status.REJECTED
    assert claim.notice_status == Claim.Notice.OVERTURNED
    assert claim.rejection_reasons == panel.reasons


def test_vote_refusals(on_notice):
    claim, claimant, members = on_notice
    panel = _panel(claim, members)
    seated = set(panel.seats.values_list("member_id", flat=True))
    outsider = next(m for m in members if m.pk not in seated)
    with pytest.raises(NotAllowed):
        panel_vote(panel=panel, member=outsider, vote="uphold")
    seat = panel.seats.select_related("member").first()
    with pytest.raises(InvalidInput):
        panel_vote(panel=panel, member=seat.member, vote="maybe")
    panel_vote(panel=panel, member=seat.member, vote="uphold")
    with pytest.raises(InvalidInput):
        panel_vote(panel=panel, member=seat.member, vote="overturn")
    ReviewPanel.objects.filter(pk=panel.pk).update(vote_until=dt.date(2020, 1, 1))
    other = panel.seats.select_related("member").filter(vote="").first()
    with pytest.raises(TransitionNotAllowed):
        panel_vote(panel=panel, member=other.member, vote="uphold")
    assert PanelSeat.objects.exclude(vote="").count() == 1


def test_no_quorum_draws_the_next_members_with_the_same_seed(on_notice):
    claim, claimant, members = on_notice
    panel = _panel(claim, members)
    seat = panel.seats.select_related("member").first()
    panel_vote(panel=panel, member=seat.member, vote="uphold")
    closed = panel.vote_until + dt.timedelta(days=1)
    assert panels_close_due(today=closed) == 1
    panel.refresh_from_db()
    assert panel.status == ReviewPanel.Status.NO_QUORUM
    second = claim.panels.get(round=2)
    assert second.seed == panel.seed
    assert set(second.seats.values_list("rank", flat=True)) == {4, 5, 6}
    first_ids = set(panel.seats.values_list("member_id", flat=True))
    assert not first_ids & set(second.seats.values_list("member_id", flat=True))


def test_uphold_clears_the_notice(on_notice):
    claim, claimant, members = on_notice
    panel = _panel(claim, members)
    for seat in panel.seats.select_related("member")[:2]:
        panel_vote(panel=panel, member=seat.member, vote="uphold")
    panel_tally(panel=panel, today=panel.vote_until + dt.timedelta(days=1))
    claim.refresh_from_db()
    assert claim.notice_status == Claim.Notice.CLEARED and claim.status == Claim.Status.APPROVED


# --- review finding 5: no members left, one panel per batch, the plan's quorum, today ----


def test_no_members_left_goes_to_a_published_staff_decision(aid, handler, approver, client):
    """Too few members for another panel: the daily job does not fail; the panel waits
    for a staff decision, recorded as an event and published on the case page."""
    from claims.services.notice import panel_staff_decide

    aid.panel_quorum = 3
    aid.save(update_fields=["panel_quorum"])
    members = [covered_member(aid) for _ in range(5)]
    claim = claim_approved(covered_member(aid), handler, approver, amount="30000.00")
    first = _panel(claim, members)
    assert first.size == 3 and first.quorum == 3
    day = first.vote_until + dt.timedelta(days=1)
    assert panels_close_due(today=day) == 1
    second = claim.panels.get(round=2)
    # two members are left, fewer than the plan's quorum of 3: nobody is seated
    assert second.status == ReviewPanel.Status.AWAITING_STAFF
    assert second.quorum == 3 and second.size == 0 and not second.seats.exists()
    assert claim.events.filter(type="panel_to_staff").exists()
    # the next days' jobs have nothing to fail on
    assert panels_close_due(today=day + dt.timedelta(days=1)) == 0
    assert panels_close_due(today=day + dt.timedelta(days=30)) == 0
    claim.refresh_from_db()
    assert claim.notice_status == Claim.Notice.UNDER_REVIEW
    with pytest.raises(NotAllowed):  # the approver does not review their own decision
        panel_staff_decide(panel=second, actor=approver, outcome="uphold", reasons="Checked.")
    with pytest.raises(NotAllowed):  # no decide permission
        panel_staff_decide(panel=second, actor=members[0].user, outcome="uphold", reasons="x")
    from tests.members.factories import user_with_perms

    chief = user_with_perms("chief", "claims.decide_claim")
    panel_staff_decide(
        panel=second, actor=chief, outcome="uphold", reasons="The hospital records agree."
    )
    second.refresh_from_db()
    claim.refresh_from_db()
    assert second.status == ReviewPanel.Status.STAFF_DECIDED and second.outcome == "uphold"
    assert claim.notice_status == Claim.Notice.CLEARED
    assert claim.events.filter(type="panel_staff_decided", actor=chief).exists()
    client.force_login(members[0].user)
    page = client.get(f"/claims/notices/{claim.pk}/").content.decode()
    assert "The hospital records agree." in page
    assert str(ReviewPanel.Status.STAFF_DECIDED.label) in page
    with pytest.raises(TransitionNotAllowed):
        panel_staff_decide(panel=second, actor=chief, outcome="overturn", reasons="Again.")


def test_an_objection_with_no_one_to_draw_is_still_taken(aid, handler, approver):
    """The objection that reaches the threshold is not refused for want of panel members."""
    aid.panel_quorum = 3
    aid.save(update_fields=["panel_quorum"])
    members = [covered_member(aid) for _ in range(2)]
    claim = claim_approved(covered_member(aid), handler, approver, amount="30000.00")
    claim_object(claim=claim, member=members[0], reason=REASON)
    claim_object(claim=claim, member=members[1], reason=REASON)
    assert Objection.objects.filter(claim=claim).count() == 2
    assert claim.panels.get().status == ReviewPanel.Status.AWAITING_STAFF


def test_one_refused_panel_does_not_block_the_others(aid, handler, approver, make_user):
    """A panel whose tally is refused is recorded; the other due panels still close."""
    from claims.services.handling import claim_appeal, claim_reject

    approver2 = make_user("approver9", roles=("claims_approver",), is_staff=True)
    members = [covered_member(aid) for _ in range(8)]
    # claim A: rejected, appealed; a panel is drawn and votes to overturn (approve it)
    claimant = covered_member(aid)
    from tests.claims.factories import claim_assessed

    rejected = claim_assessed(claimant, handler, amount="30000.00")
    claim_reject(claim=rejected, actor=approver, reasons="Not covered, see the policy.")
    claim_appeal(claim=rejected, member=claimant, reason="The event was covered.")
    appeal_panel = rejected.panels.get()
    for seat in appeal_panel.seats.select_related("member")[:2]:
        panel_vote(panel=appeal_panel, member=seat.member, vote="overturn")
    # meanwhile another claim on the same coverage used the whole benefit
    coverage = claimant.coverages.first()
    other = claim_assessed(
        claimant,
        handler,
        amount=str(coverage.sum_assured),
        amount_claimed=coverage.sum_assured,
        kind="accident",
        event_date=timezone.localdate() - dt.timedelta(days=3),
    )
    from claims.services.handling import claim_approve

    claim_approve(claim=other, actor=approver)
    claim_approve(claim=other, actor=approver2)
    # claim B: an ordinary objection panel with a quorum voting to uphold
    b = claim_approved(covered_member(aid), handler, approver, amount="20000.00")
    b_panel = _panel(b, members)
    for seat in b_panel.seats.select_related("member")[:2]:
        panel_vote(panel=b_panel, member=seat.member, vote="uphold")
    day = max(appeal_panel.vote_until, b_panel.vote_until) + dt.timedelta(days=1)
    assert panels_close_due(today=day) == 1
    b.refresh_from_db()
    appeal_panel.refresh_from_db()
    assert b.notice_status == Claim.Notice.CLEARED
    assert appeal_panel.status == ReviewPanel.Status.VOTING  # left for staff to look at
    assert rejected.events.filter(type="panel_close_refused").exists()


def test_a_redraw_uses_the_tally_day(on_notice):
    claim, claimant, members = on_notice
    panel = _panel(claim, members)
    day = panel.vote_until + dt.timedelta(days=3)
    panel_tally(panel=panel, today=day)
    second = claim.panels.get(round=2)
    assert second.vote_until == day + dt.timedelta(days=claim.coverage.plan_version.panel_vote_days)
    assert second.quorum == panel.quorum == 2


# --- review finding 4: a repeat draw never reseats anyone and is reproducible ----------


def test_a_repeat_draw_is_reproducible_from_published_data(aid, handler, approver):
    """Eligibility is frozen at the first draw (date and tenure); nobody seated before sits
    again; the published seed, eligibility date, tenure and roll fingerprint reproduce it."""
    members = [covered_member(aid) for _ in range(8)]
    claimant = covered_member(aid)
    claim = claim_approved(claimant, handler, approver, amount="30000.00")
    first = _panel(claim, members)
    # members who pass the 30-day tenure only during the voting window
    late = [covered_member(aid, days_ago=25) for _ in range(10)]
    aid.panel_min_tenure_days = 1  # staff edit the plan meanwhile: the draw keeps its rule
    aid.save(update_fields=["panel_min_tenure_days"])
    day = first.vote_until + dt.timedelta(days=1)
    panel_tally(panel=first, today=day)
    second = claim.panels.get(round=2)
    assert second.eligibility_as_of == first.eligibility_as_of == timezone.localdate()
    assert second.min_tenure_days == first.min_tenure_days == 30
    round1 = set(first.seats.values_list("member_id", flat=True))
    round2 = set(second.seats.values_list("member_id", flat=True))
    assert len(round2) == 3 and not round1 & round2
    assert not round2 & {m.pk for m in late}
    # reproduce from what is published: seed, eligibility date, tenure, earlier seats
    from members.models import Member

    handlers = {handler.pk, approver.pk}
    cutoff = second.eligibility_as_of - dt.timedelta(days=second.min_tenure_days)
    roll = sorted(
        m.member_number
        for m in Member.objects.filter(status=Member.Status.ACTIVE, joined_on__lte=cutoff)
        if m.pk != claimant.pk
        and m.user_id not in handlers
        and m.pk not in round1
        and m.pk not in (members[0].pk, members[1].pk)  # the objectors
    )
    assert second.roll_sha256 == hashlib.sha256(",".join(roll).encode()).hexdigest()
    assert second.eligible_count == len(roll)
    expected = sorted(roll, key=lambda n: hashlib.sha256(f"{second.seed}{n}".encode()).hexdigest())[
        :3
    ]
    drawn = list(second.seats.order_by("rank").values_list("member__member_number", flat=True))
    assert drawn == expected


def test_objectors_never_sit_on_the_panel_judging_their_objection(aid, handler, approver):
    """Review finding 11: conflict of interest; with 5 members and 2 objectors only the
    other 3 can be drawn, in any round."""
    members = [covered_member(aid) for _ in range(5)]
    claim = claim_approved(covered_member(aid), handler, approver, amount="30000.00")
    panel = _panel(claim, members)
    objectors = {members[0].pk, members[1].pk}
    seated = set(panel.seats.values_list("member_id", flat=True))
    assert seated == {m.pk for m in members[2:]}
    assert panel.eligible_count == 3
    panel_tally(panel=panel, today=panel.vote_until + dt.timedelta(days=1))
    later = set(PanelSeat.objects.filter(panel__claim=claim).values_list("member_id", flat=True))
    assert not later & objectors
