"""PostgreSQL: twenty simultaneous submissions by one voter on one motion leave exactly
one counted ballot; changes of vote by different voters neither wait for one another nor
deadlock; a proxy revocation racing the opening of the vote is refused."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from governance.models import Ballot, Participation
from governance.services.voting import AlreadyVoted, ballot_cast
from tests.governance.factories import articles_make, meeting_voting, members_make

THREADS = 20


def _race(motion, voter) -> list:
    barrier = threading.Barrier(THREADS)
    outcomes: list = []
    lock = threading.Lock()

    def submit(i: int) -> None:
        try:
            barrier.wait()
            result = ballot_cast(motion=motion.pk, voter=voter, choice=("for", "against")[i % 2])
            with lock:
                outcomes.append(result)
        except AlreadyVoted as error:
            with lock:
                outcomes.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_changes_leave_one_counted_ballot(chart_of_accounts):
    """Vote changes allowed: every submission is recorded in turn; only the last counts."""
    articles_make(vote_changes_allowed=True)
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    outcomes = _race(motion, voter)
    assert len(outcomes) == THREADS
    assert Participation.objects.filter(motion=motion, voter=voter, counted=True).count() == 1
    assert Ballot.objects.filter(motion=motion, counted=True).count() == 1
    assert Ballot.objects.filter(motion=motion).count() == THREADS  # the rest superseded


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_first_ballots_without_changes_leave_one(chart_of_accounts):
    """Vote changes not allowed: one submission wins, nineteen are refused cleanly."""
    articles_make(vote_changes_allowed=False)
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    outcomes = _race(motion, voter)
    assert sum(isinstance(o, AlreadyVoted) for o in outcomes) == THREADS - 1
    assert Participation.objects.filter(motion=motion, voter=voter).count() == 1
    assert Ballot.objects.filter(motion=motion).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_of_vote_does_not_wait_for_another_voters_ballot_in_flight(
    chart_of_accounts,
):
    """A voter changes their vote while another voter's change is still open in its
    transaction: it goes through at once (the meeting row is only held in SHARE mode by
    both). Before, the lookup of the earlier participation locked the motion and meeting
    rows FOR UPDATE through the model's ordering, so the second change waited for the
    first and, with both holding the SHARE lock, the two deadlocked under load
    (bench/run.py portal-load: 4 of 400 votes answered 500)."""
    from django.db import OperationalError, transaction

    articles_make(vote_changes_allowed=True)
    first, second = members_make(2)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    for voter in (first, second):
        ballot_cast(motion=motion.pk, voter=voter, choice="for")
    in_flight, done = threading.Event(), threading.Event()
    outcome: list = []

    def hold_first() -> None:
        try:
            with transaction.atomic():
                ballot_cast(motion=motion.pk, voter=first, choice="against")
                in_flight.set()
                done.wait(timeout=10)
        finally:
            connection.close()

    def change_second() -> None:
        try:
            in_flight.wait(timeout=10)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                outcome.append(ballot_cast(motion=motion.pk, voter=second, choice="against"))
        except OperationalError as error:  # lock_timeout: it waited for the first voter
            outcome.append(error)
        finally:
            done.set()
            connection.close()

    threads = [threading.Thread(target=hold_first), threading.Thread(target=change_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcome) == 1 and not isinstance(outcome[0], Exception), outcome
    assert outcome[0].changed is True
    assert Participation.objects.filter(motion=motion, counted=True).count() == 2
    assert Ballot.objects.filter(motion=motion, counted=True).count() == 2
    assert Ballot.objects.filter(motion=motion).count() == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_revocation_waits_for_the_opening_of_the_vote_and_is_then_refused(
    chart_of_accounts,
):
    """Voting opens while a member revokes their proxy: the revocation waits for the
    meeting row, sees the vote open, and is refused; the proxy stands. Finding 8. (The
    earlier FOR UPDATE over the proxy joined to its meeting also locked the meeting row on
    PostgreSQL; the service now locks it explicitly, meeting first, as proxy_appoint.)"""
    import datetime as dt
    import time

    from django.db import transaction
    from django.utils import timezone

    from governance.models import Meeting, Proxy
    from governance.services.meetings import meeting_convene
    from governance.services.voting import proxy_appoint, proxy_revoke
    from mutualsociety.common.exceptions import NotAllowed
    from tests.governance.factories import meeting_make

    articles_make()
    principal, holder = members_make(2)
    now = timezone.now()
    meeting = meeting_make(opens_in=dt.timedelta(hours=-1), length=dt.timedelta(days=2))
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    proxy = proxy_appoint(meeting=meeting, principal=principal, holder=holder)
    locked, outcome = threading.Event(), []

    def open_vote() -> None:
        try:
            with transaction.atomic():
                Meeting.objects.select_for_update().get(pk=meeting.pk)
                locked.set()
                time.sleep(0.5)
                Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.VOTING_OPEN)
        finally:
            connection.close()

    def revoke() -> None:
        try:
            locked.wait()
            proxy_revoke(proxy=proxy, principal=principal)
            outcome.append("revoked")
        except NotAllowed as error:
            outcome.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_vote), threading.Thread(target=revoke)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcome) == 1 and isinstance(outcome[0], NotAllowed)
    assert Proxy.objects.get(pk=proxy.pk).revoked_at is None
