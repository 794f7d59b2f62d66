"""Products (the plans open for enrolment and the product information published) and
events (material events and related-party transactions, newest first, a withdrawn one
with its reason)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from disclosure.models import Kind
from disclosure.services import publication_draft, publication_withdraw
from tests.members.factories import mutual_aid_plan_make, premium_plan_make

from .helpers import publish

pytestmark = pytest.mark.django_db


def test_the_plans_open_for_enrolment_and_product_publications(client, compliance):
    aid = mutual_aid_plan_make()
    closed = premium_plan_make(is_open=False)
    product = publish(Kind.PRODUCT, "p:aid", title_en="Aid plan terms")
    html = client.get(reverse("disclosure:products")).content.decode()
    assert aid.plan.display_name in html
    assert f'id="plan-{aid.plan.pk}"' in html and f'id="plan-{closed.plan.pk}"' not in html
    assert "8.00%" in html and "188.00 CNY" in html  # fee and annual cap
    assert "300,000.00 CNY" in html  # the benefit of ages 0–39
    assert "Aid plan terms" in html and f"/disclosure/publications/{product.pk}/" in html


def test_events_newest_first_a_withdrawn_one_with_its_reason(client, compliance):
    first = publish(Kind.MATERIAL_EVENT, "e:1", title_en="Change of registered address")
    second = publish(Kind.RELATED_PARTY, "r:1", title_en="Lease from a director")
    publication_withdraw(publication=first, actor=compliance, reason="Published by mistake.")
    publication_draft(kind=Kind.MATERIAL_EVENT, title="草稿事项", title_en="Draft event",
                      actor=compliance)  # fmt: skip
    publish(Kind.PRODUCT, "p:1", title_en="Not an event")
    html = client.get(reverse("disclosure:events")).content.decode()
    assert html.index("Lease from a director") < html.index("Change of registered address")
    assert "Published by mistake." in html and "Withdrawn on" in html
    assert "Draft event" not in html and "Not an event" not in html
    assert second.pk


def test_events_pages(client, compliance, settings):
    from disclosure.views import public

    for n in range(public.EVENTS_PER_PAGE + 1):
        publish(Kind.MATERIAL_EVENT, f"e:{n}", title_en=f"Event number {n:03d}")
    first = client.get(reverse("disclosure:events")).content.decode()
    assert "Event number 000" not in first and 'rel="next"' in first
    second = client.get(reverse("disclosure:events"), {"page": 2}).content.decode()
    assert "Event number 000" in second and 'rel="prev"' in second
    assert client.get(reverse("disclosure:events"), {"page": 3}).status_code == 404
    for bad in ("0", "x", "-1", "²", "١"):
        response = client.get(reverse("disclosure:events"), {"page": bad})
        assert response.status_code == 400 and "<code>page</code>" in response.content.decode()
    # far past the last page (its offset is more than the database's integers hold)
    response = client.get(reverse("disclosure:events"), {"page": "9" * 25})
    assert response.status_code == 404
    assert "There is no such page of events." in response.content.decode()


def test_nothing_yet(client):
    html = client.get(reverse("disclosure:events")).content.decode()
    assert "Nothing has been published yet." in html
    html = client.get(reverse("disclosure:products")).content.decode()
    assert "No plan is open for enrolment at present." in html


def test_the_open_plans_in_three_queries_however_many(django_assert_num_queries):
    from members.selectors import plans_open_for_enrolment, plans_open_with_terms

    for _ in range(3):
        mutual_aid_plan_make()
    premium_plan_make(is_open=False)
    with django_assert_num_queries(3):
        offers = plans_open_with_terms()
    assert offers == plans_open_for_enrolment()
    assert all(len(version.age_bands.all()) == 2 for _plan, version in offers)
