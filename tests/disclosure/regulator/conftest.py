"""A society with real records for the regulator portal: the books, four claims with
their history, an approved reserve run, an approved assessment with its stress results,
a closed meeting with one ballot; and a regulator signed in with their authenticator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from governance.services.meetings import meeting_declare_results
from governance.services.voting import ballot_cast
from solvency.services.assessments import assessment_approve, assessment_compute
from solvency.services.reserves import reserve_run_approve, reserve_run_create
from solvency.services.stress import stress_run
from tests.accounts.factories import enrol, next_token
from tests.governance.factories import meeting_closed, meeting_voting, members_make
from tests.solvency.factories import VALUATION, books, holdings, reserve_history

TWO_FACTOR = "/accounts/two-factor/"


def sign_in_with_second_factor(client, user):
    """Sign ``user`` in and enter their authenticator's code in this session (as the
    two-factor page does after the password)."""
    device = enrol(user)
    client.force_login(user)
    response = client.post(TWO_FACTOR, {"token": next_token(device)})
    assert response.status_code == 302, response.content
    return client


@dataclass
class World:
    run: object
    assessment: object
    meeting: object
    receipt: str


@pytest.fixture
def actuary(make_user):
    return make_user("actuary", roles=("actuary",), is_staff=True)


@pytest.fixture
def world(db, actuary, compliance) -> World:
    pytest.importorskip("chainladder")
    books()
    holdings()
    reserve_history()
    run = reserve_run_create(
        valuation_date=dt.date(2024, 6, 30), method="mack", grain="quarter", actor=actuary
    )
    run = reserve_run_approve(run=run, actor=compliance)
    assessment = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    stress_run(assessment=assessment, actor=actuary)
    assessment = assessment_approve(assessment=assessment, actor=compliance)
    (voter,) = members_make(1)
    meeting = meeting_voting()
    cast = ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for")
    meeting = meeting_declare_results(meeting=meeting_closed(meeting), actor=None)
    return World(run=run, assessment=assessment, meeting=meeting, receipt=cast.receipt)


@pytest.fixture
def regulator_client(client, regulator):
    return sign_in_with_second_factor(client, regulator)
