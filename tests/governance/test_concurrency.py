"""PostgreSQL: twenty simultaneous submissions by one voter on one motion leave exactly
one counted ballot."""

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
