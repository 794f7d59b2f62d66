"""Fixtures of the public pages' tests: the people who make the data, a clock set to a
day, ledger postings, and a client that speaks English unless told otherwise."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from ledger.services import Credit, Debit, entry_post


@contextmanager
def on_day(day: dt.date, hour: int = 9):
    """Everything (services and pages) runs as on ``day``."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def post(key: str, debit: str, credit: str, amount: str, on: dt.date) -> None:
    entry_post(
        idempotency_key=key,
        date=on,
        memo="test",
        lines=[Debit(debit, amount), Credit(credit, amount)],
    )


@pytest.fixture
def actuary(make_user):
    return make_user("actuary", roles=("actuary",), is_staff=True)


@pytest.fixture
def handler(make_user):
    return make_user("handler", roles=("claims_handler",), is_staff=True)


@pytest.fixture
def approver(make_user):
    return make_user("approver", roles=("claims_approver",), is_staff=True)


@pytest.fixture
def secretary(make_user):
    return make_user("secretary", roles=("board_secretary",), is_staff=True)
