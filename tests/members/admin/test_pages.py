"""Every page of the members admin renders for a superuser, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import (
    Application,
    ConsentDocument,
    ContributionDue,
    Coverage,
    Member,
    MemberEvent,
    Payment,
    Plan,
    PlanVersion,
)
from members.services.plans import plan_version_draft
from tests.members.factories import (
    consent_documents_make,
    enrol,
    member_make,
    mutual_aid_plan_make,
    pay,
    premium_plan_make,
)

pytestmark = pytest.mark.django_db

MODELS = (
    Plan,
    PlanVersion,
    ConsentDocument,
    Application,
    Member,
    ContributionDue,
    Payment,
    Coverage,
    MemberEvent,
)


@pytest.fixture
def society():
    """Two plans, a draft, members with cover, dues, payments and history, a referral."""
    version = premium_plan_make(code="life")
    mutual_aid_plan_make(code="aid")
    plan_version_draft(plan=version.plan, effective_from=version.effective_from)
    consent_documents_make()
    member = member_make(version)
    pay(member, "100.00")
    enrol(version, yes=("refer",))
    return member


def admin_url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:members_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_render(staff, society, model):
    response = staff.get(admin_url(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_pages_render(staff, society, model):
    for obj in model.objects.all():
        response = staff.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200, (model, obj)


@pytest.mark.parametrize("model", [Plan, ConsentDocument, Payment], ids=lambda m: m.__name__)
def test_add_pages_render(staff, model):
    assert staff.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize(
    "model",
    [PlanVersion, Application, Member, ContributionDue, Coverage, MemberEvent],
    ids=lambda m: m.__name__,
)
def test_records_made_by_services_cannot_be_added_here(staff, model):
    assert staff.get(admin_url(model, "add")).status_code == 403


def test_the_import_page_renders_and_the_member_list_links_to_it(staff):
    assert staff.get(reverse("admin:members_member_import")).status_code == 200
    assert reverse("admin:members_member_import") in staff.get(admin_url(Member)).content.decode()
