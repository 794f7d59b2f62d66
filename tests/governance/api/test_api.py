"""/api/v1/governance/: members vote and check receipts; staff see who voted, never what."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from governance.models import Ballot, Participation, Proxy
from governance.services.meetings import meeting_convene, meeting_declare_results
from governance.services.voting import ballot_cast
from tests.governance.factories import meeting_closed, meeting_make, meeting_voting, members_make

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def _error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    if code:
        assert body["code"] == code
    return body


def test_a_member_casts_and_gets_a_receipt(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    response = _client(voter.user).post(
        f"/api/v1/governance/meetings/{meeting.pk}/ballots/",
        {"votes": [{"motion": motion.pk, "choice": "for"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    (receipt,) = response.json()
    assert Ballot.objects.get(receipt=receipt["receipt"]).choice == "for"
    # Verifying the receipt before the close: counted, choice not yet shown.
    check = APIClient().get(f"/api/v1/governance/receipts/{receipt['receipt']}/").json()
    assert check == {"motion": motion.pk, "meeting": meeting.pk, "counted": True,
                     "choice": None, "candidates": []}  # fmt: skip


def test_bad_ballots_are_refused_with_the_error_shape_and_nothing_recorded(articles):
    articles.vote_changes_allowed = False
    articles.save()
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    client = _client(voter.user)
    url = f"/api/v1/governance/meetings/{meeting.pk}/ballots/"
    body = _error(client.post(url, {"votes": [{"motion": motion.pk, "choice": "yes"}]},
                              format="json"), 400, "invalid")  # fmt: skip
    assert "votes.0.choice" in body["fields"]
    body = _error(client.post(url, {"votes": [{"motion": 999999, "choice": "for"}]},
                              format="json"), 400)  # fmt: skip
    assert "votes.0.motion" in body["fields"]
    _error(client.post(url, {"votes": []}, format="json"), 400)
    assert not Ballot.objects.exists()
    assert client.post(url, {"votes": [{"motion": motion.pk, "choice": "for"}]},
                       format="json").status_code == 201  # fmt: skip
    body = _error(client.post(url, {"votes": [{"motion": motion.pk, "choice": "against"}]},
                              format="json"), 409, "already_voted")  # fmt: skip
    assert "articles do not allow" in body["message"]
    assert Ballot.objects.count() == 1


def test_voting_before_the_window_answers_409(articles):
    (voter,) = members_make(1)
    meeting = meeting_make(opens_in=dt.timedelta(days=21))
    meeting_convene(meeting=meeting)
    response = _client(voter.user).post(
        f"/api/v1/governance/meetings/{meeting.pk}/ballots/",
        {"votes": [{"motion": meeting.motions.get().pk, "choice": "for"}]},
        format="json",
    )
    body = _error(response, 409, "voting_closed")
    assert "not opened" in body["message"]


def test_an_ineligible_voter_is_refused(articles):
    members_make(1)
    meeting = meeting_voting()
    (late,) = members_make(1)
    response = _client(late.user).post(
        f"/api/v1/governance/meetings/{meeting.pk}/ballots/",
        {"votes": [{"motion": meeting.motions.get().pk, "choice": "for"}]},
        format="json",
    )
    body = _error(response, 403, "not_eligible")
    assert "not on the voter roll" in body["message"]
    assert not Ballot.objects.exists()


def test_self_proxy_is_refused_naming_the_field(articles):
    (voter,) = members_make(1)
    meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=21)))
    response = _client(voter.user).post(
        f"/api/v1/governance/meetings/{meeting.pk}/proxy/",
        {"holder": voter.member_number},
        format="json",
    )
    body = _error(response, 400, "invalid")
    assert "holder" in body["fields"]
    assert not Proxy.objects.exists()


def test_proxy_appoint_and_revoke(articles):
    principal, holder = members_make(2)
    meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=21)))
    client = _client(principal.user)
    url = f"/api/v1/governance/meetings/{meeting.pk}/proxy/"
    response = client.post(url, {"holder": holder.member_number}, format="json")
    assert response.status_code == 201
    assert response.json()["holder"] == holder.member_number
    assert client.delete(url).json()["revoked_at"] is not None


def test_staff_see_who_voted_but_no_choice_on_a_secret_ballot(articles, secretary):
    voters = members_make(2)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    ballot_cast(motion=motion, voter=voters[0], choice="against")
    rows = _client(secretary).get(f"/api/v1/governance/meetings/{meeting.pk}/participation/").json()
    assert [r["voter"] for r in rows] == [voters[0].member_number]
    assert all("choice" not in r and "receipt" not in r for r in rows)
    assert "against" not in str(rows)
    # A member may not read the participation list at all.
    _error(_client(voters[1].user).get(
        f"/api/v1/governance/meetings/{meeting.pk}/participation/"), 403)  # fmt: skip


def test_a_member_cannot_see_another_members_choice(articles):
    a, b = members_make(2)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    receipt = ballot_cast(motion=motion, voter=a, choice="against").receipt
    detail = _client(b.user).get(f"/api/v1/governance/meetings/{meeting.pk}/").json()
    assert receipt not in str(detail)
    assert detail["motions"][0]["votes_against"] is None  # no interim counts either
    # The receipt check tells nothing of the choice while voting is open.
    assert _client(b.user).get(f"/api/v1/governance/receipts/{receipt}/").json()["choice"] is None
    # No interim list of receipts while voting is open.
    _error(APIClient().get(f"/api/v1/governance/motions/{motion.pk}/receipts/"), 404)


def test_receipt_list_after_the_close_names_no_voter(articles, secretary):
    voters = members_make(2)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    receipts = {ballot_cast(motion=motion, voter=v, choice=c).receipt
                for v, c in zip(voters, ("for", "against"), strict=True)}  # fmt: skip
    meeting = meeting_closed(meeting)
    rows = APIClient().get(f"/api/v1/governance/motions/{motion.pk}/receipts/").json()
    assert {r["receipt"] for r in rows} == receipts
    assert sorted(r["choice"] for r in rows) == ["against", "for"]
    assert all(set(r) == {"receipt", "choice", "candidates", "counted"} for r in rows)
    meeting_declare_results(meeting=meeting)
    detail = _client(secretary).get(f"/api/v1/governance/meetings/{meeting.pk}/").json()
    assert detail["motions"][0]["outcome"] == "rejected"  # exactly half


def test_staff_transition_endpoint_needs_the_permission(articles, secretary):
    members_make(1)
    meeting = meeting_make(opens_in=dt.timedelta(days=21))
    response = _client(secretary).post(f"/api/v1/governance/meetings/{meeting.pk}/convene/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "convened"
    (member,) = members_make(1)
    _error(_client(member.user).post(f"/api/v1/governance/meetings/{meeting.pk}/open/"), 403)


def test_proposals_api(articles):
    articles.proposal_threshold_number = 1
    articles.save()
    author, signer = members_make(2)
    response = _client(author.user).post("/api/v1/governance/proposals/",
                                         {"title": "t", "text": "x"}, format="json")  # fmt: skip
    assert response.status_code == 201
    pid = response.json()["id"]
    body = _client(signer.user).post(f"/api/v1/governance/proposals/{pid}/cosign/").json()
    assert body["status"] == "queued" and body["signatures"] == 1
    _error(_client(signer.user).post(f"/api/v1/governance/proposals/{pid}/cosign/"), 403)


def test_participation_rows_only_for_counted_and_superseded(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    client = _client(voter.user)
    url = f"/api/v1/governance/meetings/{meeting.pk}/ballots/"
    for choice in ("for", "against"):
        client.post(url, {"votes": [{"motion": motion.pk, "choice": choice}]}, format="json")
    assert Participation.objects.filter(counted=True).count() == 1
    assert Participation.objects.count() == 2


def test_a_proxy_over_the_limit_is_refused_through_the_api(articles):
    articles.proxies_max_per_holder = 1
    articles.save()
    holder, first, second = members_make(3)
    meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=21)))
    url = f"/api/v1/governance/meetings/{meeting.pk}/proxy/"
    ok = _client(first.user).post(url, {"holder": holder.member_number}, format="json")
    assert ok.status_code == 201
    body = _error(_client(second.user).post(url, {"holder": holder.member_number},
                                            format="json"), 400, "invalid")  # fmt: skip
    assert "holder" in body["fields"] and "1" in body["message"]
    assert Proxy.objects.count() == 1


def _election_voting():
    import datetime as dt

    from django.utils import timezone

    from governance.models import Body, Matter
    from governance.services.elections import candidate_nominate, candidate_second
    from governance.services.meetings import meeting_open_voting, motion_add

    voter, nominator, seconder, candidate_member = members_make(4)
    board = Body.objects.create(kind=Body.Kind.BOARD, name="董事会", seats=3)
    meeting = meeting_make(opens_in=dt.timedelta(hours=-1), length=dt.timedelta(days=1, hours=1))
    motion = motion_add(meeting=meeting, title="董事选举", text="", matter=Matter.ELECTION,
                        seats=1, elects_to=board)  # fmt: skip
    candidate = candidate_nominate(motion=motion, member=candidate_member, nominated_by=nominator)
    candidate_second(candidate=candidate, member=seconder)
    now = timezone.now()
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    meeting = meeting_open_voting(meeting=meeting, at=now)
    return meeting, motion, voter, candidate


@pytest.mark.parametrize("bad", [2**63, 2**70, 0, -1])
def test_a_candidate_id_out_of_range_is_a_400_naming_the_vote(articles, bad):
    meeting, motion, voter, _candidate = _election_voting()
    general = meeting.motions.exclude(pk=motion.pk).get()
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(voter.user)
    response = client.post(
        f"/api/v1/governance/meetings/{meeting.pk}/ballots/",
        {"votes": [{"motion": general.pk, "choice": "for"},
                   {"motion": motion.pk, "candidates": [bad]}]},
        format="json",
    )  # fmt: skip
    body = _error(response, 400)
    assert any(name.startswith("votes.1.candidates") for name in body["fields"]), body
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_a_candidate_not_standing_is_refused_on_that_votes_field(articles):
    meeting, motion, voter, candidate = _election_voting()
    general = meeting.motions.exclude(pk=motion.pk).get()
    response = _client(voter.user).post(
        f"/api/v1/governance/meetings/{meeting.pk}/ballots/",
        {"votes": [{"motion": general.pk, "choice": "for"},
                   {"motion": motion.pk, "candidates": [candidate.pk + 1000]}]},
        format="json",
    )  # fmt: skip
    body = _error(response, 400, "invalid")
    assert list(body["fields"]) == ["votes.1.candidates"]
    assert not Ballot.objects.exists()
