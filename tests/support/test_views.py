"""The portal: filing (signed in or not), a member sees only their own complaints
(another's answers 404), the secret link, the escalation, and a form sent twice."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from support.models import Complaint
from tests.claims.factories import PDF, claim_make, covered_member
from tests.support.factories import file_for, handler_make, resolved

pytestmark = pytest.mark.django_db


def _form(client, url="/complaints/new/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.search(r'name="submission_key" value="([0-9a-f]+)"', response.content.decode())[1]


def test_a_member_files_through_the_portal_and_a_double_submit_has_one_effect(client, aid):
    member = covered_member(aid)
    claim = claim_make(member)
    client.force_login(member.user)
    key = _form(client)
    body = {
        "category": "claim",
        "claim": claim.pk,
        "description": "The rejection ignored my hospital report.",
        "submission_key": key,
    }

    first = client.post("/complaints/new/", {**body, "documents": SimpleUploadedFile("a.pdf", PDF)})
    second = client.post("/complaints/new/", body)

    complaint = Complaint.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/me/complaints/{complaint.pk}/"
    assert complaint.claim == claim
    assert complaint.documents.count() == 1
    page = client.get(first["Location"])
    assert complaint.reference in page.content.decode()


def test_a_refused_form_names_the_field_and_saves_nothing(client, aid):
    member = covered_member(aid)
    client.force_login(member.user)

    response = client.post(
        "/complaints/new/",
        {"category": "service", "description": "", "submission_key": _form(client)},
    )

    assert response.status_code == 400
    assert "Say what happened." in response.content.decode()
    assert response.context["form"].errors.keys() == {"description"}
    assert Complaint.objects.count() == 0


def test_a_signed_out_person_files_and_follows_the_secret_link(client):
    response = client.post(
        "/complaints/new/",
        {
            "category": "service",
            "description": "The office was closed during opening hours.",
            "contact_name": "赵六",
            "contact_phone": "13900139000",
            "submission_key": _form(client),
        },
    )

    assert response.status_code == 200
    complaint = Complaint.objects.get()
    link = re.search(
        rf'href="(/complaints/{complaint.reference}/[0-9a-f]+/)"', response.content.decode()
    )[1]
    page = client.get(link)
    assert page.status_code == 200
    assert "The office was closed" in page.content.decode()
    wrong = link.rstrip("/")[:-4] + "0000/"
    assert client.get(wrong).status_code == 404


def test_a_member_sees_only_their_own_complaints(client, aid):
    mine, theirs = covered_member(aid), covered_member(aid)
    own = file_for(mine)
    other = file_for(theirs, description="Somebody else's complaint.")
    client.force_login(mine.user)

    listing = client.get("/me/complaints/").content.decode()
    assert own.reference in listing and other.reference not in listing
    assert client.get(f"/me/complaints/{own.pk}/").status_code == 200
    assert client.get(f"/me/complaints/{other.pk}/").status_code == 404
    escalate = client.post(f"/me/complaints/{other.pk}/escalate/", {"reason": "x"})
    assert escalate.status_code == 404


def test_the_member_sees_the_outcome_and_escalates_once(client, aid):
    member = covered_member(aid)
    complaint = resolved(member, handler_make())
    client.force_login(member.user)
    page = client.get(reverse("support:detail", args=[complaint.pk])).content.decode()
    assert "We apologise" in page and "Escalate" in page

    empty = client.post(f"/me/complaints/{complaint.pk}/escalate/", {"reason": ""})
    assert empty.status_code == 400
    done = client.post(f"/me/complaints/{complaint.pk}/escalate/", {"reason": "Not enough."})
    again = client.post(f"/me/complaints/{complaint.pk}/escalate/", {"reason": "Again."})

    assert done.status_code == 302
    assert again.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ESCALATED
    assert complaint.events.filter(type="escalated").count() == 1


def test_pages_answer_in_chinese_on_a_phone_layout(client, aid):
    member = covered_member(aid)
    client.force_login(member.user)
    response = client.get("/complaints/new/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'name="viewport"' in response.content.decode()


def test_a_document_is_served_to_its_member_and_complaints_staff_only(client, aid):
    from claims.services.documents import Upload
    from support.services import ComplaintData, complaint_file
    from tests.support.factories import key, staff_in

    member, other = covered_member(aid), covered_member(aid)
    filed = complaint_file(
        member=member,
        data=ComplaintData(category="service", description="See the letter."),
        submission_key=key(),
        documents=[Upload("letter.pdf", PDF)],
    )
    document = filed.complaint.documents.get()
    url = reverse("support:document", args=[document.pk])

    client.force_login(member.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(other.user)
    assert client.get(url).status_code == 404
    client.force_login(staff_in("claims_handler"))
    assert client.get(url).status_code == 404  # claims staff see no complaint documents
    client.force_login(staff_in("complaints_handler"))
    assert client.get(url).status_code == 200


def test_the_signed_out_complainant_is_e_mailed_the_whole_address_of_their_link(
    client, settings, django_capture_on_commit_callbacks
):
    """Read in a mail program, a path alone leads nowhere: the link carries SITE_URL."""
    from django.core import mail

    settings.SITE_URL = "https://mutual.example"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/complaints/new/",
            {
                "category": "service",
                "description": "Nobody called me back.",
                "contact_name": "赵六",
                "contact_email": "zhao6@example.com",
                "submission_key": _form(client),
            },
        )
    complaint = Complaint.objects.get()
    (message,) = [m for m in mail.outbox if m.to == ["zhao6@example.com"]]
    assert f"https://mutual.example/complaints/{complaint.reference}/" in message.body
