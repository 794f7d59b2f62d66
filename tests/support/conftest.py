import pytest
from django.utils import translation

from tests.members.factories import mutual_aid_plan_make


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language (the default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """Documents go to a private folder of the test."""
    settings.CLAIM_DOCUMENTS_ROOT = tmp_path / "private"
    settings.CLAIM_DOCUMENT_MAX_BYTES = 1024


@pytest.fixture
def aid(db):
    return mutual_aid_plan_make()
