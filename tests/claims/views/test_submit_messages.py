"""/claims/new/ names what is missing (issue 10): an empty field is answered with the
service's own message on that field, as enrolment does, not Django's generic one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim
from tests.claims.factories import covered_member

pytestmark = pytest.mark.django_db

EXPECTED = {
    "coverage": "Choose one of your coverages.",
    "kind": "Choose illness or accident.",
    "event_date": "Enter the date of the diagnosis or accident.",
    "description": "Describe what happened in a few words (at least 10 characters).",
    "amount_claimed": "Enter the amount claimed in yuan, e.g. 50000.00.",
    "bank_account_name": "Enter the name of the account holder.",
    "bank_account_number": "Enter the bank account number (8 to 34 digits).",
}


def test_an_empty_claim_names_every_missing_field(client, aid):
    member = covered_member(aid)
    client.force_login(member.user)
    response = client.post(reverse("claims:submit"), dict.fromkeys(EXPECTED, ""))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {name: list(errors[name]) for name in EXPECTED} == {
        name: [message] for name, message in EXPECTED.items()
    }
    page = response.content.decode()
    assert "This field is required." not in page
    assert Claim.objects.count() == 0


def test_the_form_marks_the_fields_it_needs_and_only_documents_as_optional(client, aid):
    member = covered_member(aid)
    client.force_login(member.user)
    form = client.get(reverse("claims:submit")).context["form"]
    needed = {name for name, field in form.fields.items() if field.widget.attrs.get("required")}
    assert needed == set(EXPECTED)
    assert form.optional_fields == ("documents",)
