import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimDocument
from tests.claims.factories import PDF, claim_approved, claim_make, covered_member

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple-42"


def login(client, member):
    client.force_login(member.user)
    return client


def test_submit_through_the_portal_with_documents(client, aid):
    member = covered_member(aid)
    login(client, member)
    page = client.get(reverse("claims:submit"))
    assert page.status_code == 200
    response = client.post(
        reverse("claims:submit"),
        {
            "coverage": member.coverages.first().pk,
            "kind": "illness",
            "event_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "description": "Diagnosed with a covered illness.",
            "amount_claimed": "1000.00",
            "bank_account_name": "Zhang San",
            "bank_account_number": "6222021234567890",
            "documents": [SimpleUploadedFile("scan.pdf", PDF)],
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("claims:detail", args=[claim.pk])
    assert claim.documents.count() == 1
    detail = client.get(response.url)
    assert detail.status_code == 200
    assert claim.number in detail.content.decode()


def test_bad_file_and_future_date_answer_400_naming_the_fields(client, aid):
    member = covered_member(aid)
    login(client, member)
    response = client.post(
        reverse("claims:submit"),
        {
            "coverage": member.coverages.first().pk,
            "kind": "illness",
            "event_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "description": "Diagnosed with a covered illness.",
            "amount_claimed": "1000.00",
            "bank_account_name": "Zhang San",
            "bank_account_number": "6222021234567890",
            "documents": [SimpleUploadedFile("scan.pdf", b"GIF89a not a pdf")],
        },
    )
    assert response.status_code == 400
    assert "event_date" in response.context["form"].errors
    assert Claim.objects.count() == 0 and ClaimDocument.objects.count() == 0


def test_member_never_sees_another_members_claim_or_document(client, aid):
    owner = covered_member(aid)
    other = covered_member(aid)
    claim = claim_make(owner)
    document = claim.documents.get()
    login(client, other)
    for url in (
        reverse("claims:detail", args=[claim.pk]),
        reverse("claims:document", args=[document.pk]),
    ):
        assert client.get(url).status_code == 404
    for name in ("claims:withdraw", "claims:appeal", "claims:info", "claims:document_add"):
        assert client.post(reverse(name, args=[claim.pk]), {"reason": "x" * 20}).status_code == 404
    assert claim.number not in client.get(reverse("claims:list")).content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED


def test_document_served_to_owner_and_staff_only(client, aid, handler, make_user):
    owner = covered_member(aid)
    document = claim_make(owner).documents.get()
    url = reverse("claims:document", args=[document.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    login(client, owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    client.force_login(handler)
    assert client.get(url).status_code == 200
    client.force_login(make_user("someone", is_staff=True))
    assert client.get(url).status_code == 404
    client.force_login(make_user("actuary", roles=("actuary",), is_staff=True))
    assert client.get(url).status_code == 404  # reads claims, not medical documents


def test_documents_are_not_under_media_url(client, aid, settings):
    """Review finding 10: the configured document root lies outside every folder the
    site serves files from (media, static, any static.serve URL), and the only URL that
    reaches a document is the permission-checking view."""
    from pathlib import Path

    from django.urls import Resolver404, resolve

    from claims.checks import claim_documents_private, file_serving_roots
    from mutualsociety import settings as project

    configured = Path(project.CLAIM_DOCUMENTS_ROOT).resolve()
    roots = [root.resolve() for _name, root in file_serving_roots()]
    assert roots  # media and static at least
    for root in roots:
        assert configured != root and root not in configured.parents, root
    assert claim_documents_private() == []
    owner = covered_member(aid)
    document = claim_make(owner).documents.get()
    for prefix in (settings.MEDIA_URL, settings.STATIC_URL, "/", "/claims/", "/api/v1/claims/"):
        try:
            match = resolve(prefix + document.path)
        except Resolver404:
            continue
        assert match.view_name == "claims:document", match.view_name
    assert resolve(reverse("claims:document", args=[document.pk])).view_name == "claims:document"
    login(client, owner)
    assert client.get(settings.MEDIA_URL + document.path).status_code == 404
    # and the check does catch a root inside the media folder
    settings.CLAIM_DOCUMENTS_ROOT = Path(settings.MEDIA_ROOT) / "claim-documents"
    assert [e.id for e in claim_documents_private()] == ["claims.E001"]


def test_rejection_reasons_shown_and_appeal(client, aid, handler, approver):
    from claims.services.handling import claim_reject
    from tests.claims.factories import claim_assessed

    for _ in range(3):
        covered_member(aid)
    member = covered_member(aid)
    claim = claim_assessed(member, handler)
    claim_reject(claim=claim, actor=approver, reasons="Illness began before cover.")
    login(client, member)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Illness began before cover." in page
    response = client.post(
        reverse("claims:appeal", args=[claim.pk]), {"reason": "I have a new report."}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPEALED


NAME = "欧阳娜娜"


def test_notice_page_is_de_identified(client, aid, handler, approver):
    """No name, identity number or exact date of birth on the notice pages."""
    from tests.members.factories import person_data

    viewer = covered_member(aid)
    claimant = covered_member(aid, person=person_data(age=35, legal_name=NAME))
    claim = claim_approved(claimant, handler, approver, amount="30000.00")
    login(client, viewer)
    pages = [
        client.get(reverse("claims:notices")).content.decode(),
        client.get(reverse("claims:notice", args=[claim.pk])).content.decode(),
    ]
    for page in pages:
        assert claim.number in page
        assert NAME not in page
        assert claimant.id_number not in page
        assert claimant.id_number[6:14] not in page
        assert claimant.date_of_birth.isoformat() not in page
        assert claimant.member_number not in page
    assert "30–39" in pages[1] and "30,000.00" in pages[1]


def test_object_through_the_portal_and_outside_the_window(client, aid, handler, approver):
    viewer = covered_member(aid)
    claimant = covered_member(aid)
    claim = claim_approved(claimant, handler, approver, amount="1000.00")
    login(client, viewer)
    url = reverse("claims:notice", args=[claim.pk])
    assert client.post(url, {"reason": "Symptoms were earlier."}).status_code == 302
    assert claim.objections.count() == 1
    Claim.objects.filter(pk=claim.pk).update(notice_until=dt.date(2020, 1, 1))
    other = covered_member(aid)
    login(client, other)
    response = client.post(url, {"reason": "Symptoms were earlier."})
    assert response.status_code == 400
    assert "public notice" in response.content.decode()
    assert claim.objections.count() == 1


def test_panel_invitation_and_vote(client, aid, handler, approver):
    from claims.services.notice import claim_object
    from tests.members.factories import person_data

    members = [covered_member(aid) for _ in range(5)]
    claimant = covered_member(aid, person=person_data(age=35, legal_name=NAME))
    claim = claim_approved(claimant, handler, approver, amount="1000.00")
    claim_object(claim=claim, member=members[0], reason="Earlier symptoms noted.")
    claim_object(claim=claim, member=members[1], reason="Earlier symptoms noted.")
    panel = claim.panels.get()
    seat = panel.seats.select_related("member__user").first()
    login(client, seat.member)
    assert claim.number in client.get(reverse("claims:panels")).content.decode()
    url = reverse("claims:panel", args=[panel.pk])
    page = client.get(url).content.decode()
    assert NAME not in page and claimant.id_number not in page
    assert client.post(url, {"vote": "uphold", "reason": "Fine."}).status_code == 302
    seat.refresh_from_db()
    assert seat.vote == "uphold"
    outsider = next(m for m in members if not panel.seats.filter(member=m).exists())
    login(client, outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"vote": "overturn"}).status_code == 404


def test_nav_link_for_signed_in_members(client, aid):
    member = covered_member(aid)
    login(client, member)
    page = client.get(reverse("members:dashboard")).content.decode()
    assert reverse("claims:list") in page


def test_answer_a_request_for_information_and_withdraw(client, aid, handler):
    from claims.services.handling import claim_info_request, claim_review_start

    member = covered_member(aid)
    claim = claim_make(member)
    claim_review_start(claim=claim, actor=handler)
    claim_info_request(claim=claim, actor=handler, reason="Send the discharge summary.")
    login(client, member)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Send the discharge summary." in page
    empty = client.post(reverse("claims:info", args=[claim.pk]), {"reason": ""})
    assert empty.status_code == 400
    client.post(reverse("claims:info", args=[claim.pk]), {"reason": "Uploaded it."})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNDER_REVIEW
    client.post(reverse("claims:withdraw", args=[claim.pk]), {"reason": ""})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.WITHDRAWN
    again = client.post(reverse("claims:withdraw", args=[claim.pk]), {"reason": ""})
    assert again.status_code == 400


def test_objecting_to_a_case_that_is_not_on_notice_is_a_404(client, aid):
    """Review finding 7: no such case, or a claim never put on notice, answers 404."""
    from claims.models import Objection

    member = covered_member(aid)
    private = claim_make(covered_member(aid))  # submitted, never on public notice
    client.force_login(member.user)
    client.raise_request_exception = False
    reason = {"reason": "This looks wrong to me, please check."}
    assert client.post("/claims/notices/999999/", reason).status_code == 404
    assert client.post(f"/claims/notices/{private.pk}/", reason).status_code == 404
    assert not Objection.objects.exists()


def test_published_text_naming_the_claimant_is_refused(client, aid, handler, approver):
    """Review finding 9: a panel reason or an investigation summary that names the
    claimant (name, identity number, date of birth) is refused with a field error and
    never reaches the case page."""
    from rest_framework.test import APIClient

    from claims.services.notice import claim_object
    from tests.claims.factories import claim_assessed
    from tests.members.factories import person_data

    members = [covered_member(aid) for _ in range(5)]
    claimant = covered_member(aid, person=person_data(age=35, legal_name=NAME))
    born = claimant.date_of_birth
    api = APIClient()
    api.force_authenticate(handler)
    pending = claim_assessed(claimant, handler, amount="1000.00")
    from claims.services.handling import claim_send_back

    claim_send_back(claim=pending, actor=approver, reason="Redo the summary.")
    response = api.post(
        f"/api/v1/claims/{pending.pk}/assess/",
        {
            "amount": "1000.00",
            "reasons": "Per schedule.",
            "investigation_summary": f"Born {born.year}年{born.month}月{born.day}日, checked.",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "investigation_summary" in response.json()["error"]["fields"]
    claim = claim_approved(
        covered_member(aid, person=person_data(age=35, legal_name="王小明")),
        handler,
        approver,
        amount="1000.00",
    )
    named = claim.member
    claim_object(claim=claim, member=members[0], reason="Earlier symptoms noted.")
    claim_object(claim=claim, member=members[1], reason="Earlier symptoms noted.")
    panel = claim.panels.get()
    seat = panel.seats.select_related("member__user").first()
    login(client, seat.member)
    url = reverse("claims:panel", args=[panel.pk])
    response = client.post(url, {"vote": "uphold", "reason": f"{named.id_number} is fine."})
    assert response.status_code == 400
    assert "identity number" in response.content.decode()
    seat.refresh_from_db()
    assert seat.vote == "" and seat.reason == ""
    assert client.post(url, {"vote": "uphold", "reason": "王 小明 was ill."}).status_code == 400
    assert client.post(url, {"vote": "uphold", "reason": "Records agree."}).status_code == 302
    page = client.get(reverse("claims:notice", args=[claim.pk])).content.decode()
    assert named.id_number not in page and "王小明" not in page
