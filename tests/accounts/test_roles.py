"""Staff roles are groups with permissions, created by migration accounts.0002."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import ROLE_BY_SLUG, ROLES, sync_role_groups

pytestmark = pytest.mark.django_db

READ_ONLY = ("regulator", "supervisor", "director")


def perms(slug: str) -> set[str]:
    group = Group.objects.get(name=ROLE_BY_SLUG[slug].group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_the_migration_created_all_twelve_role_groups():
    """Every role of accounts.roles exists as a group after migrate."""
    names = {role.group_name for role in ROLES}

    assert len(ROLES) == 12
    assert set(Group.objects.filter(name__in=names).values_list("name", flat=True)) == names
    assert "财务 Finance" in names


@pytest.mark.parametrize("slug", READ_ONLY)
def test_read_only_roles_have_only_view_permissions(slug):
    """The regulator, supervisors and directors can read the books but change nothing."""
    granted = perms(slug)

    assert {"ledger.view_journalentry", "ledger.view_posting", "common.view_society"} <= granted
    assert all(p.split(".", 1)[1].startswith("view_") for p in granted), granted


def test_finance_posts_journal_entries_but_never_changes_or_deletes_them():
    """Finance may add entries and read the ledger; no change or delete of entries."""
    granted = perms("finance")

    assert {"ledger.add_journalentry", "ledger.view_journalentry", "ledger.view_posting"} <= (
        granted
    )
    assert not {p for p in granted if p.startswith(("ledger.change_", "ledger.delete_"))}


def test_every_role_has_some_permission():
    """No role group is empty after migrate."""
    assert all(perms(role.slug) for role in ROLES)


def test_syncing_again_is_additive():
    """A permission staff added to a group stays when the roles are synced again; nothing
    is duplicated."""
    group = Group.objects.get(name=ROLE_BY_SLUG["actuary"].group_name)
    extra = Permission.objects.get(codename="add_journalentry")
    group.permissions.add(extra)
    before = group.permissions.count()

    sync_role_groups()

    assert group.permissions.count() == before
    assert group.permissions.filter(pk=extra.pk).exists()
    assert Group.objects.filter(name=group.name).count() == 1


IDENTITY = "members.view_identity_number"


@pytest.mark.parametrize(
    ("slug", "sees_full_identity"),
    [
        ("underwriter", True),
        ("claims_handler", True),
        ("compliance_officer", True),
        ("claims_approver", False),
        ("complaints_handler", False),
        ("actuary", False),
        ("finance", False),
        ("board_secretary", False),
        ("director", False),
        ("supervisor", False),
        ("regulator", False),
    ],
)
def test_only_roles_that_check_identity_see_full_identity_numbers(slug, sees_full_identity):
    """A wildcard like members.view_* never grants the full identity number."""
    assert (IDENTITY in perms(slug)) is sees_full_identity


def test_wildcards_never_grant_deletions():
    """Records are not deleted by role: only the actuary's draft tables are, by name."""
    for role in ROLES:
        deletions = {p for p in perms(role.slug) if ".delete_" in p}
        allowed = {"members.delete_ageband", "members.delete_healthquestion"}
        assert deletions <= (allowed if role.slug == "actuary" else set()), role.slug


def test_the_underwriter_decides_applications_but_takes_no_payments():
    underwriter = perms("underwriter")
    assert {"members.change_application", "members.change_member", "members.add_member"} <= (
        underwriter
    )
    assert "members.add_payment" not in underwriter
    assert "members.change_payment" not in underwriter


def test_claims_handlers_assess_and_approvers_decide():
    """Four eyes by role: the handler assesses and pays but never approves or rejects."""
    handler, approver = perms("claims_handler"), perms("claims_approver")
    assert {"claims.assess_claim", "claims.pay_claim", "claims.change_claim"} <= handler
    assert "claims.decide_claim" not in handler
    assert "claims.decide_claim" in approver
    assert "claims.assess_claim" not in approver


def test_the_migration_takes_deciding_back_from_a_handler_group_that_had_it():
    """Databases whose handler group got claims.decide_claim from the old ``claims.*``."""
    from importlib import import_module

    from django.apps import apps

    group = Group.objects.get(name=ROLE_BY_SLUG["claims_handler"].group_name)
    decide = Permission.objects.get(content_type__app_label="claims", codename="decide_claim")
    group.permissions.add(decide)
    import_module("accounts.migrations.0004_handler_does_not_decide_claims").narrow(apps, None)
    assert "claims.decide_claim" not in perms("claims_handler")


FINANCE_KEEPS = {
    "solvency.add_capitalitem",
    "solvency.change_capitalitem",
    "solvency.add_assetholding",
    "solvency.change_assetholding",
    "solvency.import_assetholding",
    "solvency.add_fundtranche",
    "solvency.change_fundtranche",
}


def test_finance_keeps_the_capital_inputs_the_actuary_computes_and_approves():
    """Segregation of duties: whoever computes the solvency ratio does not enter the
    capital it counts (the actuary's ``solvency.*`` leaves those to finance)."""
    finance, actuary = perms("finance"), perms("actuary")
    assert finance >= FINANCE_KEEPS
    assert not FINANCE_KEEPS & actuary
    assert {
        "solvency.compute_solvencyassessment",
        "solvency.approve_solvencyassessment",
        "solvency.change_regime",
        "solvency.view_capitalitem",
    } <= actuary
    assert "solvency.compute_solvencyassessment" not in finance
    assert "solvency.approve_solvencyassessment" not in finance


def test_the_compliance_officer_approves_assessments_but_computes_none():
    """The second pair of eyes on an assessment: another actuary or compliance."""
    compliance = perms("compliance_officer")
    assert "solvency.approve_solvencyassessment" in compliance
    assert "solvency.compute_solvencyassessment" not in compliance
    assert "solvency.change_regime" not in compliance


def test_the_ladder_finance_repays_compliance_acknowledges_regulator_reads():
    """Finance records repayments (on the assembly's resolution); compliance acknowledges
    alerts; the actuary does neither; the regulator sees the ladder and changes nothing."""
    assert "solvency.add_fundrepayment" in perms("finance")
    assert "solvency.acknowledge_solvencyalert" in perms("compliance_officer")
    actuary = perms("actuary")
    assert not {"solvency.add_fundrepayment", "solvency.acknowledge_solvencyalert"} & actuary
    regulator = perms("regulator")
    assert {
        "solvency.view_solvencyalert",
        "solvency.view_fundrepayment",
        "solvency.view_materialeventdraft",
        "solvency.view_solvencyjobrun",
    } <= regulator
    assert not {p for p in regulator if p.startswith("solvency.") and ".view_" not in p}


def test_reserve_runs_the_actuary_runs_a_second_actuary_or_compliance_approves():
    """An actuary runs and approves (another's) reserve runs; compliance approves but
    runs none; finance, the regulator and the board read them and change nothing."""
    actuary, compliance = perms("actuary"), perms("compliance_officer")
    assert {"solvency.run_reserverun", "solvency.approve_reserverun"} <= actuary
    assert "solvency.approve_reserverun" in compliance
    assert "solvency.run_reserverun" not in compliance
    for slug in ("finance", "regulator", "director"):
        granted = perms(slug)
        assert "solvency.view_reserverun" in granted
        assert not {p for p in granted if p.endswith("reserverun")} - {"solvency.view_reserverun"}
