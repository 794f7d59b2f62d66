"""Plans and their versions: drafts are edited, published terms never change."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from members.models import ConsentDocument, PlanVersion
from members.services.plans import plan_version_draft
from tests.members.factories import consent_documents_make, enrol, premium_plan_make

pytestmark = pytest.mark.django_db

PLANS = reverse("admin:members_plan_changelist")
VERSIONS = reverse("admin:members_planversion_changelist")


def version_url(version, view="change"):
    return reverse(f"admin:members_planversion_{view}", args=[version.pk])


def test_a_published_version_is_entirely_read_only(staff):
    published = premium_plan_make(code="life")

    page = staff.get(version_url(published))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="effective_from"' not in html
    assert 'name="age_bands-0-min_age"' not in html
    assert "Save and publish" not in html
    assert not page.context["has_change_permission"]
    assert staff.post(version_url(published), {"effective_from": "2030-01-01"}).status_code == 403
    assert staff.get(version_url(published, "delete")).status_code == 403
    published.refresh_from_db()
    assert published.effective_from.year == 2020


def test_a_draft_is_editable_with_its_bands_and_questions(staff):
    draft = premium_plan_make(code="life", publish=False)

    html = staff.get(version_url(draft)).content.decode()

    assert 'name="effective_from"' in html
    assert 'name="age_bands-0-min_age"' in html
    assert 'name="questions-0-text"' in html
    assert "Save and publish" in html
    assert staff.get(version_url(draft, "delete")).status_code == 200


def test_starting_a_draft_copies_the_latest_version_and_opens_it(staff):
    published = premium_plan_make(code="life")

    response = staff.post(
        PLANS, {"action": "start_draft", ACTION_CHECKBOX_NAME: [published.plan_id]}
    )

    draft = PlanVersion.objects.get(plan=published.plan, number=2)
    assert response.status_code == 302
    assert response["Location"] == version_url(draft)
    assert draft.status == PlanVersion.Status.DRAFT
    assert draft.effective_from == timezone.localdate()
    assert draft.age_bands.count() == published.age_bands.count()

    again = staff.post(
        PLANS, {"action": "start_draft", ACTION_CHECKBOX_NAME: [published.plan_id]}, follow=True
    )
    assert "already has a draft version" in again.content.decode()


def test_publishing_shows_why_an_incomplete_version_is_refused(staff):
    published = premium_plan_make(code="life")
    draft = plan_version_draft(plan=published.plan, effective_from=timezone.localdate())
    draft.age_bands.all().delete()

    response = staff.post(
        VERSIONS, {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk]}, follow=True
    )

    assert "Add at least one age band with its benefit." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.DRAFT


def test_publishing_a_complete_draft(staff, admin_user):
    published = premium_plan_make(code="life")
    draft = plan_version_draft(plan=published.plan, effective_from=timezone.localdate())

    response = staff.post(
        VERSIONS, {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk]}, follow=True
    )

    assert "is published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.PUBLISHED
    assert draft.published_by == admin_user


def test_a_version_cannot_be_added_directly(staff):
    assert staff.get(reverse("admin:members_planversion_add")).status_code == 403


def test_a_consent_document_members_consented_to_cannot_be_changed_or_deleted(staff):
    """A correction of a text members agreed to is a new version, not an edit."""
    premium = premium_plan_make(code="life")
    enrol(premium)  # consents to the documents in force
    used = ConsentDocument.objects.get(kind="articles")
    unused = ConsentDocument.objects.create(
        kind="articles",
        version="2099.1",
        title="章程",
        body="……",
        effective_from=timezone.localdate().replace(year=2099),
    )

    def url(document, view):
        return reverse(f"admin:members_consentdocument_{view}", args=[document.pk])

    assert staff.get(url(used, "delete")).status_code == 403
    assert not staff.get(url(used, "change")).context["has_change_permission"]
    assert staff.get(url(unused, "delete")).status_code == 200
    assert staff.get(url(unused, "change")).context["has_change_permission"]


def test_a_consent_document_nobody_consented_to_can_be_deleted(staff):
    documents = consent_documents_make()
    document = documents["privacy"]

    response = staff.post(
        reverse("admin:members_consentdocument_delete", args=[document.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not ConsentDocument.objects.filter(pk=document.pk).exists()


def change_form_data(response, **changes) -> dict:
    """What the change page would post unchanged (the form and its inlines), plus
    ``changes``."""
    data: dict = {}

    def add(form, prefix: str = "") -> None:
        for name in form.fields:
            value = form[name].value()
            key = f"{prefix}{name}"
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form, f"{formset.prefix}-")
        for form in formset.forms:
            add(form, f"{form.prefix}-")
    data.update(changes)
    return data


def test_save_and_publish_saves_the_edits_then_publishes(staff):
    published = premium_plan_make(code="life")
    draft = plan_version_draft(plan=published.plan, effective_from=timezone.localdate())
    page = staff.get(version_url(draft))

    response = staff.post(
        version_url(draft),
        change_form_data(page, waiting_period_days=30, _publish="Save and publish"),
        follow=True,
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.waiting_period_days == 30
    assert draft.status == PlanVersion.Status.PUBLISHED
    assert "is published" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age_bands-0-sum_assured", "2000000000.00", "the largest single amount"),
        ("age_bands-0-premium_monthly", "1E3", "Enter the amount with the digits 0–9"),
        ("claim_approval_threshold", "５００００", "Enter the amount with the digits 0–9"),
        ("claim_approval_threshold", "9999999999999999.99", "the largest single amount"),
    ],
)
def test_a_drafts_amounts_are_typed_strictly_and_within_the_limit(staff, field, value, message):
    """A draft saves without a service, so its form holds the money fields itself: ASCII
    digits with two decimals at most, and no more than the society's largest single
    amount. Nothing is saved."""
    published = premium_plan_make(code="life")
    draft = plan_version_draft(plan=published.plan, effective_from=timezone.localdate())
    page = staff.get(version_url(draft))

    response = staff.post(version_url(draft), change_form_data(page, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    band = draft.age_bands.order_by("min_age").first()
    assert draft.claim_approval_threshold == published.claim_approval_threshold
    assert (band.sum_assured, band.premium_monthly) == (
        published.age_bands.order_by("min_age").first().sum_assured,
        published.age_bands.order_by("min_age").first().premium_monthly,
    )
