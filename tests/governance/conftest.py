import pytest
from django.utils import translation

from tests.governance.factories import articles_make


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


@pytest.fixture
def articles(db):
    """The articles in force (defaults of docs/defaults.md)."""
    return articles_make()


@pytest.fixture
def secretary(make_user):
    """The board secretary: governance.* in the admin."""
    return make_user("secretary", roles=("board_secretary",), is_staff=True)
