"""The OpenAPI schema tells the truth: real answers of every operation validate against it.

For every operation in ``/api/schema/`` a real request is made against a small society
(tests/project/api_world.py), answered successfully, and its status, content type and
body are validated against the schema with openapi-core; a new operation without a call
here fails the test. Also: ``manage.py spectacular --validate --fail-on-warn`` is clean.
(Issue 9: three staff lists answered a paginated object that the schema called an array.)
"""

from __future__ import annotations

import dataclasses
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from rest_framework.views import APIView

from tests.claims.factories import PDF, PNG
from tests.project import api_world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()


@dataclasses.dataclass(frozen=True)
class Call:
    """One request: ``who`` is anon, member, panelist or staff; ``expect`` its status."""

    method: str
    path: str  # the schema's path template
    who: str
    expect: int
    path_args: dict = dataclasses.field(default_factory=dict)  # name -> key of world.ids
    query: dict = dataclasses.field(default_factory=dict)
    body: object = None
    multipart: bool = False
    headers: dict = dataclasses.field(default_factory=dict)


def calls(world: api_world.World) -> list[Call]:
    """Reads first, then writes (which change what later reads would see)."""
    ids = world.ids
    deposit = {
        "idempotency_key": "deposit-1",
        "date": TODAY,
        "memo": "Contributions banked",
        "lines": [
            {"account": "1002", "debit": "50.00"},
            {"account": "6031", "credit": "50.00"},
        ],
    }
    return [
        Call("get", "/api/v1/", "anon", 200),
        # Members
        Call("get", "/api/v1/me/", "member", 200),
        Call("get", "/api/v1/me/coverages/", "member", 200),
        Call("get", "/api/v1/me/contributions/", "member", 200),
        Call("get", "/api/v1/me/payments/", "member", 200),
        Call("get", "/api/v1/applications/", "staff", 200),
        Call("get", "/api/v1/applications/", "staff", 200, query={"status": "referred"}),
        Call("get", "/api/v1/members/", "staff", 200),
        Call("get", "/api/v1/members/", "staff", 200, query={"limit": "2", "offset": "1"}),
        Call("get", "/api/v1/members/{member_id}/", "staff", 200, {"member_id": "insured"}),
        # Ledger
        Call("get", "/api/v1/ledger/accounts/", "staff", 200),
        Call("get", "/api/v1/ledger/entries/", "staff", 200),
        Call("get", "/api/v1/ledger/entries/", "staff", 200, query={"account": "1002"}),
        Call("get", "/api/v1/ledger/trial-balance/", "staff", 200),
        Call("get", "/api/v1/ledger/balance-sheet/", "staff", 200),
        Call(
            "get",
            "/api/v1/ledger/income-statement/",
            "staff",
            200,
            query={"start": "2020-01-01", "end": TODAY},
        ),
        # Claims
        Call("get", "/api/v1/claims/", "member", 200),
        Call("get", "/api/v1/claims/{claim_id}/", "member", 200, {"claim_id": "mine_rejected"}),
        Call("get", "/api/v1/claims/{claim_id}/", "staff", 200, {"claim_id": "to_pay"}),
        Call("get", "/api/v1/claims/notices/", "member", 200),
        Call("get", "/api/v1/claims/notices/{claim_id}/", "member", 200, {"claim_id": "on_notice"}),
        Call("get", "/api/v1/claims/panels/", "panelist", 200),
        Call("get", "/api/v1/claims/statistics/", "staff", 200),
        # Complaints
        Call("get", "/api/v1/support/complaints/", "member", 200),
        Call(
            "get",
            "/api/v1/support/complaints/{complaint_id}/",
            "member",
            200,
            {"complaint_id": "complaint"},
        ),
        # Governance
        Call("get", "/api/v1/governance/meetings/", "member", 200),
        Call("get", "/api/v1/governance/meetings/", "staff", 200),
        Call(
            "get", "/api/v1/governance/meetings/{meeting_id}/", "staff", 200, {"meeting_id": "open"}
        ),  # noqa: E501
        Call(
            "get",
            "/api/v1/governance/meetings/{meeting_id}/participation/",
            "staff",
            200,
            {"meeting_id": "closed"},
        ),
        Call(
            "get",
            "/api/v1/governance/motions/{motion_id}/receipts/",
            "anon",
            200,
            {"motion_id": "closed_motion"},
        ),
        Call("get", "/api/v1/governance/receipts/{code}/", "anon", 200, {"code": "receipt"}),
        Call("get", "/api/v1/governance/proposals/", "member", 200),
        # Solvency (read-only)
        Call("get", "/api/v1/solvency/assessments/", "staff", 200),
        Call("get", "/api/v1/solvency/assessments/", "staff", 200, query={"state": "approved"}),
        Call(
            "get",
            "/api/v1/solvency/assessments/{assessment_id}/",
            "staff",
            200,
            {"assessment_id": "assessment"},
        ),
        Call("get", "/api/v1/solvency/history/", "staff", 200, query={"quarters": "8"}),
        Call("get", "/api/v1/solvency/reserve-runs/", "staff", 200),
        Call("get", "/api/v1/solvency/reserve-runs/", "staff", 200, query={"state": "approved"}),
        Call(
            "get",
            "/api/v1/solvency/reserve-runs/{run_id}/",
            "staff",
            200,
            {"run_id": "reserve_run"},
        ),
        Call("get", "/api/v1/solvency/regimes/", "staff", 200),
        Call(
            "get",
            "/api/v1/solvency/regimes/{regime_code}/",
            "staff",
            200,
            {"regime_code": "regime"},
        ),
        # Disclosure (public, read-only)
        Call("get", "/api/v1/disclosure/publications/", "anon", 200),
        Call(
            "get",
            "/api/v1/disclosure/publications/",
            "anon",
            200,
            query={"kind": "solvency_summary", "period": "2024", "limit": "1"},
        ),
        Call("get", "/api/v1/disclosure/publications/", "anon", 400, query={"period": "2024Q9"}),
        Call(
            "get",
            "/api/v1/disclosure/publications/{publication_id}/",
            "anon",
            200,
            {"publication_id": "publication"},
        ),
        Call("get", "/api/v1/disclosure/kinds/", "anon", 200),
        Call("get", "/api/v1/disclosure/figures/", "anon", 200),
        Call("get", "/api/v1/disclosure/solvency/history/", "anon", 200),
        Call("get", "/api/v1/disclosure/solvency/history/", "anon", 200, query={"quarters": "40"}),
        Call("get", "/api/v1/disclosure/solvency/history/", "anon", 400, query={"quarters": "0"}),
        Call("get", "/api/v1/disclosure/claims/statistics/", "anon", 200),
        Call(
            "get",
            "/api/v1/disclosure/claims/statistics/",
            "anon",
            200,
            query={"period": TODAY[:4]},
        ),
        Call(
            "get", "/api/v1/disclosure/claims/statistics/", "anon", 400, query={"period": "2026Q5"}
        ),
        Call("get", "/api/v1/disclosure/apportionment-periods/", "anon", 200),
        Call(
            "get",
            "/api/v1/disclosure/apportionment-periods/",
            "anon",
            200,
            query={"plan": "aid", "period": TODAY[:4], "limit": "1"},
        ),
        Call(
            "get", "/api/v1/disclosure/apportionment-periods/", "anon", 400, query={"plan": "nope"}
        ),
        # --- Writes ---
        Call("post", "/api/v1/enrolment/", "anon", 201, body="enrolment"),
        Call("patch", "/api/v1/me/", "member", 200, body={"phone": "13900001111"}),
        Call(
            "post",
            "/api/v1/applications/{application_id}/accept/",
            "staff",
            200,
            {"application_id": "refer_accept"},
            body={"reason": "The doctor's letter settles the question."},
        ),
        Call(
            "post",
            "/api/v1/applications/{application_id}/decline/",
            "staff",
            200,
            {"application_id": "refer_decline"},
            body={"reason": "A condition the plan does not cover."},
        ),
        Call(
            "post",
            "/api/v1/support/complaints/",
            "member",
            201,
            body={"category": "service", "description": "The letter came late."},
            headers={"Idempotency-Key": "complaint-1"},
        ),
        Call(
            "post",
            "/api/v1/support/complaints/",
            "member",
            200,
            body={"category": "service", "description": "The letter came late."},
            headers={"Idempotency-Key": "complaint-1"},
        ),
        Call(
            "post",
            "/api/v1/members/{member_id}/payments/",
            "staff",
            201,
            {"member_id": "insured"},
            body={"amount": "30.00", "received_on": TODAY},
            headers={"Idempotency-Key": "statement-line-9"},
        ),
        Call(
            "post",
            "/api/v1/members/{member_id}/payments/",
            "staff",
            200,
            {"member_id": "insured"},
            body={"amount": "30.00", "received_on": TODAY},
            headers={"Idempotency-Key": "statement-line-9"},
        ),
        Call(
            "post",
            "/api/v1/ledger/entries/",
            "staff",
            201,
            body=deposit,
        ),
        # A retry with the same idempotency key: the entry posted before (200).
        Call(
            "post",
            "/api/v1/ledger/entries/",
            "staff",
            200,
            body=deposit,
        ),
        Call(
            "post",
            "/api/v1/ledger/entries/{entry_id}/reverse/",
            "staff",
            201,
            {"entry_id": "manual_entry"},
            body={"memo": "Posted twice"},
        ),
        # Reversing again answers the reversal posted before (200, documented: issue 14).
        Call(
            "post",
            "/api/v1/ledger/entries/{entry_id}/reverse/",
            "staff",
            200,
            {"entry_id": "manual_entry"},
            body={"memo": "Posted twice"},
        ),
        Call(
            "post",
            "/api/v1/claims/",
            "member",
            201,
            body="claim",
            multipart=True,
        ),
        Call(
            "post",
            "/api/v1/claims/{claim_id}/documents/",
            "member",
            201,
            {"claim_id": "mine"},
            body={"file": "png"},
            multipart=True,
        ),
        Call(
            "post",
            "/api/v1/claims/{claim_id}/withdraw/",
            "member",
            200,
            {"claim_id": "mine_withdraw"},
            body={"reason": "Paid by my employer's cover."},
        ),
        Call(
            "post",
            "/api/v1/claims/{claim_id}/provide-information/",
            "member",
            200,
            {"claim_id": "mine_info"},
            body={"reason": "The discharge summary is attached."},
        ),
        Call(
            "post",
            "/api/v1/claims/{claim_id}/appeal/",
            "member",
            200,
            {"claim_id": "mine_rejected"},
            body={"reason": "The illness began after the cover started."},
        ),
        Call("post", "/api/v1/claims/{claim_id}/review/", "staff", 200, {"claim_id": "to_review"}),
        Call(
            "post",
            "/api/v1/claims/{claim_id}/request-information/",
            "staff",
            200,
            {"claim_id": "to_request_info"},
            body={"reason": "Send the pathology report."},
        ),
        Call(
            "post",
            "/api/v1/claims/{claim_id}/assess/",
            "staff",
            200,
            {"claim_id": "to_assess"},
            body={"amount": "900.00", "reasons": "Per the schedule of benefits."},
        ),
        Call(
            "post",
            "/api/v1/claims/{claim_id}/send-back/",
            "staff",
            200,
            {"claim_id": "to_send_back"},
            body={"reason": "Check the hospital invoice again."},
        ),
        Call(
            "post", "/api/v1/claims/{claim_id}/approve/", "staff", 200, {"claim_id": "to_approve"}
        ),  # noqa: E501
        Call(
            "post",
            "/api/v1/claims/{claim_id}/reject/",
            "staff",
            200,
            {"claim_id": "to_reject"},
            body={"reasons": "The event is excluded by the plan."},
        ),
        Call("post", "/api/v1/claims/{claim_id}/pay/", "staff", 200, {"claim_id": "to_pay"}),
        Call(
            "post",
            "/api/v1/claims/notices/{claim_id}/objections/",
            "member",
            201,
            {"claim_id": "on_notice"},
            body={"reason": "The claimant was ill before joining."},
        ),
        Call(
            "post",
            "/api/v1/claims/panels/{panel_id}/vote/",
            "panelist",
            200,
            {"panel_id": "panel"},
            body={"vote": "uphold", "reason": "The documents agree."},
        ),
        Call(
            "post",
            "/api/v1/governance/meetings/{meeting_id}/ballots/",
            "member",
            201,
            {"meeting_id": "open"},
            body="ballot",
        ),
        Call(
            "post",
            "/api/v1/governance/meetings/{meeting_id}/proxy/",
            "member",
            201,
            {"meeting_id": "convened"},
            body={"holder": ids["holder"]},
        ),
        Call(
            "delete",
            "/api/v1/governance/meetings/{meeting_id}/proxy/",
            "member",
            200,
            {"meeting_id": "convened"},
        ),
        Call(
            "post",
            "/api/v1/governance/meetings/{meeting_id}/{action}/",
            "staff",
            200,
            {"meeting_id": "drafted"},
            query={},
            body=None,
        ),
        Call(
            "post",
            "/api/v1/governance/proposals/",
            "member",
            201,
            body={"title": "Publish the reserves monthly", "text": "Every month, not quarterly."},
        ),
        Call(
            "post",
            "/api/v1/governance/proposals/{proposal_id}/cosign/",
            "member",
            200,
            {"proposal_id": "proposal"},
        ),
    ]


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    """Dozens of requests from one client: whatever rates the settings give the API's
    throttles, this test is about answers, not rates."""
    monkeypatch.setattr(APIView, "check_throttles", lambda self, request: None)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def schema() -> dict:
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def _body(call: Call, world: api_world.World):
    if call.body == "enrolment":
        return api_world.enrolment_body(world)
    if call.body == "claim":
        coverage = world.member.coverages.first()
        return {
            "coverage": coverage.pk,
            "kind": "accident",
            "event_date": TODAY,
            "description": "Broke a leg falling down the stairs.",
            "amount_claimed": "800.00",
            "bank_account_name": "Zhang San",
            "bank_account_number": "6222021234567890",
            "documents": [SimpleUploadedFile("report.pdf", PDF)],
        }
    if call.body == "ballot":
        return {"votes": [{"motion": world.ids["open_motion"], "choice": "for"}]}
    if call.body == {"file": "png"}:
        return {"file": SimpleUploadedFile("scan.png", PNG)}
    return call.body


def _url(call: Call, world: api_world.World) -> str:
    url = call.path
    for name, key in call.path_args.items():
        url = url.replace("{" + name + "}", str(world.ids[key]))
    return url.replace("{action}", "convene")


def test_every_operation_answers_as_the_schema_says(schema):
    """Each call gets the status it expects, and openapi-core finds the operation, the
    status (or the default error response) and validates the body against the schema."""
    world = api_world.build()
    openapi = OpenAPI.from_dict(schema)
    clients = {
        "anon": Client(HTTP_ACCEPT_LANGUAGE="en"),
        "member": api_world.sign_in(world.member.user),
        "panelist": api_world.sign_in(world.panelist.user),
        "staff": api_world.sign_in(world.staff),
    }
    problems, covered = [], set()
    for call in calls(world):
        client = clients[call.who]
        url = _url(call, world)
        body = _body(call, world)
        send = getattr(client, call.method)
        if call.method == "get":
            response = send(url, call.query, headers=call.headers)
        elif call.multipart:
            response = send(url, body, headers=call.headers)
        else:
            response = send(
                url,
                json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers=call.headers,
            )
        covered.add((call.method, call.path))
        label = f"{call.method.upper()} {url}"
        if response.status_code != call.expect:
            problems.append(f"{label}: {response.status_code} {response.content[:300]!r}")
            continue
        try:
            openapi.validate_response(
                DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
            )
        except Exception as exc:  # noqa: BLE001 - every mismatch is reported together
            detail = getattr(exc, "__cause__", None) or exc
            problems.append(f"{label}: {exc!r}: {detail}")

    missing = operations(schema) - covered
    assert not missing, f"operations without a call in this test: {sorted(missing)}"
    assert not problems, "\n".join(problems)


def test_paginated_lists_are_documented_as_the_envelope(schema):
    """The three staff lists answer {count, next, previous, results}; so says the schema,
    with the limit and offset parameters."""
    for path in (
        "/api/v1/applications/",
        "/api/v1/members/",
        "/api/v1/ledger/entries/",
        "/api/v1/solvency/assessments/",
        "/api/v1/disclosure/publications/",
        "/api/v1/disclosure/apportionment-periods/",
    ):
        operation = schema["paths"][path]["get"]
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(component["properties"]) == {"count", "next", "previous", "results"}, path
        assert component["properties"]["results"]["type"] == "array"
        assert {"limit", "offset"} <= {p["name"] for p in operation["parameters"]}, path


def test_every_operation_documents_its_errors(schema):
    for method, path in operations(schema):
        responses = schema["paths"][path][method]["responses"]
        assert responses["default"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }, (method, path)


def test_the_schema_validates_without_warnings():
    """``manage.py spectacular --validate --fail-on-warn`` exits cleanly."""
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out)
