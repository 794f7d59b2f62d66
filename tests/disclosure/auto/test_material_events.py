"""A material event the solvency alerts drafted: compliance publishes or discards it."""

from __future__ import annotations

import pytest

from disclosure.models import Kind, Publication
from disclosure.services.sources import material_event_discard, material_event_publish
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed
from solvency.models import AlertEvent, MaterialEventDraft
from solvency.services import assessment_approve, assessment_compute
from tests.solvency.factories import VALUATION, books, holding

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(actuary, compliance):
    """A weak position (the solvency tests' ``weak``): a breach and an early warning,
    each with its material-event draft."""
    books()
    holding(value="10000000.00")
    a = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    assessment_approve(assessment=a, actor=compliance)
    return list(MaterialEventDraft.objects.order_by("pk"))


def test_compliance_publishes_a_material_event_once(drafts, compliance):
    draft = drafts[0]

    publication = material_event_publish(draft=draft.pk, actor=compliance)

    assert (publication.kind, publication.status, publication.version) == (
        Kind.MATERIAL_EVENT,
        "published",
        1,
    )
    assert publication.key == f"material_event:solvency-alert-{draft.source_alert_id}"
    assert (publication.title, publication.title_en) == (draft.title, draft.title_en)
    assert (publication.body, publication.body_en) == (draft.body, draft.body_en)
    assert publication.content["ratio"] == draft.data["ratio"]
    assert publication.approved_by == compliance and publication.drafted_by is None
    assert publication.due_on is not None
    draft.refresh_from_db()
    assert draft.status == "published"
    event = AlertEvent.objects.get(alert=draft.source_alert, type="material_event_published")
    assert event.actor == compliance

    again = material_event_publish(draft=draft, actor=compliance)
    assert again.pk == publication.pk
    assert Publication.objects.count() == 1


def test_a_discarded_material_event_is_not_published(drafts, compliance):
    draft = drafts[1]
    with pytest.raises(InvalidInput):
        material_event_discard(draft=draft, actor=compliance, reason=" ")

    closed = material_event_discard(draft=draft, actor=compliance, reason="Already disclosed")

    assert closed.status == "discarded"
    event = AlertEvent.objects.get(alert=draft.source_alert, type="material_event_discarded")
    assert (event.actor, event.reason) == (compliance, "Already disclosed")
    assert material_event_discard(draft=draft, actor=compliance, reason="again").status == (
        "discarded"
    )
    with pytest.raises(NotAllowed):
        material_event_publish(draft=draft, actor=compliance)
    assert not Publication.objects.exists()


def test_a_published_material_event_cannot_be_discarded(drafts, compliance):
    material_event_publish(draft=drafts[0], actor=compliance)
    with pytest.raises(TransitionNotAllowed):
        material_event_discard(draft=drafts[0], actor=compliance, reason="changed our mind")


@pytest.mark.parametrize("role", ["regulator", "actuary", None])
def test_only_compliance_decides_material_events(drafts, make_user, role):
    someone = make_user(f"someone-{role}", roles=(role,) if role else (), is_staff=True)
    with pytest.raises(NotAllowed):
        material_event_publish(draft=drafts[0], actor=someone)
    with pytest.raises(NotAllowed):
        material_event_discard(draft=drafts[0], actor=someone, reason="no")
    assert MaterialEventDraft.objects.get(pk=drafts[0].pk).status == "draft"
    assert not Publication.objects.exists()
