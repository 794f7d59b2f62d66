"""/me/privacy/: the member's downloads, requests and their answers; only theirs."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from privacy.models import PrivacyRequest
from privacy.services.requests import privacy_request_complete, privacy_request_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_alice(client, alice):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(alice.user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/me/privacy/",
        "/me/privacy/my-data.json",
        "/me/privacy/my-data.pdf",
        "/me/privacy/requests/new/",
    ],
)
def test_anonymous_visitors_are_asked_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_member_downloads_their_own_data_as_json(as_alice, alice, bob):
    response = as_alice.get("/me/privacy/my-data.json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["sections"]["profile"][0]["member_number"] == alice.member_number
    assert bob.member_number not in response.content.decode()


def test_the_pdf_is_in_the_members_language(client, alice):
    alice.user.preferred_language = "en"
    alice.user.save(update_fields=["preferred_language"])
    client.force_login(alice.user)

    response = client.get("/me/privacy/my-data.pdf")

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert response["Content-Type"] == "application/pdf"
    assert "Member number" in text and alice.member_number in text


def test_staff_without_a_membership_cannot_download_from_the_portal(client, officer):
    client.force_login(officer)

    response = client.get("/me/privacy/my-data.json")

    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_a_request_sent_twice_from_one_form_is_recorded_once(as_alice, alice):
    form = as_alice.get("/me/privacy/requests/new/?kind=deletion")
    key = form.context["form"].initial["key"]
    data = {"key": key, "kind": "deletion", "items": ["phone", "claims"]}

    first = as_alice.post("/me/privacy/requests/new/", data)
    second = as_alice.post("/me/privacy/requests/new/", data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert PrivacyRequest.objects.filter(member=alice).count() == 1


def test_a_correction_without_a_value_comes_back_naming_the_field(as_alice):
    response = as_alice.post(
        "/me/privacy/requests/new/", {"key": "abc", "kind": "correction", "field": "email"}
    )

    assert response.status_code == 400
    assert "value" in response.context["form"].errors


def test_the_request_page_shows_what_was_kept_and_why(as_alice, alice, officer):
    request = privacy_request_submit(
        member=alice, actor=alice.user, kind="deletion", key="p", items=["phone", "claims"]
    )
    privacy_request_complete(request=request, actor=officer)

    page = as_alice.get(f"/me/privacy/requests/{request.pk}/").content.decode()

    assert "Partly refused" in page
    assert "My mobile phone number: deleted." in page
    assert "PRC Insurance Law art. 87" in page and "10 years" in page


def test_another_members_request_is_not_found(client, alice, bob):
    request = privacy_request_submit(
        member=alice, actor=alice.user, kind="deletion", key="p", items=["phone"]
    )
    client.force_login(bob.user)

    assert client.get(f"/me/privacy/requests/{request.pk}/").status_code == 404


def test_the_overview_lists_requests_and_the_retention_table(as_alice, alice):
    privacy_request_submit(
        member=alice, actor=alice.user, kind="deletion", key="p", items=["phone"]
    )

    page = as_alice.get("/me/privacy/").content.decode()

    assert "Deletion" in page and "Received" in page
    assert "30 years" in page and "10 years" in page
    assert "15 days" in page


def test_the_admin_queue_flags_overdue_requests_and_carries_one_out(client, alice, officer):
    import datetime as dt

    request = privacy_request_submit(
        member=alice, actor=alice.user, kind="deletion", key="p", items=["email"]
    )
    PrivacyRequest.objects.filter(pk=request.pk).update(
        due_on=request.due_on - dt.timedelta(days=20)
    )
    client.force_login(officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    queue = client.get("/admin/privacy/privacyrequest/?queue=overdue").content.decode()
    assert "Overdue by 5 days" in queue

    client.post(
        "/admin/privacy/privacyrequest/",
        {"action": "carry_out", "_selected_action": [request.pk], "apply": "1", "decision": ""},
    )
    request.refresh_from_db()
    alice.refresh_from_db()
    assert request.status == "done" and alice.email == ""
