"""Each step of a publication in the admin calls its service: as an action on the list
and as a button on the publication's page; the effect and the event are the service's,
a refusal is a message or the form's field error, never an error page."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure.models import Attachment, Publication, Withdrawal
from tests.disclosure.admin.factories import (
    CHANGELIST,
    change_url,
    draft,
    published,
    step_url,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def act(client, action: str, *publications, follow=True, **data):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in publications], **data},
        follow=follow,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_maker_checker_through_the_actions(client, compliance, compliance2):
    """The author submits; the author's own approval is refused with the four-eyes
    message; a second person of compliance publishes."""
    publication = draft(compliance)
    client.force_login(compliance)
    act(client, "submit", publication)
    publication.refresh_from_db()
    assert publication.status == "pending"

    refused = act(client, "publish", publication)
    assert any("someone else must approve it" in m for m in messages_of(refused))
    publication.refresh_from_db()
    assert publication.status == "pending"

    client.force_login(compliance2)
    done = act(client, "publish", publication)
    assert "1 published." in messages_of(done)
    publication.refresh_from_db()
    assert (publication.status, publication.approved_by) == ("published", compliance2)
    assert list(publication.events.order_by("at", "id").values_list("type", "actor")) == [
        ("drafted", compliance.pk),
        ("submitted", compliance.pk),
        ("published", compliance2.pk),
    ]


def test_the_buttons_follow_the_status_and_the_kinds_rule(client, compliance, compliance2):
    publication = draft(compliance)
    client.force_login(compliance)
    labels = [label for _url, label in client.get(change_url(publication)).context["steps"]]
    assert labels == ["Submit for approval", "Discard", "Attach a file"]

    client.post(step_url(publication, "submit"))
    client.force_login(compliance2)
    labels = [label for _url, label in client.get(change_url(publication)).context["steps"]]
    assert labels == ["Approve and publish", "Return to its author", "Discard"]

    client.post(step_url(publication, "publish"))
    labels = [label for _url, label in client.get(change_url(publication)).context["steps"]]
    assert labels == ["Correct", "Withdraw"]


def test_the_author_approving_on_the_page_reads_the_four_eyes_message(client, compliance):
    publication = draft(compliance)
    client.force_login(compliance)
    client.post(step_url(publication, "submit"))
    response = client.post(step_url(publication, "publish"))
    assert response.status_code == 200
    assert "someone else must approve it" in str(response.context["form"].non_field_errors())
    publication.refresh_from_db()
    assert publication.status == "pending"


def test_a_kind_without_approval_is_published_by_one_person(client, compliance, no_approval):
    publication = draft(compliance)
    client.force_login(compliance)
    labels = [label for _url, label in client.get(change_url(publication)).context["steps"]]
    assert labels[0] == "Publish"
    response = client.post(step_url(publication, "publish"), follow=True)
    assert "Published: it is on the public site." in messages_of(response)
    publication.refresh_from_db()
    assert (publication.status, publication.approved_by) == ("published", None)


def test_return_to_the_author_asks_for_the_reason(client, compliance, compliance2):
    publication = draft(compliance)
    client.force_login(compliance)
    act(client, "submit", publication)
    client.force_login(compliance2)

    asked = act(client, "return_to_author", publication)
    assert asked.templates[0].name == "admin/action_form.html"
    empty = act(client, "return_to_author", publication, apply="yes", reason="  ")
    assert "This field is required." in str(empty.context["form"].errors["reason"])
    publication.refresh_from_db()
    assert publication.status == "pending"

    act(client, "return_to_author", publication, apply="yes", reason="金额需核对。")
    publication.refresh_from_db()
    assert publication.status == "draft"
    event = publication.events.get(type="returned")
    assert (event.actor, event.reason, event.new_value) == (compliance2, "金额需核对。", "draft")


def test_discard_keeps_the_draft_in_the_history(client, compliance):
    publication = draft(compliance)
    client.force_login(compliance)
    act(client, "discard", publication, apply="yes", reason="重复。")
    publication.refresh_from_db()
    assert publication.status == "discarded"
    assert publication.events.get(type="discarded").reason == "重复。"
    # the step page of a discarded draft is not offered
    response = client.get(step_url(publication, "submit"), follow=True)
    assert any("not for a publication that is Discarded" in m for m in messages_of(response))


def test_a_correction_is_a_new_version_with_its_note(client, compliance, compliance2):
    publication = published(compliance, compliance2)
    client.force_login(compliance)
    page = client.get(step_url(publication, "correct"))
    assert page.context["form"]["title"].value() == "关联交易公告"

    data = {
        "title": "关联交易公告",
        "title_en": "Related-party transaction",
        "body": "与某公司签订服务合同，金额更正。",
        "body_en": "",
        "content": '{"amount": "125000.00"}',
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
    }
    missing = client.post(step_url(publication, "correct"), {**data, "note": ""})
    assert "This field is required." in str(missing.context["form"].errors["note"])
    bad = client.post(step_url(publication, "correct"), {**data, "note": "x", "content": "[1]"})
    assert "Figures are a JSON object" in str(bad.context["form"].errors["content"])
    assert Publication.objects.count() == 1

    response = client.post(
        step_url(publication, "correct"), {**data, "note": "金额由12万更正为12.5万。"}
    )
    correction = Publication.objects.get(version=2)
    assert response.status_code == 302
    assert response["Location"] == change_url(correction)
    assert (correction.status, correction.supersedes, correction.key) == (
        "draft",
        publication,
        publication.key,
    )
    assert correction.correction_note == "金额由12万更正为12.5万。"
    assert correction.content == {"amount": "125000.00"}
    assert correction.body == "与某公司签订服务合同，金额更正。"
    assert correction.drafted_by == compliance
    # a second correction of version 1 is refused: correct version 2
    again = client.post(step_url(publication, "correct"), {**data, "note": "again"})
    assert "Version 2 of this document already exists" in str(
        again.context["form"].non_field_errors()
    )


def test_the_correct_action_takes_one_version(client, compliance, compliance2):
    one = published(compliance, compliance2)
    two = published(compliance, compliance2, period="2026Q2", title="第二季度")
    client.force_login(compliance)
    both = act(client, "correct", one, two)
    assert "Tick one published version to correct (2 are ticked)." in messages_of(both)
    response = act(client, "correct", one, follow=False)
    assert response["Location"] == step_url(one, "correct")


def test_withdrawal_needs_its_reason_and_keeps_the_version(client, compliance, compliance2):
    publication = published(compliance, compliance2)
    client.force_login(compliance2)
    empty = client.post(step_url(publication, "withdraw"), {"reason": ""})
    assert "This field is required." in str(empty.context["form"].errors["reason"])
    assert not Withdrawal.objects.exists()

    client.post(step_url(publication, "withdraw"), {"reason": "合同已解除。"})
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.publication, withdrawal.reason, withdrawal.by) == (
        publication,
        "合同已解除。",
        compliance2,
    )
    assert publication.events.get(type="withdrawn").reason == "合同已解除。"
    page = client.get(change_url(publication))
    assert "合同已解除。" in page.content.decode()
    assert [label for _u, label in page.context["steps"]] == ["Correct"]
    # withdrawing again through the action is refused with the first date
    again = act(client, "withdraw", publication, apply="yes", reason="again")
    assert any("It was withdrawn on" in m for m in messages_of(again))
    assert Withdrawal.objects.count() == 1


def test_a_file_is_attached_with_its_checksum_and_served_while_it_matches(
    client, compliance, settings
):
    publication = draft(compliance)
    client.force_login(compliance)
    not_pdf = client.post(
        step_url(publication, "attach"),
        {"format": "pdf", "file": SimpleUploadedFile("report.pdf", b"hello")},
    )
    assert "not a PDF" in str(not_pdf.context["form"].errors["file"])
    no_file = client.post(step_url(publication, "attach"), {"format": "pdf"})
    assert "This field is required." in str(no_file.context["form"].errors["file"])
    assert not Attachment.objects.exists()

    response = client.post(
        step_url(publication, "attach"),
        {"format": "pdf", "file": SimpleUploadedFile("report.pdf", PDF)},
        follow=True,
    )
    digest = hashlib.sha256(PDF).hexdigest()
    attachment = Attachment.objects.get()
    assert attachment.sha256 == digest
    assert any(digest in m for m in messages_of(response))
    assert digest in client.get(change_url(publication)).content.decode()
    assert publication.events.filter(type="attached", actor=compliance).exists()

    url = reverse("admin:disclosure_publication_file", args=[publication.pk, attachment.pk])
    served = client.get(url)
    assert served.status_code == 200 and served.content == PDF

    with open(attachment.file.path, "wb") as handle:
        handle.write(PDF + b"changed")
    refused = client.get(url, follow=True)
    assert refused.status_code == 200
    assert any("no longer matches the checksum" in m for m in messages_of(refused))
    assert publication.events.filter(type="checksum_mismatch").exists()


def test_a_published_version_takes_no_file(client, compliance, compliance2):
    publication = published(compliance, compliance2)
    client.force_login(compliance)
    response = client.post(
        step_url(publication, "attach"),
        {"format": "pdf", "file": SimpleUploadedFile("late.pdf", PDF)},
        follow=True,
    )
    assert any("not for a publication that is Published" in m for m in messages_of(response))
    assert not Attachment.objects.exists()


def test_an_unknown_step_or_publication_is_a_404(client, compliance):
    publication = draft(compliance)
    client.force_login(compliance)
    assert client.get(step_url(publication, "explode")).status_code == 404
    missing = reverse("admin:disclosure_publication_step", args=[999999, "submit"])
    assert client.get(missing).status_code == 404
