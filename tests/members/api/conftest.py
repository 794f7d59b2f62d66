"""Fixtures for the members API: plans, a signed-in member, staff with permissions."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import translation

from members.models import Member
from tests.members.factories import (
    consent_documents_make,
    enrolment_data,
    member_make,
    mutual_aid_plan_make,
    premium_plan_make,
    user_with_perms,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """The test client, asking for English answers (the default language is Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def documents(db):
    return consent_documents_make()


@pytest.fixture
def premium(db, documents):
    """A published premium plan "care" (monthly 30.00 for ages 18–40)."""
    return premium_plan_make(code="care")


@pytest.fixture
def aid(db, documents):
    """A published mutual aid plan "aid"."""
    return mutual_aid_plan_make(code="aid")


@pytest.fixture
def member(premium) -> Member:
    """An active member with premium cover and its first premium due."""
    return member_make(premium)


@pytest.fixture
def member_client(client, member):
    """The test client, signed in as ``member``."""
    client.force_login(member.user)
    return client


@pytest.fixture
def staff_client(client):
    """Sign the client in as a staff user holding the given permissions."""

    def sign_in(*perms: str, username: str = "staff"):
        client.force_login(user_with_perms(username, *perms))
        return client

    return sign_in


def enrolment_body(version, **overrides) -> dict:
    """A valid JSON body for POST /api/v1/enrolment/; ``person`` overrides merge."""
    person_changes = overrides.pop("person", {})
    data = dataclasses.asdict(enrolment_data(version, **overrides))
    data["person"]["date_of_birth"] = data["person"]["date_of_birth"].isoformat()
    data["person"].update(person_changes)
    return data
