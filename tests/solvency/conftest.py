import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language (the default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def actuary(make_user):
    return make_user("actuary", roles=("actuary",), is_staff=True)


@pytest.fixture
def actuary2(make_user):
    return make_user("actuary2", roles=("actuary",), is_staff=True)


@pytest.fixture
def compliance(make_user):
    return make_user("compliance", roles=("compliance_officer",), is_staff=True)
