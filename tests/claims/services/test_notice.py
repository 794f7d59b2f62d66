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
    assert panel.eligible_count == len(members)


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
