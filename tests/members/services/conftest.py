"""Fixtures for the members services: published plans and the consent documents."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.members.factories import (
    consent_documents_make,
    mutual_aid_plan_make,
    premium_plan_make,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def documents(db):
    """The articles of association and privacy notice in force."""
    return consent_documents_make()


@pytest.fixture
def premium(db, documents):
    """A published premium plan (monthly 30.00 for ages 18–40; 90-day wait; 60-day grace)."""
    return premium_plan_make(code="care")


@pytest.fixture
def aid(db, documents):
    """A published mutual aid plan (no premium; ages 0–59)."""
    return mutual_aid_plan_make(code="aid")
