"""Fixtures for the member portal: published plans, the consent documents, members, and
a helper that walks the enrolment wizard through the test client."""

from __future__ import annotations

import pytest
from django.utils import translation

from members.models import Member
from tests.members.factories import (
    ARTICLES_VERSION,
    PASSWORD,
    PRIVACY_VERSION,
    consent_documents_make,
    member_make,
    mutual_aid_plan_make,
    person_data,
    premium_plan_make,
)

ENROL_URL = "/join/"
ADD_URL = "/me/coverages/add/"


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages are asserted in English, the source language."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def documents(db):
    return consent_documents_make()


@pytest.fixture
def premium(db, documents):
    """A published premium plan (30.00 a month for ages 18–40; 90-day wait)."""
    return premium_plan_make(code="care")


@pytest.fixture
def aid(db, documents):
    """A published mutual aid plan (no premium; ages 0–59)."""
    return mutual_aid_plan_make(code="aid")


@pytest.fixture
def member(premium) -> Member:
    """An active member of the premium plan with a login, first premium due."""
    return member_make(premium)


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


class Wizard:
    """Posts the steps of a formtools wizard the way the browser does."""

    def __init__(self, client, url: str = ENROL_URL, prefix: str = "enrolment_wizard"):
        self.client = client
        self.url = url
        self.prefix = prefix

    def start(self):
        return self.client.get(self.url)

    def post(self, step: str, data: dict, **extra):
        payload = {f"{self.prefix}-current_step": step}
        payload.update({f"{step}-{name}": value for name, value in data.items()})
        payload.update(extra)
        return self.client.post(self.url, payload)

    def back_to(self, step: str, current: str):
        return self.client.post(
            self.url, {f"{self.prefix}-current_step": current, "wizard_goto_step": step}
        )


def current_step(response) -> str:
    return response.context["wizard"]["steps"].current


def step_errors(response) -> dict:
    """The errors of the form on the page, by field (None: the form's own)."""
    form = response.context["wizard"]["form"]
    return {
        (None if name == "__all__" else name): list(errors) for name, errors in form.errors.items()
    }


def plan_data(version, frequency: str = "monthly") -> dict:
    data = {"plan": version.plan.code}
    if frequency:
        data["payment_frequency"] = frequency
    return data


def person_form_data(**overrides) -> dict:
    person = person_data(**{k: v for k, v in overrides.items() if k in ("age", "sex")})
    data = {
        "legal_name": person.legal_name,
        "id_type": person.id_type,
        "id_number": person.id_number,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "phone": person.phone,
        "email": "new.member@example.com",
        "region": person.region,
        "address": person.address,
    }
    data.update({k: v for k, v in overrides.items() if k not in ("age", "sex")})
    return data


def declaration_data(version, *, yes: tuple[str, ...] = ()) -> dict:
    return {f"q_{q.pk}": "yes" if q.yes_outcome in yes else "no" for q in version.questions.all()}


def consent_data() -> dict:
    return {"articles_version": ARTICLES_VERSION, "privacy_version": PRIVACY_VERSION}


def login_data(username: str = "new.member", password: str = PASSWORD) -> dict:
    return {"username": username, "password": password, "password2": password}
