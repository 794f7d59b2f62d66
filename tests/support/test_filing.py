"""Filing a complaint: a member about their own objects, a person signed out with
contact details, documents checked as claim documents are, every refusal naming its
field and saving nothing, and a form sent twice filing one complaint."""

from __future__ import annotations

import pytest
from django.core import mail

from claims.services.documents import Upload
from members.models import Notification, Topic
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from support.models import Complaint, ComplaintDocument, ComplaintEvent
from support.selectors import complaint_for_secret
from support.services import ComplaintData, complaint_file
from tests.claims.factories import PDF, claim_make, covered_member
from tests.support.factories import file_anonymous, file_for, key

pytestmark = pytest.mark.django_db
C = Complaint.Category


def test_a_member_files_a_complaint_about_their_own_claim(aid):
    """The complaint names the claim, gets a reference and deadlines, records who filed
    it, and the member finds the receipt in the notification centre (topic complaints)."""
    member = covered_member(aid)
    claim = claim_make(member)

    complaint = file_for(member, category=C.CLAIM, claim=claim.pk)

    assert complaint.claim == claim
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.reference.startswith(f"TS{complaint.received_on.year}")
    event = complaint.events.get()
    assert (event.type, event.actor, event.new_value) == (
        ComplaintEvent.Type.FILED,
        member.user,
        "received",
    )
    note = Notification.objects.get(member=member, topic=Topic.COMPLAINTS)
    assert complaint.reference in note.subject


def test_a_member_cannot_link_another_members_claim(aid):
    """Another member's claim answers as one that does not exist, on the claim field,
    and nothing is filed."""
    member, other = covered_member(aid), covered_member(aid)
    theirs = claim_make(other)

    with pytest.raises(InvalidInput) as error:
        file_for(member, category=C.CLAIM, claim=theirs.pk)

    assert set(error.value.fields) == {"claim"}
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("field", ["application", "share"])
def test_another_members_application_or_share_is_refused(aid, field):
    member, other = covered_member(aid), covered_member(aid)
    theirs = other.applications.get().pk if field == "application" else 10**6
    category = C.UNDERWRITING if field == "application" else C.APPORTIONMENT

    with pytest.raises(InvalidInput) as error:
        file_for(member, category=category, **{field: theirs})

    assert set(error.value.fields) == {field}
    assert Complaint.objects.count() == 0


def test_the_member_links_their_own_application(aid):
    member = covered_member(aid)
    application = member.applications.get()

    complaint = file_for(member, category=C.UNDERWRITING, application=application.pk)

    assert complaint.application == application


def test_an_object_under_the_wrong_category_is_refused_on_category(aid):
    member = covered_member(aid)
    claim = claim_make(member)

    with pytest.raises(InvalidInput) as error:
        file_for(member, category=C.SERVICE, claim=claim.pk)

    assert set(error.value.fields) == {"category"}


def test_a_signed_out_person_files_with_contact_details_and_follows_by_secret(
    django_capture_on_commit_callbacks,
):
    """They get a reference and a secret; the secret opens the complaint, a wrong one
    does not; the receipt is e-mailed through the outbox after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_anonymous(contact_phone="138 0013 8000")

    complaint = filed.complaint
    assert complaint.member is None
    assert complaint.contact_phone == "13800138000"
    assert filed.secret and complaint.secret_hash != filed.secret
    assert complaint_for_secret(complaint.reference, filed.secret) == complaint
    with pytest.raises(Exception, match="No such complaint"):
        complaint_for_secret(complaint.reference, "0" * 32)
    (message,) = mail.outbox
    assert message.to == ["lisi@example.com"]
    assert complaint.reference in message.subject
    assert filed.secret in message.body


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"contact_name": ""}, {"contact_name"}),
        ({"contact_email": "", "contact_phone": ""}, {"contact_email"}),
        ({"contact_email": "not-an-address"}, {"contact_email"}),
        ({"contact_phone": "12345"}, {"contact_phone"}),
        ({"description": "  "}, {"description"}),
        ({"category": "weather"}, {"category"}),
        ({"claim": 1}, {"claim"}),
    ],
)
def test_a_signed_out_complaint_names_each_wrong_field_and_saves_nothing(data, fields):
    with pytest.raises(InvalidInput) as error:
        file_anonymous(**data)

    assert set(error.value.fields) == fields
    assert Complaint.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0


def test_documents_are_checked_by_content_and_size(aid, settings, tmp_path):
    """A file that is not a PDF/JPEG/PNG by its bytes, or too large, is refused on the
    documents field; nothing is filed and no file stays behind."""
    member = covered_member(aid)
    data = ComplaintData(category=C.SERVICE, description="Rude answer.")
    for upload in (Upload("fake.pdf", b"MZ\x90\x00 not a pdf"), Upload("big.pdf", PDF * 100)):
        with pytest.raises(InvalidInput) as error:
            complaint_file(member=member, data=data, submission_key=key(), documents=[upload])
        assert set(error.value.fields) == {"documents"}
    assert Complaint.objects.count() == 0
    root = tmp_path / "private"
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))

    filed = complaint_file(
        member=member, data=data, submission_key=key(), documents=[Upload("letter.pdf", PDF)]
    )
    document = ComplaintDocument.objects.get(complaint=filed.complaint)
    assert document.content_type == "application/pdf"
    assert (root / document.path).read_bytes() == PDF


def test_the_same_submission_twice_files_one_complaint(aid):
    """A double click: the second call answers the first complaint; one row, one event,
    one notification."""
    member = covered_member(aid)
    data = ComplaintData(category=C.SERVICE, description="Late reply.")

    first = complaint_file(member=member, data=data, submission_key="k-1")
    second = complaint_file(member=member, data=data, submission_key="k-1")

    assert (first.created, second.created) == (True, False)
    assert second.complaint == first.complaint
    assert Complaint.objects.count() == 1
    assert ComplaintEvent.objects.count() == 1
    assert Notification.objects.filter(topic=Topic.COMPLAINTS).count() == 1


def test_a_replayed_signed_out_submission_shows_the_same_secret():
    data = ComplaintData(
        category=C.SERVICE, description="x", contact_name="王五", contact_email="w@example.com"
    )
    first = complaint_file(data=data, submission_key="anon-1")
    second = complaint_file(data=data, submission_key="anon-1")

    assert second.secret == first.secret
    assert Complaint.objects.count() == 1


def test_someone_else_reusing_a_key_is_a_conflict(aid):
    member, other = covered_member(aid), covered_member(aid)
    data = ComplaintData(category=C.SERVICE, description="x")
    complaint_file(member=member, data=data, submission_key="shared")

    with pytest.raises(IdempotencyConflict):
        complaint_file(member=other, data=data, submission_key="shared")
    assert Complaint.objects.count() == 1
