import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import ROLE_BY_SLUG
from claims.models import Claim, ClaimDocument
from tests.claims.factories import (
    PDF,
    PNG,
    claim_approved,
    claim_assessed,
    claim_make,
    covered_member,
)
from tests.members.factories import person_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/claims/"


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def submission(member, **overrides):
    data = {
        "coverage": member.coverages.first().pk,
        "kind": "accident",
        "event_date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "description": "Broke a leg falling down the stairs.",
        "amount_claimed": "5000.00",
        "bank_account_name": "Zhang San",
        "bank_account_number": "6222021234567890",
    }
    data.update(overrides)
    return data


def test_submit_list_and_detail(aid):
    member = covered_member(aid)
    client = api(member.user)
    data = submission(member, documents=[SimpleUploadedFile("x.png", PNG)])
    response = client.post(BASE, data, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["amount_claimed"] == "5000.00"
    assert len(body["documents"]) == 1 and body["documents"][0]["content_type"] == "image/png"
    assert "checks" not in body  # staff only
    assert [c["number"] for c in client.get(BASE).json()] == [body["number"]]
    assert client.get(f"{BASE}{body['id']}/").json()["events"][0]["type"] == "submitted"


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"amount_claimed": "300000.01"}, "amount_claimed"),
        ({"event_date": "2999-01-01"}, "event_date"),
        ({"kind": "theft"}, "kind"),
        ({"amount_claimed": "lots"}, "amount_claimed"),
    ],
)
def test_bad_input_error_shape(aid, overrides, field):
    member = covered_member(aid)
    response = api(member.user).post(BASE, submission(member, **overrides), format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"] and error["message"]
    assert Claim.objects.count() == 0


def test_wrong_file_type_refused_nothing_saved(aid):
    member = covered_member(aid)
    data = submission(member, documents=[SimpleUploadedFile("x.pdf", b"<html>evil</html>")])
    response = api(member.user).post(BASE, data, format="multipart")
    assert response.status_code == 400
    assert "documents" in response.json()["error"]["fields"]
    assert Claim.objects.count() == 0 and ClaimDocument.objects.count() == 0


def test_oversized_file_refused(aid):
    member = covered_member(aid)
    data = submission(member, documents=[SimpleUploadedFile("x.pdf", b"%PDF-" + b"1" * 5000)])
    response = api(member.user).post(BASE, data, format="multipart")
    assert response.status_code == 400
    assert Claim.objects.count() == 0


def test_claim_on_someone_elses_coverage_refused(aid):
    member = covered_member(aid)
    other = covered_member(aid)
    data = submission(member, coverage=other.coverages.first().pk)
    response = api(member.user).post(BASE, data, format="multipart")
    assert response.status_code == 403
    assert "coverage" in response.json()["error"]["fields"]
    assert Claim.objects.count() == 0


def test_another_members_claim_is_invisible_through_the_api(aid):
    owner = covered_member(aid)
    other = covered_member(aid)
    claim = claim_make(owner)
    client = api(other.user)
    assert client.get(f"{BASE}{claim.pk}/").status_code == 404
    upload = client.post(
        f"{BASE}{claim.pk}/documents/",
        {"file": SimpleUploadedFile("a.pdf", PDF)},
        format="multipart",
    )
    assert upload.status_code == 404
    for action in ("withdraw", "appeal", "provide-information"):
        assert client.post(f"{BASE}{claim.pk}/{action}/", {"reason": "x" * 20}).status_code == 404
    assert client.get(BASE).json() == []
    assert claim.documents.count() == 1


def test_staff_transitions_and_four_eyes(aid, handler, approver, chart_of_accounts):
    member = covered_member(aid)
    claim = claim_make(member, amount_claimed="1000.00")
    staff = api(handler)
    assert staff.post(f"{BASE}{claim.pk}/review/", {}).status_code == 200
    body = staff.post(
        f"{BASE}{claim.pk}/assess/",
        {"amount": "900.00", "reasons": "Invoices checked.", "investigation_summary": "骨折"},
    ).json()
    assert body["status"] == "assessed" and body["checks"]["cover_in_force"] is True
    refused = staff.post(f"{BASE}{claim.pk}/approve/", {})
    assert refused.status_code == 403  # a handler's role does not decide claims
    # Even holding the approver's role too, the assessor may not decide their own claim.
    handler.groups.add(Group.objects.get(name=ROLE_BY_SLUG["claims_approver"].group_name))
    both = api(type(handler).objects.get(pk=handler.pk))
    refused = both.post(f"{BASE}{claim.pk}/approve/", {})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "four_eyes"
    assert api(approver).post(f"{BASE}{claim.pk}/approve/", {}).json()["status"] == "approved"
    early = staff.post(f"{BASE}{claim.pk}/pay/", {})
    assert early.status_code == 409  # on public notice
    # A member cannot use staff transitions.
    assert api(member.user).post(f"{BASE}{claim.pk}/approve/", {}).status_code == 403


def test_notices_api_is_de_identified(aid, handler, approver):
    name = "欧阳娜娜"
    viewer = covered_member(aid)
    claimant = covered_member(aid, person=person_data(age=35, legal_name=name))
    claim = claim_approved(claimant, handler, approver, amount="2000.00")
    client = api(viewer.user)
    listing = client.get(f"{BASE}notices/")
    detail = client.get(f"{BASE}notices/{claim.pk}/")
    assert detail.status_code == 200
    for response in (listing, detail):
        text = json.dumps(response.json(), ensure_ascii=False)
        assert claim.number in text
        for secret in (
            name,
            claimant.id_number,
            claimant.date_of_birth.isoformat(),
            claimant.member_number,
            claimant.phone,
        ):
            assert secret not in text
    assert set(detail.json()) == {
        "id",
        "number",
        "plan",
        "age_band",
        "region",
        "kind",
        "amount",
        "investigation_summary",
        "notice_status",
        "notice_from",
        "notice_until",
        "objections",
        "open_for_objections",
        "panels",
    }


def test_objection_and_panel_vote_through_the_api(aid, handler, approver):
    members = [covered_member(aid) for _ in range(5)]
    claim = claim_approved(covered_member(aid), handler, approver, amount="2000.00")
    for member in members[:2]:
        response = api(member.user).post(
            f"{BASE}notices/{claim.pk}/objections/", {"reason": "Seems a duplicate case."}
        )
        assert response.status_code == 201
    again = api(members[0].user).post(
        f"{BASE}notices/{claim.pk}/objections/", {"reason": "Seems a duplicate case."}
    )
    assert again.status_code == 400
    panel = claim.panels.get()
    seat = panel.seats.select_related("member__user").first()
    invitations = api(seat.member.user).get(f"{BASE}panels/").json()
    assert invitations[0]["panel"] == panel.pk
    vote = api(seat.member.user).post(f"{BASE}panels/{panel.pk}/vote/", {"vote": "uphold"})
    assert vote.status_code == 200 and vote.json()["vote"] == "uphold"
    outsider = next(m for m in members if not panel.seats.filter(member=m).exists())
    refused = api(outsider.user).post(f"{BASE}panels/{panel.pk}/vote/", {"vote": "uphold"})
    # Not seated: 404, as for a panel that does not exist (its existence is not confirmed).
    assert refused.status_code == 404
    assert panel.seats.exclude(vote="").count() == 1
    # the draw's published terms (review finding 4) are in the API as on the page
    published = api(outsider.user).get(f"{BASE}notices/{claim.pk}/").json()["panels"][0]
    assert published["seed"] == panel.seed and published["roll_sha256"] == panel.roll_sha256
    assert published["eligibility_as_of"] == timezone.localdate().isoformat()
    assert published["min_tenure_days"] == 30


def test_objection_outside_window_refused(aid, handler, approver):
    viewer = covered_member(aid)
    claim = claim_approved(covered_member(aid), handler, approver, amount="2000.00")
    Claim.objects.filter(pk=claim.pk).update(notice_until=dt.date(2020, 1, 1))
    response = api(viewer.user).post(
        f"{BASE}notices/{claim.pk}/objections/", {"reason": "Seems a duplicate case."}
    )
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]


def test_statistics_for_staff_only(aid, handler, approver, chart_of_accounts):
    member = covered_member(aid)
    claim_assessed(member, handler, amount="100.00")
    claim_approved(member, handler, approver, amount="200.00", kind="accident")
    assert api(member.user).get(f"{BASE}statistics/").status_code == 403
    stats = api(approver).get(f"{BASE}statistics/", {"plan": aid.plan.code}).json()
    assert stats["claims"] == 2
    assert stats["by_status"]["assessed"] == 1 and stats["by_status"]["approved"] == 1
    assert stats["amount_approved"] == "200.00"
    assert api(approver).get(f"{BASE}statistics/", {"plan": "nope"}).status_code == 400


def test_read_only_roles_cannot_transition(aid, regulator_user):
    claim = claim_make(covered_member(aid))
    client = api(regulator_user)
    assert client.get(f"{BASE}{claim.pk}/").status_code == 200  # reads claims
    for action in ("review", "assess", "approve", "reject", "pay"):
        assert client.post(f"{BASE}{claim.pk}/{action}/", {}).status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED


def test_member_withdraws_and_uploads_through_the_api(aid):
    member = covered_member(aid)
    claim = claim_make(member)
    client = api(member.user)
    upload = client.post(
        f"{BASE}{claim.pk}/documents/",
        {"file": SimpleUploadedFile("b.pdf", PDF)},
        format="multipart",
    )
    assert upload.status_code == 201 and upload.json()["content_type"] == "application/pdf"
    bad = client.post(
        f"{BASE}{claim.pk}/documents/",
        {"file": SimpleUploadedFile("b.pdf", b"\x00\x01not")},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()["error"]["fields"]
    assert (
        client.post(f"{BASE}{claim.pk}/withdraw/", {"reason": "Recovered"}).json()["status"]
        == "withdrawn"
    )
    again = client.post(f"{BASE}{claim.pk}/withdraw/", {})
    assert again.status_code == 409


def test_read_only_roles_cannot_add_documents_to_a_claim(aid, regulator_user, make_user):
    """Review finding 3: regulator, director and actuary read claims but never write
    documents into a member's claim; the member and claims staff still can."""
    member = covered_member(aid)
    claim = claim_make(member)
    before = ClaimDocument.objects.filter(claim=claim).count()
    readers = [
        regulator_user,
        make_user("director1", roles=("director",), is_staff=True),
        make_user("actuary1", roles=("actuary",), is_staff=True),
    ]
    for user in readers:
        assert api(user).get(f"{BASE}{claim.pk}/").status_code == 200
        response = api(user).post(
            f"{BASE}{claim.pk}/documents/",
            {"file": SimpleUploadedFile("x.pdf", PDF)},
            format="multipart",
        )
        assert response.status_code == 403, (user.username, response.content)
    assert ClaimDocument.objects.filter(claim=claim).count() == before
    handler = make_user("handler1", roles=("claims_handler",), is_staff=True)
    for user in (member.user, handler):
        response = api(user).post(
            f"{BASE}{claim.pk}/documents/",
            {"file": SimpleUploadedFile("x.pdf", PDF)},
            format="multipart",
        )
        assert response.status_code == 201, response.content
    assert ClaimDocument.objects.filter(claim=claim).count() == before + 2


@pytest.mark.parametrize("body", [["coverage"], "abc", 42, None])
def test_submit_with_a_body_that_is_not_an_object_is_a_400(aid, body):
    """Review finding 6: a JSON list or string is bad input, never a 500."""
    member = covered_member(aid)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(member.user)
    response = client.post(BASE, json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert not Claim.objects.exists()


def test_panel_vote_schema_component_does_not_clash_with_governance():
    """Integration: the panel vote body is the OpenAPI component PanelVoteIn, so that it
    never collides with governance's VoteIn (drf-spectacular warns and drops one)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    path = next(p for p in schema["paths"] if p.endswith("/claims/panels/{panel_id}/vote/"))
    body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[1]
    assert name.startswith("PanelVoteIn")  # PanelVoteInRequest with split request bodies
    assert name in schema["components"]["schemas"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.00", "must be more than zero"),
        ("1E3", "Enter the amount with the digits 0–9"),
        ("１００", "Enter the amount with the digits 0–9"),
        (900, "Send amount as a string"),
    ],
    ids=["zero", "exponent", "full-width", "json-number"],
)
def test_an_assessment_of_zero_or_loosely_written_is_a_400_on_amount(aid, handler, amount, message):
    claim = claim_make(covered_member(aid), amount_claimed="1000.00")
    staff = api(handler)
    staff.post(f"{BASE}{claim.pk}/review/", {})

    response = staff.post(
        f"{BASE}{claim.pk}/assess/",
        {"amount": amount, "reasons": "Nothing payable."},
        format="json",
    )

    assert response.status_code == 400, response.json()
    assert set(response.json()["error"]["fields"]) == {"amount"}
    assert message in response.json()["error"]["fields"]["amount"][0]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNDER_REVIEW


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount_claimed", "5_000"),
        ("amount_claimed", 5000),
        ("event_date", "0001-01-01"),
        ("event_date", "２０２６-０１-０１"),
    ],
)
def test_a_claim_with_loosely_written_money_or_dates_is_refused(aid, field, value):
    member = covered_member(aid)

    response = api(member.user).post(BASE, submission(member, **{field: value}), format="json")

    assert response.status_code == 400, response.json()
    assert set(response.json()["error"]["fields"]) == {field}
    assert not Claim.objects.exists()
