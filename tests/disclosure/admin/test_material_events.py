"""Material events waiting for compliance: the solvency alerts' drafts, published or
discarded (with the reason) through the disclosure services; read-only roles see the list
and decide nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from disclosure.models import Kind, Publication
from solvency.models import AlertEvent, MaterialEventDraft
from solvency.services import assessment_approve, assessment_compute
from tests.solvency.factories import VALUATION, books, holding

pytestmark = pytest.mark.django_db
LIST = reverse("admin:disclosure_material_events")


def decision(draft, name: str) -> str:
    return reverse("admin:disclosure_material_event", args=[draft.pk, name])


@pytest.fixture
def drafts(actuary, compliance):
    """A weak position: a breach and an early warning, each with its draft."""
    books()
    holding(value="10000000.00")
    assessment = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    assessment_approve(assessment=assessment, actor=compliance)
    found = list(MaterialEventDraft.objects.order_by("pk"))
    assert len(found) == 2
    return found


def test_the_waiting_drafts_are_listed_with_their_decisions(client, compliance, drafts):
    client.force_login(compliance)
    page = client.get(LIST)
    assert page.status_code == 200
    rows = page.context["rows"]
    assert {row["draft"].pk for row in rows} == {d.pk for d in drafts}
    assert [label for _url, label in rows[0]["decisions"]] == [
        "Publish the material event",
        "Do not publish",
    ]
    assert drafts[0].title in page.content.decode()


def test_compliance_publishes_a_material_event(client, compliance, drafts):
    draft = drafts[0]
    client.force_login(compliance)
    page = client.get(decision(draft, "publish"))
    assert page.status_code == 200
    assert draft.title in page.content.decode()
    response = client.post(decision(draft, "publish"))
    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:disclosure_publication_change", args=[publication.pk]
    )
    assert (publication.kind, publication.status, publication.approved_by) == (
        Kind.MATERIAL_EVENT,
        "published",
        compliance,
    )
    draft.refresh_from_db()
    assert draft.status == "published"
    assert AlertEvent.objects.filter(
        alert=draft.source_alert, type="material_event_published", actor=compliance
    ).exists()
    # decided: no longer waiting, and a second decision is refused with a message
    assert draft.pk not in {row["draft"].pk for row in client.get(LIST).context["rows"]}
    again = client.post(decision(draft, "discard"), {"reason": "x"}, follow=True)
    assert any("was decided already" in str(m) for m in again.context["messages"])
    draft.refresh_from_db()
    assert draft.status == "published"


def test_discarding_needs_the_reason(client, compliance, drafts):
    draft = drafts[1]
    client.force_login(compliance)
    empty = client.post(decision(draft, "discard"), {"reason": "  "})
    assert empty.status_code == 200
    assert "This field is required." in str(empty.context["form"].errors["reason"])
    draft.refresh_from_db()
    assert draft.status == "draft"

    response = client.post(decision(draft, "discard"), {"reason": "已另行公告。"})
    assert response.status_code == 302 and response["Location"] == LIST
    draft.refresh_from_db()
    assert draft.status == "discarded"
    event = AlertEvent.objects.get(alert=draft.source_alert, type="material_event_discarded")
    assert (event.actor, event.reason) == (compliance, "已另行公告。")
    assert not Publication.objects.exists()


def test_the_regulator_sees_the_list_and_decides_nothing(client, regulator, drafts):
    client.force_login(regulator)
    page = client.get(LIST)
    assert page.status_code == 200
    assert all(row["decisions"] == [] for row in page.context["rows"])
    for draft in drafts:
        for name in ("publish", "discard"):
            assert client.get(decision(draft, name)).status_code == 403
            assert client.post(decision(draft, name), {"reason": "r"}).status_code == 403
    assert set(MaterialEventDraft.objects.values_list("status", flat=True)) == {"draft"}
    assert not Publication.objects.exists()


def test_an_unknown_draft_or_decision_is_a_404(client, compliance, drafts):
    client.force_login(compliance)
    assert client.get(decision(drafts[0], "explode")).status_code == 404
    missing = reverse("admin:disclosure_material_event", args=[999999, "publish"])
    assert client.get(missing).status_code == 404
