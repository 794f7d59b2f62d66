import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language (the default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Attachments are written under the test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def compliance(make_user):
    return make_user("compliance", roles=("compliance_officer",), is_staff=True)


@pytest.fixture
def compliance2(make_user):
    return make_user("compliance2", roles=("compliance_officer",), is_staff=True)


@pytest.fixture
def regulator(make_user):
    return make_user("regulator", roles=("regulator",), is_staff=True)
