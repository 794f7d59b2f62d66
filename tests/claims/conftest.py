import pytest
from django.utils import translation

from tests.members.factories import mutual_aid_plan_make, premium_plan_make


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language (the default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """The test client, asking for English answers (the default language is Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """Claim documents go to a private folder of the test."""
    settings.CLAIM_DOCUMENTS_ROOT = tmp_path / "private"
    settings.CLAIM_DOCUMENT_MAX_BYTES = 1024


@pytest.fixture
def aid(db):
    return mutual_aid_plan_make(
        objection_threshold=2, panel_size=3, panel_quorum=2, panel_min_tenure_days=30
    )


@pytest.fixture
def premium(db):
    return premium_plan_make()


@pytest.fixture
def handler(make_user):
    return make_user("handler", roles=("claims_handler",), is_staff=True)


@pytest.fixture
def approver(make_user):
    return make_user("approver", roles=("claims_approver",), is_staff=True)


@pytest.fixture
def approver2(make_user):
    return make_user("approver2", roles=("claims_approver",), is_staff=True)
