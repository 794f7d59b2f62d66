"""The read-only open-data API of publications: anyone may read, nobody writes; only
published versions; bad filters are 400 in the API's error shape naming the parameter;
answers validate against the OpenAPI schema and are cached until something is published."""

import hashlib

import pytest
from django.test import Client
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from disclosure.models import Kind
from disclosure.services import publication_discard, publication_submit
from tests.disclosure.archive.factories import (
    at,
    corrected,
    manual_draft,
    manual_published,
    solvency,
    withdrawn,
)
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

LIST = "/api/v1/disclosure/publications/"
CSV = "指标,金额\n实际资本,1234567.80\n".encode()


@pytest.fixture
def api():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(scope="module")
def _schema_dict(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/schema/", {"format": "json"}).json()


def _valid(response, schema: dict):
    OpenAPI.from_dict(schema).validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response


def test_the_list_newest_first_published_only(api, compliance, compliance2, _schema_dict):
    older = solvency(2026, 1, when=at(2026, 4, 20))
    newer = solvency(2026, 2, when=at(2026, 7, 20))
    draft = manual_draft(compliance, key="draft:1")
    pending = manual_draft(compliance, key="pending:1")
    publication_submit(publication=pending, actor=compliance)
    discarded = manual_draft(compliance, key="discarded:1")
    publication_discard(publication=discarded, actor=compliance)
    response = _valid(api.get(LIST), _schema_dict)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    row = body["results"][1]
    assert row["kind"] == "solvency_summary" and row["period"] == "2026Q1"
    assert row["title_en"] == older.title_en and row["version"] == 1
    assert row["published_at"] == "2026-04-20T10:00:00+08:00"
    assert row["due_on"] == "2026-04-30" and row["published_late"] is False
    assert row["withdrawn"] is False and row["corrected_by"] is None
    assert row["page"] == f"http://testserver/disclosure/publications/{older.pk}/"
    assert row["url"] == f"http://testserver{LIST}{older.pk}/"
    assert {draft.pk, pending.pk, discarded.pk}.isdisjoint(r["id"] for r in body["results"])


def test_filters(api, compliance, compliance2, _schema_dict):
    q1 = solvency(2026, 1)
    q2 = solvency(2026, 2)
    related = manual_published(compliance, compliance2)  # 2026-03-31

    def ids(**query):
        return {row["id"] for row in _valid(api.get(LIST, query), _schema_dict).json()["results"]}

    assert ids(kind=Kind.SOLVENCY_SUMMARY) == {q1.pk, q2.pk}
    assert ids(period="2026Q1") == {q1.pk, related.pk}
    assert ids(period="2026") == {q1.pk, q2.pk, related.pk}
    assert ids(period="2026-03-31") == {related.pk}
    assert ids(key=q2.key) == {q2.pk}
    assert ids(kind="", period="") == {q1.pk, q2.pk, related.pk}
    assert ids(period="9999Q4") == set()  # the last quarter a calendar holds


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "horoscope"}, "kind"),
        ({"period": "2026Q7"}, "period"),
        ({"period": "2026-13-01"}, "period"),
        ({"period": "0000Q1"}, "period"),
        ({"period": "0000"}, "period"),
        ({"key": "k" * 121}, "key"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api, query, field, _schema_dict):
    response = _valid(api.get(LIST, query), _schema_dict)
    assert_error(response, 400, "invalid", fields={field})


def test_a_publication_with_versions_files_and_withdrawal(
    api, compliance, compliance2, _schema_dict
):
    first = solvency(2026, 1, when=at(2026, 4, 20), files=[("csv", "摘要.csv", CSV)])
    second = corrected(first, compliance, compliance2, "The capital was misstated.")
    withdrawn(first, compliance2, "Superseded by version 2.")
    response = _valid(api.get(f"{LIST}{first.pk}/"), _schema_dict)
    assert response.status_code == 200
    body = response.json()
    assert body["content"]["capital"]["actual"] == "1234567.80"
    assert body["withdrawn"] is True
    assert body["withdrawal"]["reason"] == "Superseded by version 2."
    assert body["corrected_by"] == second.pk
    [attachment] = body["attachments"]
    assert attachment["filename"] == "摘要.csv" and attachment["format"] == "csv"
    assert attachment["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert attachment["size"] == len(CSV)
    # the download address serves the file
    download = attachment["download"].removeprefix("http://testserver")
    assert api.get(download).content == CSV
    versions = body["versions"]
    assert [(v["id"], v["version"]) for v in versions] == [(first.pk, 1), (second.pk, 2)]
    assert versions[1]["correction_note"] == "The capital was misstated."
    assert versions[0]["withdrawal"]["reason"] == "Superseded by version 2."
    assert versions[1]["withdrawal"] is None


@pytest.mark.parametrize("state", ["draft", "discarded", "unknown"])
def test_what_is_not_published_is_a_404(api, compliance, state, _schema_dict):
    draft = manual_draft(compliance)
    if state == "discarded":
        publication_discard(publication=draft, actor=compliance)
    pk = draft.pk + 100 if state == "unknown" else draft.pk
    response = _valid(api.get(f"{LIST}{pk}/"), _schema_dict)
    assert_error(response, 404, "not_found")


def test_kinds_with_their_due_rules(api, _schema_dict):
    response = _valid(api.get("/api/v1/disclosure/kinds/"), _schema_dict)
    rules = {row["kind"]: row for row in response.json()}
    assert set(rules) == set(Kind.values)
    assert rules["solvency_summary"]["due_rule"] == "30 days after: End of each quarter"
    assert rules["annual_report"]["due_rule"] == "4 months after: End of each year"
    assert rules["articles"]["due_rule"] == "No due date (kept up to date)"
    assert rules["related_party"]["label"] == "Related-party transaction"
    assert rules["related_party"]["needs_approval"] is True


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path", [LIST, f"{LIST}1/", "/api/v1/disclosure/kinds/"], ids=["list", "detail", "kinds"]
)
def test_nothing_writes(api, compliance, method, path):
    """Anonymous or signed in as compliance: every write method is 405."""
    solvency(2026, 1)
    signed_in = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in.force_login(compliance)
    for client in (api, signed_in):
        response = getattr(client, method)(path, "{}", content_type="application/json")
        assert_error(response, 405, "method_not_allowed")


def test_a_cached_list_issues_no_query_and_a_publication_shows_at_once(
    api, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        solvency(2026, 1)
    assert api.get(LIST).json()["count"] == 1
    with django_assert_num_queries(0):
        assert api.get(LIST).json()["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        solvency(2026, 2)
    assert api.get(LIST).json()["count"] == 2


def test_late_is_the_first_version_after_its_due_date(api, compliance, compliance2):
    late = solvency(2026, 1, when=at(2026, 5, 2))
    correction = corrected(late, compliance, compliance2, "Restated.")
    rows = {row["id"]: row for row in api.get(LIST).json()["results"]}
    assert rows[late.pk]["published_late"] is True
    assert rows[correction.pk]["published_late"] is False
    assert rows[late.pk]["corrected_by"] == correction.pk


def test_pagination(api, compliance, compliance2, _schema_dict):
    for number in range(3):
        manual_published(compliance, compliance2, key=f"related_party:{number}")
    body = _valid(api.get(LIST, {"limit": "2"}), _schema_dict).json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert body["next"] == f"http://testserver{LIST}?limit=2&offset=2"
