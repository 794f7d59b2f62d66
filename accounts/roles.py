"""Staff roles as groups with permissions.

Each role is a Django group; its permissions are listed here as ``app_label.codename``,
where the codename may end in ``*`` (``ledger.view_*`` is every view permission of the
ledger). A wildcard never grants a deletion (``delete_*``) nor a permission listed in
``EXPLICIT_ONLY`` (seeing full identity numbers): those are given by name or not at all.
``sync_role_groups`` creates the groups and adds the permissions that exist; it
is additive, so a permission staff add to a group in the admin stays. It runs in the
migration ``accounts.0002_roles`` and again after every ``migrate`` so that the
permissions of apps added later reach their roles.

Later issues extend ``ROLES`` with their apps' permissions.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

#: Permissions a wildcard pattern never grants: only a pattern naming them does. Seeing
#: full identity numbers, changing the bank account members pay into (finance), changing
#: the security settings (the administrator).
EXPLICIT_ONLY = frozenset(
    {
        "view_identity_number",
        "change_society_payment_details",
        "change_society_security",
        # The regulator portal: the oversight roles only (not directors, whose
        # ``disclosure.view_*`` would otherwise grant it).
        "view_regulator_portal",
    }
)

READ_ONLY_DOMAIN = (
    "common.view_*",
    "ledger.view_*",
    "members.view_*",
    "governance.view_*",
    "claims.view_*",
    "support.view_*",
    "solvency.view_*",
    "disclosure.view_*",
)


#: What finance keeps of solvency, and the actuary's wildcard does not grant.
FINANCE_SOLVENCY = (
    "solvency.add_capitalitem",
    "solvency.change_capitalitem",
    "solvency.add_assetholding",
    "solvency.change_assetholding",
    "solvency.import_assetholding",
    "solvency.add_fundtranche",
    "solvency.change_fundtranche",
    # Repaying the fund on the assembly's resolution (solvency.services.repayment).
    "solvency.add_fundrepayment",
    # Crediting members their share of a surplus distribution the assembly adopted
    # (solvency.services.distribution).
    "solvency.run_surplusdistribution",
)


@dataclass(frozen=True)
class Role:
    slug: str
    group_name: str
    description: str
    permissions: tuple[str, ...]
    #: Permissions (``app_label.codename``) the role's wildcards never grant it: the
    #: actuary's ``solvency.*`` leaves the capital inputs to finance (segregation of
    #: duties: whoever computes the solvency ratio does not also enter the capital).
    excluded: tuple[str, ...] = ()


ROLES: tuple[Role, ...] = (
    Role(
        "underwriter",
        "核保员 Underwriter",
        _("Decides referred applications, keeps members' records, imports members."),
        (
            "common.view_society",
            "members.view_*",
            # Underwriting checks the applicant's identity document.
            "members.view_identity_number",
            "members.change_application",
            "members.change_member",
            "members.add_member",
        ),
    ),
    Role(
        "claims_handler",
        "理赔经办 Claims handler",
        _("Takes claims in, asks for information, assesses them."),
        (
            "common.view_society",
            "members.view_*",
            "members.view_identity_number",
            "claims.view_*",
            "claims.add_*",
            "claims.change_*",
            "claims.assess_claim",
            "claims.pay_claim",
            "claims.run_apportionment",
            # Not claims.decide_claim: approving and rejecting belong to the approver, so
            # that a claim is always decided by a second person (four eyes).
        ),
    ),
    Role(
        "claims_approver",
        "理赔审批 Claims approver",
        _("Approves or rejects assessed claims; never their own assessment (four eyes)."),
        (
            "common.view_society",
            "members.view_*",
            "claims.view_*",
            "claims.change_*",
            "claims.decide_claim",
        ),
    ),
    Role(
        "complaints_handler",
        "投诉处理 Complaints handler",
        _("Acknowledges, investigates and answers complaints; keeps the deadlines."),
        (
            "common.view_society",
            "members.view_*",
            "claims.view_*",
            "support.view_*",
            "support.handle_complaint",
            "support.change_complaintsettings",
            "support.add_calendarday",
            "support.change_calendarday",
        ),
    ),
    Role(
        "actuary",
        "精算师 Actuary",
        _("Runs reserves and solvency assessments; reads claims and the ledger."),
        (
            "common.view_society",
            "ledger.view_*",
            "claims.view_*",
            "solvency.*",
            "members.view_*",
            # The actuary prices the plans: drafts of plan versions and their tables.
            "members.add_plan",
            "members.change_plan",
            "members.add_planversion",
            "members.change_planversion",
            "members.add_ageband",
            "members.change_ageband",
            "members.delete_ageband",
            "members.add_healthquestion",
            "members.change_healthquestion",
            "members.delete_healthquestion",
        ),
        # Acknowledging an alert of the ladder is the compliance officer's.
        # Proposing a surplus distribution is the board's.
        excluded=(
            *FINANCE_SOLVENCY,
            "solvency.acknowledge_solvencyalert",
            "solvency.propose_surplusdistribution",
        ),
    ),
    Role(
        "finance",
        "财务 Finance",
        _("Records payments and manual journal entries; reads the books."),
        (
            "common.view_society",
            # The bank account members pay into: proposed by one person of finance,
            # approved by another (maker-checker).
            "common.change_society_payment_details",
            "common.view_bankaccountchange",
            "common.view_societyevent",
            "ledger.view_*",
            "ledger.add_journalentry",
            "members.view_*",
            "members.add_payment",
            # The capital inputs of solvency: capital items, asset holdings (and their
            # import), the initial operating fund's register.
            "solvency.view_*",
            *FINANCE_SOLVENCY,
        ),
    ),
    Role(
        "compliance_officer",
        "合规负责人 Compliance officer",
        _("Reads everything, the sign-in logs and the schedule; publishes disclosures."),
        (
            *READ_ONLY_DOMAIN,
            "members.view_identity_number",
            "disclosure.*",
            # Sees what the regulator sees, to answer for it.
            "disclosure.view_regulator_portal",
            # The second pair of eyes on a solvency assessment and on a reserve run (the
            # actuary computes them).
            "solvency.approve_solvencyassessment",
            # Sees the alerts of the ladder (read-only domain) and acknowledges them.
            "solvency.acknowledge_solvencyalert",
            "solvency.approve_reserverun",
            # The second person who starts a plan's wind-down the board secretary
            # recorded (four eyes), and who has its refunds made and paid.
            "members.manage_wind_down",
            "members.change_winddown",
            "axes.view_*",
            "django_celery_beat.view_*",
            # Answers members' requests about their personal data (PIPL arts. 44-50) and
            # keeps the deadline and the retention rules.
            "privacy.*",
        ),
    ),
    Role(
        "board_secretary",
        "董事会秘书 Board secretary",
        _("Keeps the society's particulars, convenes meetings, records votes and minutes."),
        # common.change_society is the particulars only: the bank account and the
        # security settings have owners of their own (finance, the administrator).
        # members.manage_wind_down: records the board's decision to wind a plan down.
        (
            "common.view_society",
            "common.change_society",
            "members.view_*",
            "members.manage_wind_down",
            "members.change_winddown",
            "governance.*",
            # Records the board's proposal of a surplus distribution to the assembly
            # (solvency.services.distribution), having previewed it.
            "solvency.view_surplusdistribution",
            "solvency.propose_surplusdistribution",
        ),
    ),
    Role(
        "administrator",
        "系统管理员 Administrator",
        _(
            "Keeps sign-in security: the two-factor rule, lock-outs, the sign-in logs; "
            "resumes a batch run that stopped."
        ),
        (
            "common.view_*",
            "common.change_society_security",
            "common.resume_batchrun",
            "accounts.view_user",
            "accounts.view_secondfactorattempts",
            "accounts.change_secondfactorattempts",
            "axes.view_*",
        ),
    ),
    Role(
        "director",
        "董事 Director",
        _("A member of the board of directors: reads the books, claims and solvency."),
        READ_ONLY_DOMAIN,
    ),
    Role(
        "supervisor",
        "监事 Supervisor",
        _("A member of the supervisory board: reads everything, changes nothing."),
        (*READ_ONLY_DOMAIN, "disclosure.view_regulator_portal"),
    ),
    Role(
        "regulator",
        "监管 Regulator (read-only)",
        _("A regulator's read-only account: views every record, changes nothing."),
        (*READ_ONLY_DOMAIN, "disclosure.view_regulator_portal"),
    ),
)

ROLE_BY_SLUG = {role.slug: role for role in ROLES}


def _matching_permissions(Permission, pattern: str):  # noqa: N803 - a model class
    app_label, _sep, codename = pattern.partition(".")
    qs = Permission.objects.filter(content_type__app_label=app_label)
    if "*" not in codename:
        return list(qs.filter(codename=codename))
    return [
        p
        for p in qs
        if fnmatch.fnmatchcase(p.codename, codename)
        and not p.codename.startswith("delete_")
        and p.codename not in EXPLICIT_ONLY
    ]


def role_permissions(role: Role, apps=global_apps) -> list:
    """The permissions a role's patterns give, as they exist in the database now."""
    Permission = apps.get_model("auth", "Permission")  # noqa: N806
    wanted = []
    for pattern in role.permissions:
        app_label = pattern.partition(".")[0]
        wanted.extend(
            p
            for p in _matching_permissions(Permission, pattern)
            if f"{app_label}.{p.codename}" not in role.excluded
        )
    if role.slug in {"regulator", "supervisor", "director"}:
        # Read-only roles never get a write permission, whatever a pattern says.
        wanted = [p for p in wanted if p.codename.startswith("view_")]
    return wanted


def sync_role_groups(apps=global_apps) -> None:
    """Create each role's group and add the permissions of its patterns that exist."""
    Group = apps.get_model("auth", "Group")  # noqa: N806
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.group_name)
        group.permissions.add(*role_permissions(role, apps))


def create_all_permissions(apps=global_apps, using: str = "default") -> None:
    """Create the content types and permissions of every installed app now.

    Django creates them in its own post_migrate handler, app by app; the roles need all
    of them at once (and the migration needs them before that handler has run).
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        historical = getattr(app_config, "models_module", None) is None
        if historical:
            app_config.models_module = True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            if historical:
                app_config.models_module = None


def sync_after_migrate(sender, apps=global_apps, using: str = "default", **kwargs) -> None:
    from django.db import connections

    if "auth_group" in connections[using].introspection.table_names():
        create_all_permissions(apps, using)
        sync_role_groups(apps)
