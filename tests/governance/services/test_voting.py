"""Casting: the window, eligibility, one counted ballot, changes, proxies, secrecy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from governance.models import Ballot, Meeting, MeetingEvent, Participation, Proxy
from governance.services import sealing
from governance.services.meetings import meeting_convene
from governance.services.voting import (
    AlreadyVoted,
    NotEligible,
    VotingClosed,
    ballot_cast,
    proxy_appoint,
    proxy_revoke,
)
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from tests.governance.factories import meeting_closed, meeting_make, meeting_voting, members_make

pytestmark = pytest.mark.django_db


def _nothing_recorded():
    return not Ballot.objects.exists() and not Participation.objects.exists()


def test_voting_before_the_window_is_refused(articles):
    (voter,) = members_make(1)
    meeting = meeting_make(opens_in=dt.timedelta(days=21))
    meeting_convene(meeting=meeting)
    with pytest.raises(VotingClosed, match="not opened"):
        ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for")
    assert _nothing_recorded()


def test_voting_after_the_close_is_refused(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    with pytest.raises(VotingClosed, match="closed"):
        ballot_cast(motion=motion, voter=voter, choice="for", at=meeting.voting_closes_at)
    meeting_closed(meeting)
    with pytest.raises(VotingClosed, match="closed"):
        ballot_cast(motion=motion, voter=voter, choice="for")
    assert _nothing_recorded()


def test_a_voter_not_on_the_frozen_roll_is_refused(articles):
    members_make(1)
    meeting = meeting_voting()
    (late,) = members_make(1)  # joined after the record date
    with pytest.raises(NotEligible, match="not on the voter roll") as error:
        ballot_cast(motion=meeting.motions.get(), voter=late, choice="for")
    assert error.value.fields == {"voter": [error.value.message]}
    assert _nothing_recorded()


def test_a_choice_not_on_the_ballot_is_refused(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    with pytest.raises(InvalidInput) as error:
        ballot_cast(motion=meeting.motions.get(), voter=voter, choice="maybe")
    assert "choice" in error.value.fields
    assert _nothing_recorded()


def test_a_second_ballot_is_refused_when_the_articles_forbid_changes(articles):
    articles.vote_changes_allowed = False
    articles.save()
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    first = ballot_cast(motion=motion, voter=voter, choice="for")
    with pytest.raises(AlreadyVoted, match="do not allow"):
        ballot_cast(motion=motion, voter=voter, choice="against")
    assert list(Ballot.objects.values_list("receipt", "choice", "counted")) == [
        (first.receipt, "for", True)
    ]
    assert Participation.objects.count() == 1


def test_a_change_of_vote_supersedes_the_earlier_ballot_which_stays_in_the_log(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    first = ballot_cast(motion=motion, voter=voter, choice="for")
    second = ballot_cast(motion=motion, voter=voter, choice="against")
    assert second.changed and not first.changed
    assert Ballot.objects.get(receipt=first.receipt).counted is False
    assert Ballot.objects.get(receipt=second.receipt).counted is True
    assert Participation.objects.filter(voter=voter).count() == 2
    assert Participation.objects.filter(voter=voter, counted=True).count() == 1
    assert Participation.objects.get(voter=voter, counted=False).superseded_at is not None
    # Secret ballot: the log does not say who changed (it would pair them with the
    # superseded ballot).
    assert not MeetingEvent.objects.filter(meeting=meeting, type="vote_changed").exists()


def test_the_database_allows_one_counted_participation_per_voter_and_motion(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    ballot_cast(motion=motion, voter=voter, choice="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(motion=motion, voter=voter, channel="online",
                                     ballot_nonce="0" * 32, ballot_seal="0" * 32)  # fmt: skip


def test_secret_ballot_rows_name_no_voter_and_the_seal_opens_only_with_the_key(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    result = ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for")
    ballot = Ballot.objects.get(receipt=result.receipt)
    participation = Participation.objects.get(voter=voter)
    assert ballot.voter_id is None
    # No column of the participation equals anything in the ballot row.
    assert participation.ballot_seal != ballot.pk.hex
    assert sealing.unseal(participation.ballot_nonce, participation.ballot_seal) == ballot.pk


def test_seal_depends_on_the_server_key(settings):
    import uuid

    ballot_id = uuid.uuid4()
    nonce, sealed = sealing.seal(ballot_id)
    settings.SECRET_KEY = "another key entirely, for this test only"
    assert sealing.unseal(nonce, sealed) != ballot_id


def test_open_ballot_records_the_voter(articles):
    articles.secret_ballot = False
    articles.save()
    (voter,) = members_make(1)
    meeting = meeting_voting()
    assert meeting.secret_ballot is False
    result = ballot_cast(motion=meeting.motions.get(), voter=voter, choice="against")
    assert Ballot.objects.get(receipt=result.receipt).voter == voter


def test_in_person_ballot_is_recorded_by_the_secretary_with_an_audit_event(articles, secretary):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for", in_person=True,
                actor=secretary)  # fmt: skip
    participation = Participation.objects.get(voter=voter)
    assert participation.channel == "in_person"
    assert participation.recorded_by == secretary
    event = MeetingEvent.objects.get(meeting=meeting, type="in_person_vote")
    assert event.actor == secretary
    assert event.data["voter"] == voter.member_number
    assert "choice" not in event.data


# --- Proxies ---


def _convened():
    meeting = meeting_make(opens_in=dt.timedelta(days=21))
    return meeting_convene(meeting=meeting)


def test_a_member_cannot_appoint_themself(articles):
    (voter,) = members_make(1)
    meeting = _convened()
    with pytest.raises(InvalidInput, match="yourself") as error:
        proxy_appoint(meeting=meeting, principal=voter, holder=voter)
    assert "holder" in error.value.fields
    assert not Proxy.objects.exists()


def test_a_holder_over_the_limit_is_refused(articles):
    articles.proxies_max_per_holder = 2
    articles.save()
    holder, *principals = members_make(4)
    meeting = _convened()
    for principal in principals[:2]:
        proxy_appoint(meeting=meeting, principal=principal, holder=holder)
    with pytest.raises(InvalidInput, match="already holds 2") as error:
        proxy_appoint(meeting=meeting, principal=principals[2], holder=holder)
    assert "holder" in error.value.fields
    assert Proxy.objects.count() == 2


def test_a_holder_who_is_not_eligible_is_refused(articles):
    from members.models import Member

    principal, holder = members_make(2)
    Member.objects.filter(pk=holder.pk).update(status=Member.Status.SUSPENDED)
    meeting = _convened()
    with pytest.raises(NotEligible, match="not an eligible voter"):
        proxy_appoint(meeting=meeting, principal=principal, holder=holder)
    assert not Proxy.objects.exists()


def test_proxies_not_allowed_by_the_articles(articles):
    articles.proxies_allowed = False
    articles.save()
    principal, holder = members_make(2)
    meeting = _convened()
    with pytest.raises(NotAllowed, match="do not allow"):
        proxy_appoint(meeting=meeting, principal=principal, holder=holder)


def test_the_holder_votes_for_both_and_the_principal_cannot_vote_twice(articles):
    principal, holder = members_make(2)
    now = timezone.now()
    meeting = meeting_make(opens_in=dt.timedelta(hours=-1), length=dt.timedelta(days=2))
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    proxy_appoint(meeting=meeting, principal=principal, holder=holder)
    from governance.services.meetings import meeting_open_voting

    meeting = meeting_open_voting(meeting=meeting, at=now)
    motion = meeting.motions.get()
    ballot_cast(motion=motion, voter=holder, choice="for")
    ballot_cast(motion=motion, voter=principal, holder=holder, choice="against")
    assert Participation.objects.get(voter=principal).cast_by == holder
    assert Participation.objects.filter(counted=True).count() == 2
    with pytest.raises(NotAllowed, match="vote for you"):
        ballot_cast(motion=motion, voter=principal, choice="for")
    # Someone without the proxy cannot vote for the principal.
    with pytest.raises(NotAllowed, match="do not hold a proxy"):
        ballot_cast(motion=motion, voter=holder, holder=principal, choice="for")
    # Revoking after voting opened is refused.
    with pytest.raises(NotAllowed, match="before voting opens"):
        proxy_revoke(proxy=Proxy.objects.get(), principal=principal)


def test_revoking_before_voting_opens(articles):
    principal, holder = members_make(2)
    meeting = _convened()
    proxy = proxy_appoint(meeting=meeting, principal=principal, holder=holder)
    proxy = proxy_revoke(proxy=proxy, principal=principal)
    assert proxy.revoked_at is not None
    # A new proxy can be appointed once the old one is revoked.
    proxy_appoint(meeting=meeting, principal=principal, holder=holder)
    assert Proxy.objects.filter(revoked_at__isnull=True).count() == 1


def test_only_the_principal_revokes(articles):
    principal, holder = members_make(2)
    meeting = _convened()
    proxy = proxy_appoint(meeting=meeting, principal=principal, holder=holder)
    from mutualsociety.common.exceptions import NotFound

    with pytest.raises(NotFound):
        proxy_revoke(proxy=proxy, principal=holder)
    assert Proxy.objects.get().revoked_at is None


def test_meeting_status_unchanged_by_refusals(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    with pytest.raises(InvalidInput):
        ballot_cast(motion=meeting.motions.get(), voter=voter, choice="")
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.VOTING_OPEN


@pytest.mark.postgres
def test_postgres_keeps_ballots_and_the_log_append_only(articles):
    from django.db import DatabaseError

    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    ballot_cast(motion=motion, voter=voter, choice="for")
    ballot_cast(motion=motion, voter=voter, choice="against")  # retiring is allowed
    refused = [
        lambda: Ballot.objects.filter(choice="against").update(choice="for"),
        lambda: Ballot.objects.filter(counted=False).update(counted=True),
        lambda: Ballot.objects.all().delete(),
        lambda: Participation.objects.filter(counted=False).update(counted=True),
        lambda: Participation.objects.all().delete(),
        # The event model refuses these itself (ImmutableRecord); go around it to reach
        # the database's own guard.
        lambda: QuerySet.update(MeetingEvent.objects.filter(meeting=meeting), data={}),
        lambda: QuerySet.delete(MeetingEvent.objects.filter(meeting=meeting)),
    ]
    for attempt in refused:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert sorted(Ballot.objects.values_list("choice", "counted")) == [
        ("against", True),
        ("for", False),
    ]


def _convened_with_proxy_window():
    now = timezone.now()
    meeting = meeting_make(opens_in=dt.timedelta(hours=-1), length=dt.timedelta(days=2))
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    return meeting, now


def test_a_holder_cannot_overwrite_the_members_own_in_person_vote(articles, secretary):
    """The member came to the meeting and voted on paper; their proxy holder then tries
    to vote for them: refused, and the member's own ballot still counts. Finding 7a."""
    from governance.services.meetings import meeting_open_voting

    principal, holder = members_make(2)
    meeting, now = _convened_with_proxy_window()
    proxy_appoint(meeting=meeting, principal=principal, holder=holder)
    meeting = meeting_open_voting(meeting=meeting, at=now)
    motion = meeting.motions.get()
    own = ballot_cast(motion=motion, voter=principal, choice="against", in_person=True,
                      actor=secretary)  # fmt: skip
    with pytest.raises(NotAllowed, match="voted in person"):
        ballot_cast(motion=motion, voter=principal, holder=holder, choice="for")
    assert Ballot.objects.get(receipt=own.receipt).counted is True
    assert list(Ballot.objects.filter(counted=True).values_list("choice", flat=True)) == ["against"]
    assert Participation.objects.filter(voter=principal).count() == 1


def test_a_member_holding_proxies_cannot_give_their_own_vote_away(articles):
    """No proxy chains, in either order of appointment. Finding 7b."""
    a, b, c = members_make(3)
    meeting, _now = _convened_with_proxy_window()
    proxy_appoint(meeting=meeting, principal=b, holder=a)  # a holds b's vote
    with pytest.raises(InvalidInput, match="hold proxies"):
        proxy_appoint(meeting=meeting, principal=a, holder=c)
    # The other order: a member who gave their vote away cannot hold one.
    with pytest.raises(InvalidInput, match="given their own vote"):
        proxy_appoint(meeting=meeting, principal=c, holder=b)
    assert list(Proxy.objects.values_list("principal", "holder")) == [(b.pk, a.pk)]


def test_the_service_refuses_candidate_ids_that_are_not_keys(articles):
    """Every face goes through the service: a huge or non-integer id is a clean refusal
    on the ``candidates`` field, never a database error (SQLite cannot bind 2**63)."""
    from governance.models import Body, Matter
    from governance.services.elections import candidate_nominate, candidate_second
    from governance.services.meetings import meeting_open_voting, motion_add

    voter, nominator, seconder, standing = members_make(4)
    board = Body.objects.create(kind=Body.Kind.BOARD, name="board", seats=3)
    meeting, now = _convened_with_proxy_window()
    motion = motion_add(meeting=meeting, title="e", text="", matter=Matter.ELECTION, seats=1,
                        elects_to=board)  # fmt: skip
    candidate = candidate_nominate(motion=motion, member=standing, nominated_by=nominator)
    candidate_second(candidate=candidate, member=seconder)
    meeting = meeting_open_voting(meeting=meeting, at=now)
    for bad in (2**63, "1", 1.0, True, -5):
        with pytest.raises(InvalidInput) as caught:
            ballot_cast(motion=motion, voter=voter, candidates=[bad])
        assert "candidates" in caught.value.fields
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("wrong", ["for", ""])
def test_a_choice_marked_on_an_election_is_refused_on_that_motion(articles, wrong):
    """A face passes candidate ids for an election and a choice for any other motion; a
    choice on an election (even an empty one, never an abstention by accident) and ids
    on an ordinary motion are refusals on the field, carrying the motion they are about."""
    from governance.models import Body, Matter
    from governance.services.elections import candidate_nominate, candidate_second
    from governance.services.meetings import meeting_open_voting, motion_add
    from governance.services.voting import ballots_cast

    voter, nominator, seconder, standing = members_make(4)
    board = Body.objects.create(kind=Body.Kind.BOARD, name="board", seats=3)
    meeting, now = _convened_with_proxy_window()
    ordinary = meeting.motions.get()
    election = motion_add(meeting=meeting, title="e", text="", matter=Matter.ELECTION, seats=1,
                          elects_to=board)  # fmt: skip
    candidate = candidate_nominate(motion=election, member=standing, nominated_by=nominator)
    candidate_second(candidate=candidate, member=seconder)
    meeting = meeting_open_voting(meeting=meeting, at=now)
    with pytest.raises(InvalidInput) as caught:
        ballots_cast(meeting=meeting, voter=voter, choices={election.pk: wrong})
    assert caught.value.fields == {
        "candidates": ["Mark only candidates standing in this election."]
    }
    assert caught.value.motion_id == election.pk
    with pytest.raises(InvalidInput) as caught:
        ballots_cast(meeting=meeting, voter=voter, choices={ordinary.pk: [candidate.pk]})
    assert caught.value.fields == {"choice": ["Choose for, against or abstain."]}
    assert caught.value.motion_id == ordinary.pk
    assert _nothing_recorded()
