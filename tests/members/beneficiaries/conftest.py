from __future__ import annotations

import pytest
from django.utils import translation

from members.models import Member
from tests.members.factories import (
    consent_documents_make,
    member_make,
    premium_plan_make,
)


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, the source language."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def member(db) -> Member:
    consent_documents_make()
    return member_make(premium_plan_make())
