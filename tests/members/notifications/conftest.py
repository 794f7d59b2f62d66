"""Fixtures for the notification centre: English messages, plans, members, and the staff
the claims and governance paths need."""

from __future__ import annotations

import pytest
from django.utils import translation

from members.models import Member
from tests.governance.factories import articles_make
from tests.members.factories import consent_documents_make, member_make, premium_plan_make


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def premium(db):
    consent_documents_make()
    return premium_plan_make()


@pytest.fixture
def member(premium) -> Member:
    """An active member with a login, an e-mail address and a mobile number."""
    return member_make(premium)


@pytest.fixture
def articles(db):
    return articles_make()


@pytest.fixture
def handler(make_user):
    return make_user("handler", roles=("claims_handler",), is_staff=True)


@pytest.fixture
def approver(make_user):
    return make_user("approver", roles=("claims_approver",), is_staff=True)
