"""Who may open what: every page and API operation x every kind of person (issue 14).

The URL walk (tests/project/url_world.py) asks every URL pattern of the project, with
real objects in its path parameters, as each of: an anonymous visitor, an applicant
(application under review, no membership), member A and member B (each with a claim and
its document, a complaint, a personal data request, a beneficiary designation and
notifications), one staff person per role of ``accounts.roles.ROLES`` (the regulator
among them) and a superuser. ``MATRIX`` says what each should get: a page whose answer
changes, a pattern without a row, or a row without a pattern fails the test by name.

The walk's objects are in the states a person meets them (``url_world.World.states``):
an open meeting, a published publication with its file, an approved solvency assessment,
a review panel on which member A sits and member B (who objected) does not; ``DRAFTS``
asks the same pages with the draft meeting, publication and assessment.

Object-scoped pages (``OWN`` in the member column) are asked for with member A's objects
and with member B's: the owner gets the page, the other member 404. The admin's model
pages are not listed one by one: their answer is derived from the ModelAdmin's own
permission checks for the person (``_admin_expected``). Staff pass the society's
two-factor rule with an authenticator verified in their session (``api_world.sign_in``).

Writes: every pattern and every write operation of the OpenAPI schema, sent by an
anonymous visitor, by member B to member A's objects and by the regulator, changes no
row of any model. See docs/roles-and-security.md, "The access matrix".
"""

from __future__ import annotations

import copy
import dataclasses
import re
import types

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import resolve

from accounts.middleware import OWN_ACCOUNT_VIEW_NAMES
from accounts.roles import ROLES
from members.services.beneficiaries import BeneficiaryData, designation_change
from privacy.services.requests import privacy_request_submit
from support.services import ComplaintData, complaint_file
from tests.claims.factories import claim_make, covered_member
from tests.members.factories import birth_date, enrol, premium_plan_make, resident_id
from tests.project.api_world import _user as staff_user
from tests.project.api_world import sign_in
from tests.project.url_world import World, patterns, row_counts, schema_operations

pytestmark = pytest.mark.django_db

STAFF = tuple(role.slug for role in ROLES) + ("superuser",)
PEOPLE = ("anonymous", "applicant", "member_a", "member_b", *STAFF)

# --- The outcomes ---------------------------------------------------------------------
OK = "ok"  # 200 (or 204)
LOGIN = "login"  # a redirect to a sign-in page
DENIED = "denied"  # 403 or 404
ELSEWHERE = "elsewhere"  # a redirect to another page (a staff person sent to /me/...)
METHOD = "method"  # 405: the address takes a form (POST) only
INVALID = "invalid"  # 400: asked without the parameters it needs
OWN = "own"  # member column only: OK for the owner's object, DENIED for another's
CONFLICT = "409"  # the object is not in a state for this (the member's own claim)
MEDIA_TYPE = "415"  # the operation takes a file upload, not JSON


def own(outcome: str) -> str:
    """Member column: ``outcome`` for the owner's object, DENIED for another's."""
    return f"{OWN}:{outcome}"


@dataclasses.dataclass(frozen=True)
class Perm:
    """Staff column: ``then`` for a person with the permission (a superuser has them
    all), ``otherwise`` without."""

    perm: str
    then: str = OK
    otherwise: str = DENIED

    def expect(self, user) -> str:
        return self.then if user.has_perm(self.perm) else self.otherwise


@dataclasses.dataclass(frozen=True)
class Roles:
    """Staff column: ``then`` for these roles and the superuser, ``otherwise`` else."""

    slugs: tuple[str, ...]
    then: str = OK
    otherwise: str = DENIED

    def expect(self, user) -> str:
        mine = {role.slug for role in ROLES if user.groups.filter(name=role.group_name).exists()}
        return self.then if user.is_superuser or mine & set(self.slugs) else self.otherwise


@dataclasses.dataclass(frozen=True)
class Row:
    """What each kind of person gets: the staff column is an outcome or a rule."""

    anonymous: str
    applicant: str
    member: str
    staff: str | Perm | Roles


def _all(outcome: str) -> Row:
    return Row(outcome, outcome, outcome, outcome)


PUBLIC = _all(OK)
NOWHERE = _all(DENIED)  # the walk's object is not shown by this page to anyone
SIGNED_IN = Row(LOGIN, OK, OK, OK)
# The member portal: staff without a membership are sent to /me/, which says so.
PORTAL = Row(LOGIN, OK, OK, ELSEWHERE)
PORTAL_OWN = Row(LOGIN, DENIED, OWN, ELSEWHERE)
PORTAL_FORM = Row(LOGIN, METHOD, METHOD, ELSEWHERE)
FORM = Row(LOGIN, METHOD, METHOD, METHOD)
API_PUBLIC = PUBLIC
API_MEMBER = Row(DENIED, OK, OK, DENIED)
API_FORM = Row(DENIED, METHOD, METHOD, METHOD)
REGULATOR_PORTAL = Row(LOGIN, DENIED, DENIED, Perm("disclosure.view_regulator_portal"))
REGULATOR_NOWHERE = Row(LOGIN, DENIED, DENIED, DENIED)


def _staff_api(perm: str, then: str = OK) -> Row:
    return Row(DENIED, DENIED, DENIED, Perm(perm, then))


def _admin(staff: str | Perm | Roles) -> Row:
    return Row(LOGIN, LOGIN, LOGIN, staff)


LEDGER = "ledger.view_journalentry"
SOLVENCY = "solvency.view_solvencyassessment"

#: view name (or route, for unnamed patterns) -> what each kind of person gets.
MATRIX: dict[str, Row] = {
    # Signing in and out, the account's own pages.
    "portal:home": PUBLIC,
    "login": Row(OK, ELSEWHERE, ELSEWHERE, ELSEWHERE),
    "logout": _all(METHOD),
    "two_factor": SIGNED_IN,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,  # the page says the link is invalid
    "password_reset_complete": PUBLIC,
    "set_language": _all(ELSEWHERE),
    "healthz": PUBLIC,
    "favicon": _all(ELSEWHERE),
    # Members' portal.
    "members:enrol": Row(OK, ELSEWHERE, ELSEWHERE, OK),
    "members:dashboard": SIGNED_IN,
    "members:application_result": PORTAL,
    "members:profile": PORTAL,
    "members:certificate": Row(LOGIN, DENIED, OK, ELSEWHERE),
    "members:statement": PORTAL,
    "members:beneficiaries": PORTAL,
    "members:withdraw": PORTAL,
    "members:notifications": PORTAL,
    "members:notification": PORTAL_OWN,
    "members:notifications_read_all": PORTAL_FORM,
    "members:notification_preferences": PORTAL,
    "members:coverage_add": Row(LOGIN, ELSEWHERE, OK, ELSEWHERE),
    # Governance (the walk's meeting is open for voting, both members on its roll; its
    # draft is seen by no one in the portal, DRAFTS).
    "governance:meetings": SIGNED_IN,
    "governance:meeting": Row(LOGIN, DENIED, OK, DENIED),
    "governance:vote": Row(LOGIN, ELSEWHERE, ELSEWHERE, ELSEWHERE),
    "governance:proxy": Row(LOGIN, DENIED, OK, DENIED),
    "governance:proxy_revoke": FORM,
    "governance:nominate": FORM,
    "governance:second": FORM,
    "governance:results": NOWHERE,  # voting is open: no results declared
    "governance:proposal_new": SIGNED_IN,
    "governance:cosign": FORM,
    "governance:receipt": PUBLIC,
    "governance:consultations": SIGNED_IN,
    "governance:consultation": REGULATOR_NOWHERE,
    "governance:consultation_answer": Row(LOGIN, ELSEWHERE, ELSEWHERE, ELSEWHERE),
    "governance:consultation_comment": Row(LOGIN, ELSEWHERE, ELSEWHERE, ELSEWHERE),
    # Claims.
    "claims:list": PORTAL,
    "claims:submit": PORTAL,
    "claims:detail": PORTAL_OWN,
    "claims:withdraw": PORTAL_FORM,
    "claims:appeal": PORTAL_FORM,
    "claims:info": PORTAL_FORM,
    "claims:document_add": PORTAL_FORM,
    # A claim document: its member, and staff who handle claims (DOCUMENTS_PERM).
    "claims:document": Row(LOGIN, DENIED, OWN, Perm("claims.change_claim")),
    "claims:shares": PORTAL,
    "claims:share_proof": Row(LOGIN, DENIED, DENIED, ELSEWHERE),
    "claims:notices": PUBLIC,
    "claims:notice": NOWHERE,  # member A's claim is not on public notice
    "claims:panels": PORTAL,
    "claims:panel": PORTAL_OWN,  # member A sits on the walk's panel, member B objected
    # Complaints.
    "support:file": PUBLIC,
    "support:document": REGULATOR_NOWHERE,
    "support:track": NOWHERE,  # a member's complaint has no secret link
    "support:list": PORTAL,
    "support:detail": PORTAL_OWN,
    "support:escalate": PORTAL_FORM,
    "solvency:surplus": PORTAL,
    # Personal data.
    "privacy:overview": PORTAL,
    "privacy:export_json": PORTAL,
    "privacy:export_pdf": PORTAL,
    "privacy:request_new": PORTAL,
    "privacy:request": PORTAL_OWN,
    # Public disclosure.
    "disclosure:home": PUBLIC,
    "disclosure:basic": PUBLIC,
    "disclosure:governance": PUBLIC,
    "disclosure:governance_meeting": NOWHERE,  # disclosed once its results are declared
    "disclosure:finances": PUBLIC,
    "disclosure:solvency": PUBLIC,
    "disclosure:claims": PUBLIC,
    "disclosure:products": PUBLIC,
    "disclosure:events": PUBLIC,
    "disclosure:archive": PUBLIC,
    "disclosure:publication": PUBLIC,  # published; its draft is seen by no one (DRAFTS)
    "disclosure:attachment": PUBLIC,
    "disclosure:feed": PUBLIC,
    # The regulator portal: the oversight roles only.
    "disclosure:regulator:home": REGULATOR_PORTAL,
    "disclosure:regulator:solvency": REGULATOR_PORTAL,
    "disclosure:regulator:ledger": REGULATOR_PORTAL,
    "disclosure:regulator:claims": REGULATOR_PORTAL,
    "disclosure:regulator:claims-export": REGULATOR_PORTAL,
    "disclosure:regulator:governance": REGULATOR_PORTAL,
    "disclosure:regulator:events": REGULATOR_PORTAL,
    # (the walk's table "claims" belongs to the claims page only; the walk has no
    # reserve run; its assessment is approved, its draft is not shown (DRAFTS), and its
    # meeting is open)
    "disclosure:regulator:solvency-export": REGULATOR_NOWHERE,
    "disclosure:regulator:reserve-run": REGULATOR_NOWHERE,
    "disclosure:regulator:reserve-run-export": REGULATOR_NOWHERE,
    "disclosure:regulator:assessment": REGULATOR_PORTAL,
    "disclosure:regulator:assessment-export": REGULATOR_NOWHERE,
    "disclosure:regulator:ledger-export": REGULATOR_NOWHERE,
    "disclosure:regulator:governance-export": REGULATOR_NOWHERE,
    "disclosure:regulator:meeting": REGULATOR_PORTAL,
    "disclosure:regulator:meeting-export": REGULATOR_NOWHERE,
    "disclosure:regulator:events-export": REGULATOR_NOWHERE,
    # The admin's own pages and the apps' admin pages (the model pages are derived).
    "admin:index": _admin(OK),
    "admin:login": Row(OK, OK, OK, ELSEWHERE),
    "admin:logout": Row(ELSEWHERE, ELSEWHERE, ELSEWHERE, METHOD),
    "admin:password_change": _admin(OK),
    "admin:password_change_done": _admin(OK),
    "admin:jsi18n": _admin(OK),
    "admin:autocomplete": _admin(DENIED),
    "admin:view_on_site": _admin(DENIED),
    "admin:app_list": _admin(Perm("claims.view_claim")),  # /admin/claims/
    "admin/(?P<url>.*)$": _admin(DENIED),
    "admin:auth_user_password_change": _admin(Perm("accounts.change_user")),
    "admin:otp_totp_totpdevice_config": _admin(Perm("otp_totp.change_totpdevice")),
    "admin:otp_totp_totpdevice_qrcode": _admin(Perm("otp_totp.change_totpdevice")),
    "admin:ledger_statements": _admin(Perm(LEDGER)),
    "admin:members_member_import": _admin(Perm("members.add_member")),
    "admin:members_winddown_propose": _admin(Perm("members.manage_wind_down")),
    "admin:governance_consultation_results": _admin(DENIED),
    "admin:governance_meeting_in_person": _admin(Perm("governance.change_meeting")),
    "admin:governance_meeting_minutes": _admin(Perm("governance.change_meeting")),
    "admin:claims_apportionmentperiod_run": _admin(Perm("claims.run_apportionment")),
    "admin:claims_apportionmentperiod_final": _admin(Perm("claims.run_apportionment")),
    "admin:solvency_solvencyassessment_compute": _admin(Roles(("actuary",))),
    "admin:solvency_dashboard": _admin(Perm(SOLVENCY)),
    "admin:solvency_assetholding_import": _admin(Perm("solvency.import_assetholding")),
    "admin:solvency_surplusdistribution_compute": _admin(Roles(("actuary",))),
    "admin:solvency_surplusdistribution_preview": _admin(DENIED),
    "admin:solvency_projection": _admin(Perm(SOLVENCY)),
    "admin:solvency_liquidity": _admin(Perm(SOLVENCY)),
    "admin:solvency_reserverun_run": _admin(Roles(("actuary",))),
    "admin:solvency_reserverun_report": _admin(DENIED),
    "admin:solvency_stress": _admin(Perm(SOLVENCY)),
    # a GET of a step sends compliance back to the publication's page
    "admin:disclosure_publication_step": _admin(Perm("disclosure.add_publication", ELSEWHERE)),
    "admin:disclosure_publication_file": _admin(Perm("disclosure.view_publication")),
    "admin:disclosure_schedule": _admin(Perm("disclosure.view_publication")),
    "admin:disclosure_material_events": _admin(Perm("disclosure.view_publication")),
    "admin:disclosure_material_event": _admin(DENIED),
    # The API (its GET; the schema's operations below are checked against these rows).
    "api-root": API_PUBLIC,
    "api-schema": API_PUBLIC,
    "api-docs": API_PUBLIC,
    "ledger-api:accounts": _staff_api(LEDGER),
    "ledger-api:entries": _staff_api(LEDGER),
    "ledger-api:entry-reverse": _staff_api("ledger.add_journalentry", METHOD),
    "ledger-api:trial-balance": _staff_api(LEDGER),
    "ledger-api:balance-sheet": _staff_api(LEDGER),
    "ledger-api:income-statement": _staff_api(LEDGER, INVALID),  # start and end needed
    "members-api:enrolment": _all(METHOD),
    "members-api:me": API_MEMBER,
    "members-api:me-coverages": API_MEMBER,
    "members-api:me-contributions": API_MEMBER,
    "members-api:me-payments": API_MEMBER,
    "members-api:applications": _staff_api("members.view_application"),
    "members-api:application-accept": _staff_api("members.change_application", METHOD),
    "members-api:application-decline": _staff_api("members.change_application", METHOD),
    "members-api:members": _staff_api("members.view_member"),
    "members-api:member-detail": _staff_api("members.view_member"),
    "members-api:member-payments": _staff_api("members.add_payment", METHOD),
    "governance-api:meetings": Row(DENIED, OK, OK, Perm("governance.view_meeting")),
    "governance-api:meeting": Row(DENIED, DENIED, OK, Perm("governance.view_meeting")),
    "governance-api:ballots": API_FORM,
    "governance-api:proxy": API_FORM,
    "governance-api:participation": _staff_api("governance.view_meeting"),
    "governance-api:meeting-transition": _staff_api("governance.change_meeting", METHOD),
    "governance-api:receipts": NOWHERE,  # published once the results are declared
    "governance-api:receipt": NOWHERE,
    "governance-api:proposals": Row(DENIED, OK, OK, OK),
    "governance-api:proposal-cosign": API_FORM,
    "claims-api:list": API_MEMBER,
    "claims-api:statistics": _staff_api("claims.view_claim"),
    "claims-api:notices": API_PUBLIC,
    "claims-api:notice": NOWHERE,
    "claims-api:object": API_FORM,
    "claims-api:panels": API_MEMBER,
    "claims-api:vote": API_FORM,
    "claims-api:detail": Row(DENIED, DENIED, OWN, Perm("claims.view_claim")),
    "claims-api:documents": API_FORM,
    "claims-api:review": _staff_api("claims.assess_claim", METHOD),
    "claims-api:request-info": _staff_api("claims.assess_claim", METHOD),
    "claims-api:assess": _staff_api("claims.assess_claim", METHOD),
    "claims-api:send-back": Row(
        DENIED, DENIED, DENIED, Roles(("claims_handler", "claims_approver"), METHOD)
    ),
    "claims-api:approve": _staff_api("claims.decide_claim", METHOD),
    "claims-api:reject": _staff_api("claims.decide_claim", METHOD),
    "claims-api:pay": _staff_api("claims.pay_claim", METHOD),
    "claims-api:withdraw": API_FORM,
    "claims-api:appeal": API_FORM,
    "claims-api:provide-info": API_FORM,
    "support-api:complaints": API_MEMBER,
    "support-api:complaint": Row(DENIED, DENIED, OWN, DENIED),
    "solvency-api:assessments": _staff_api(SOLVENCY),
    "solvency-api:assessment": _staff_api(SOLVENCY),  # approved; the draft: DRAFTS
    "solvency-api:history": _staff_api(SOLVENCY),
    "solvency-api:reserve-runs": _staff_api(SOLVENCY),
    "solvency-api:reserve-run": NOWHERE,
    "solvency-api:regimes": _staff_api(SOLVENCY),
    "solvency-api:regime": _staff_api(SOLVENCY),
    "disclosure-api:publications": API_PUBLIC,
    "disclosure-api:publication": API_PUBLIC,
    "disclosure-api:kinds": API_PUBLIC,
    "disclosure-api:figures": API_PUBLIC,
    "disclosure-api:solvency_history": API_PUBLIC,
    "disclosure-api:claim_statistics": API_PUBLIC,
    "disclosure-api:apportionment_periods": API_PUBLIC,
}

#: Every staff role but the regulator's read-only account (which takes no write at all).
WRITERS = tuple(slug for slug in STAFF if slug != "regulator")
#: The roles that read claims and may write (the regulator's account takes no write).
CLAIM_READERS = (
    "claims_handler",
    "claims_approver",
    "complaints_handler",
    "actuary",
    "compliance_officer",
    "director",
    "supervisor",
)
API_WRITE_MEMBER = Row(DENIED, INVALID, INVALID, DENIED)  # a member's form, sent empty

#: The schema's write operations, sent with an empty JSON body and member A's objects in
#: the path: "<method> <view name>" -> what each kind of person gets (each rolled back).
WRITES: dict[str, Row] = {
    "patch members-api:me": Row(DENIED, OK, OK, DENIED),  # nothing to change is no error
    "post members-api:enrolment": Row(INVALID, INVALID, INVALID, Roles(WRITERS, INVALID)),
    "post members-api:application-accept": _staff_api("members.change_application", INVALID),
    "post members-api:application-decline": _staff_api("members.change_application", INVALID),
    "post members-api:member-payments": _staff_api("members.add_payment", INVALID),
    "post ledger-api:entries": _staff_api("ledger.add_journalentry", INVALID),
    # the walk's entry (World.states), sent without the reason
    "post ledger-api:entry-reverse": _staff_api("ledger.add_journalentry", INVALID),
    "post claims-api:list": API_WRITE_MEMBER,
    "post claims-api:withdraw": Row(DENIED, DENIED, own(OK), DENIED),
    "post claims-api:appeal": Row(DENIED, DENIED, own(CONFLICT), DENIED),  # not rejected
    "post claims-api:provide-info": Row(DENIED, DENIED, own(INVALID), DENIED),
    # Staff who read claims (claims.view_claim) find the claim, and are then told the
    # body is not a file upload; the service adds a document only for its member or
    # claims staff (claims.change_claim). Member B and the others do not find the claim.
    "post claims-api:documents": Row(
        DENIED, DENIED, own(MEDIA_TYPE), Roles(CLAIM_READERS, MEDIA_TYPE)
    ),
    "post claims-api:review": _staff_api("claims.assess_claim"),
    "post claims-api:request-info": _staff_api("claims.assess_claim", INVALID),
    "post claims-api:assess": _staff_api("claims.assess_claim", INVALID),
    "post claims-api:send-back": Row(
        DENIED, DENIED, DENIED, Roles(("claims_handler", "claims_approver"), INVALID)
    ),
    "post claims-api:approve": _staff_api("claims.decide_claim", CONFLICT),
    "post claims-api:reject": _staff_api("claims.decide_claim", INVALID),
    "post claims-api:pay": _staff_api("claims.pay_claim", CONFLICT),
    "post claims-api:object": NOWHERE,  # member A's claim is not on public notice
    # member A sits on the walk's panel; anyone else is not told that it exists
    "post claims-api:vote": Row(DENIED, DENIED, own(INVALID), DENIED),
    "post governance-api:meeting-transition": _staff_api("governance.change_meeting", CONFLICT),
    "post governance-api:ballots": API_WRITE_MEMBER,
    "post governance-api:proxy": Row(DENIED, DENIED, INVALID, DENIED),  # voters on the roll
    "delete governance-api:proxy": NOWHERE,  # neither member gave a proxy
    "post governance-api:proposals": API_WRITE_MEMBER,
    "post governance-api:proposal-cosign": NOWHERE,
    "post support-api:complaints": API_WRITE_MEMBER,
}

#: The same pages with the walk's objects in the state no outsider may open
#: (``World.drafts``: the drafted meeting and its motion, the publication and its file
#: not yet published, the assessment not yet approved): view name -> what each gets.
DRAFTS: dict[str, Row] = {
    "governance:meeting": REGULATOR_NOWHERE,
    "governance:proxy": REGULATOR_NOWHERE,
    "governance-api:meeting": _staff_api("governance.view_meeting"),
    "disclosure:regulator:meeting": REGULATOR_NOWHERE,
    "disclosure:publication": NOWHERE,
    "disclosure:attachment": NOWHERE,
    "disclosure-api:publication": NOWHERE,
    # the regulator reads only approved assessments; compliance, who approves them, all
    "disclosure:regulator:assessment": Row(LOGIN, DENIED, DENIED, Roles(("compliance_officer",))),
    # drafts are read by those who compute or approve them, not the regulator
    "solvency-api:assessment": Row(
        DENIED, DENIED, DENIED, Roles(("actuary", "compliance_officer"))
    ),
}

#: The admin's model pages: view name -> (ModelAdmin, which page).
ADMIN_VIEWS = {
    f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}": (model_admin, page)
    for model, model_admin in admin.site._registry.items()
    for page in ("changelist", "add", "change", "delete", "history")
}
#: Change lists of a one-row model, which send everyone to that row's change page (whose
#: own answer is derived like any other).
ADMIN_SINGLETONS = {"admin:solvency_projectionassumptions_changelist"}
#: ``admin/<app>/<model>/<object_id>/``: the admin's redirect to the change page.
ADMIN_OBJECT_REDIRECT = re.compile(r"^admin/\w+/\w+/<path:object_id>/$")
#: Path parameters that name a member's own object.
OWNED = ("claim_id", "document_id", "notification_id", "complaint_id", "request_id")


def _member_records(member, key: str) -> dict:
    """A claim with its document, a complaint, a personal data request and a
    beneficiary designation of ``member``: the values of the path parameters."""
    claim = claim_make(member)
    complaint = complaint_file(
        member=member,
        data=ComplaintData(category="service", description="Nobody called me back."),
        submission_key=f"matrix-{key}",
    ).complaint
    request = privacy_request_submit(
        member=member, actor=member.user, kind="deletion", key=f"matrix-{key}", items=["phone"]
    )
    beneficiary = BeneficiaryData(
        name="王芳",
        relation="spouse",
        id_type="resident_id",
        id_number=resident_id(birth_date(35), sex="F"),
        share="100.00",
    )
    designation_change(member=member, actor=member.user, beneficiaries=[beneficiary], based_on=0)
    return {
        "claim_id": claim.pk,
        "document_id": claim.documents.get().pk,
        "notification_id": member.notifications.first().pk,
        "complaint_id": complaint.pk,
        "request_id": request.pk,
    }


class MatrixWorld:
    """The URL walk's World, member B beside its member A, and a signed-in client for
    every person of ``PEOPLE``."""

    def __init__(self, root):
        self.urls = World(types.SimpleNamespace(), root)
        a = self.urls.member
        b = covered_member(a.coverages.get().plan_version)
        self.own = {"member_a": _member_records(a, "a"), "member_b": _member_records(b, "b")}
        self.urls.values.update(self.own["member_a"])
        applicant = enrol(premium_plan_make(), yes=("refer",)).member
        self.users = {"applicant": applicant.user, "member_a": a.user, "member_b": b.user}
        self.clients = {"anonymous": Client(HTTP_ACCEPT_LANGUAGE="en")}
        for who, user in self.users.items():
            self.clients[who] = Client(HTTP_ACCEPT_LANGUAGE="en")
            self.clients[who].force_login(user)
        for slug in STAFF:
            if slug == "superuser":
                user = get_user_model().objects.create_superuser("root", password="x-9-long")
            else:
                user = staff_user(f"staff-{slug}", slug)
            self.users[slug] = user
            self.clients[slug] = sign_in(user)  # an authenticator verified in the session
        self.urls.states(other=b, staff=self.users)
        self.routes = {name or route: route for route, name, _p in patterns()}

    def addresses(self, owner: str = "member_a") -> list[tuple[str, str]]:
        urls = copy.copy(self.urls)
        urls.values = {**self.urls.values, **self.own[owner]}
        return [(name or route, urls.path(route, name)) for route, name, _p in patterns()]

    def owned(self, key: str) -> bool:
        return any(f":{param}>" in self.routes[key] for param in OWNED)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module (and xdist worker), in a transaction rolled back at the end."""
    from mutualsociety.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    root = tmp_path_factory.mktemp("matrix")
    with (
        django_db_blocker.unblock(),
        override_settings(
            CLAIM_DOCUMENTS_ROOT=root / "private",
            MEDIA_ROOT=root / "media",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield MatrixWorld(root)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _outcome(response) -> str:
    code = response.status_code
    if code in (200, 204):
        return OK
    if code in (301, 302, 303):
        if response["Location"].startswith(("/accounts/login/", "/admin/login/")):
            return LOGIN
        return ELSEWHERE
    if code in (403, 404):
        return DENIED
    return {405: METHOD, 400: INVALID}.get(code, str(code))


def _admin_expected(world: MatrixWorld, key: str, user) -> str:
    """The admin's model pages, from the ModelAdmin's own checks for ``user``."""
    if ADMIN_OBJECT_REDIRECT.match(key):
        return ELSEWHERE
    model_admin, page = ADMIN_VIEWS[key]
    request = RequestFactory().get("/admin/")
    request.user = user
    model = model_admin.model
    obj = model._default_manager.filter(pk=_admin_pk(world, model)).first()
    if page == "changelist":
        allowed = model_admin.has_view_or_change_permission(request)
    elif page == "add":
        allowed = model_admin.has_add_permission(request)
    elif page == "history":
        if obj is None:
            return ELSEWHERE
        allowed = model_admin.has_view_or_change_permission(request, obj)
    elif page == "delete":
        allowed = model_admin.has_delete_permission(request, obj)
    else:
        allowed = model_admin.has_view_or_change_permission(request, obj)
    if not allowed:
        return DENIED
    return OK if obj is not None or page in ("changelist", "add") else ELSEWHERE


def _admin_pk(world: MatrixWorld, model) -> object:
    """The row the walk opens for ``model``'s object pages (``url_world.World.path``)."""
    obj = model._default_manager.order_by("pk").first()
    return obj.pk if obj is not None else 1


def expected(world: MatrixWorld, key: str, who: str, owner: str, row: Row | None = None) -> str:
    """What ``who`` should get at ``key`` (or by ``row``) with ``owner``'s objects in the
    path."""
    if row is not None:
        return _column(world, row, who, owner)
    if key in ADMIN_SINGLETONS:
        return LOGIN if who in ("anonymous", "applicant", "member_a", "member_b") else ELSEWHERE
    if key in ADMIN_VIEWS or ADMIN_OBJECT_REDIRECT.match(key):
        if who in ("anonymous", "applicant", "member_a", "member_b"):
            return LOGIN
        return _admin_expected(world, key, world.users[who])
    return _column(world, MATRIX[key], who, owner)


def _column(world: MatrixWorld, row: Row, who: str, owner: str) -> str:
    if who in ("anonymous", "applicant"):
        return getattr(row, who)
    if who in ("member_a", "member_b"):
        if row.member.startswith(OWN):
            return (row.member.partition(":")[2] or OK) if who == owner else DENIED
        return row.member
    if isinstance(row.staff, str):
        return row.staff
    return row.staff.expect(world.users[who])


def _get(client, path: str):
    cache.clear()  # no throttling between the walk's requests
    return client.get(path)


def test_every_pattern_has_a_row_and_every_row_a_pattern(world):
    keys = [key for key, _path in world.addresses()]
    derived = [k for k in keys if k in ADMIN_VIEWS or ADMIN_OBJECT_REDIRECT.match(k)]

    assert [k for k in keys if k not in MATRIX and k not in derived] == []
    assert [k for k in MATRIX if k not in keys] == []
    assert [k for k in ADMIN_VIEWS if k not in keys] == []
    assert len(derived) > 300


@pytest.mark.parametrize("who", PEOPLE)
def test_every_page_answers_each_person_as_the_matrix_says(world, who, record_property):
    """Every pattern as ``who``; patterns with a member's object twice, with member A's
    and with member B's (the owner gets it, the other member never)."""
    client = world.clients[who]
    wrong = []
    cells = 0
    for owner in ("member_a", "member_b"):
        for key, path in world.addresses(owner):
            if owner == "member_b" and not world.owned(key):
                continue
            cells += 1
            got = _outcome(_get(client, path))
            want = expected(world, key, who, owner)
            if got != want:
                wrong.append((key, path, f"want {want}", f"got {got}"))

    record_property("matrix_page_cells", cells)
    assert wrong == []


@pytest.mark.parametrize("who", PEOPLE)
def test_drafts_answer_each_person_as_the_matrix_says(world, who, record_property):
    """The pages of ``DRAFTS`` with the walk's draft meeting, unpublished publication
    and unapproved assessment in the path: the public and the members never see them,
    the regulator reads only what was approved or convened."""
    client = world.clients[who]
    urls = copy.copy(world.urls)
    urls.values = {**world.urls.values, **world.urls.drafts}
    wrong = []
    cells = 0
    for route, name, _p in patterns():
        if name in DRAFTS:
            cells += 1
            path = urls.path(route, name)
            got = _outcome(_get(client, path))
            want = expected(world, name, who, "member_a", DRAFTS[name])
            if got != want:
                wrong.append((name, path, f"want {want}", f"got {got}"))

    record_property("matrix_page_cells", cells)
    assert wrong == []
    assert len(DRAFTS) == len({n for _r, n, _p in patterns() if n in DRAFTS})


def test_members_never_reach_each_others_records(world):
    """The point of the matrix, said directly: every page and API operation with member
    A's object in its path answers member B 403/404, and the other way round."""
    served = []
    for owner, other in (("member_a", "member_b"), ("member_b", "member_a")):
        for key, path in world.addresses(owner):
            if world.owned(key) and not key.startswith("admin"):
                response = _get(world.clients[other], path)
                if response.status_code not in (302, 403, 404, 405):
                    served.append((other, path, response.status_code))
                elif response.status_code == 302:
                    assert not response["Location"].startswith(path), path

    assert served == []


def _operations(world: MatrixWorld) -> list[tuple[str, str, str]]:
    """(method, path, view name) of every operation of the OpenAPI schema."""
    operations = schema_operations(world.urls, ("get", "post", "put", "patch", "delete"))
    return [(method, path, resolve(path).view_name) for method, path in operations]


def test_every_api_operation_has_a_row(world):
    operations = _operations(world)
    reads = {name for method, _path, name in operations if method == "get"}
    writes = {f"{method} {name}" for method, _path, name in operations if method != "get"}

    assert sorted(reads - MATRIX.keys()) == []
    assert sorted(writes - WRITES.keys()) == []
    assert sorted(WRITES.keys() - writes) == []
    assert len(operations) > 60


@pytest.mark.parametrize("who", PEOPLE)
def test_every_api_operation_answers_each_person_as_the_matrix_says(world, who, record_property):
    """Every operation of the schema as ``who``: its GET as ``MATRIX`` says, its write
    with an empty body as ``WRITES`` says (each write rolled back, so that the next
    person finds the same society)."""
    client = world.clients[who]
    wrong = []
    for method, path, name in _operations(world):
        cache.clear()
        if method == "get":
            got = _outcome(client.get(path))
            want = expected(world, name, who, "member_a")
        else:
            with transaction.atomic():
                response = getattr(client, method)(path, data={}, content_type="application/json")
                transaction.set_rollback(True)
            got = _outcome(response)
            want = expected(world, name, who, "member_a", WRITES[f"{method} {name}"])
        if got != want:
            wrong.append((method.upper(), path, f"want {want}", f"got {got}"))

    record_property("matrix_api_cells", len(_operations(world)))
    assert wrong == []


#: Operations on the signed-in member's own record (PATCH /api/v1/me/ with nothing to
#: change answers 200 and changes nothing).
OWN_RECORD_OPERATIONS = {"members-api:me"}


def _theirs(world: MatrixWorld, key: str) -> bool:
    """A page of the signed-in member's own record (/me/...: their preferences, their
    profile): member B writes there to their own rows, not member A's."""
    row = MATRIX.get(key)
    return row is not None and row.member == OK and not world.owned(key)


def _society_rows() -> dict[str, int]:
    """Rows of every model but the sessions (an anonymous form opens one)."""
    counts = row_counts()
    del counts["sessions.Session"]
    return counts


@pytest.mark.parametrize("who", ["anonymous", "member_b", "regulator"])
def test_writes_from_outsiders_change_nothing(world, who):
    """POST to every pattern (member A's objects in the path) and every write operation
    of the schema with an empty body, as an anonymous visitor, as member B, as the
    regulator: no row of any model is added or removed, and no write is taken."""
    client = world.clients[who]
    addresses = [
        (key, path)
        for key, path in world.addresses()
        if key not in OWN_ACCOUNT_VIEW_NAMES and not (who == "member_b" and _theirs(world, key))
    ]
    operations = [
        (method, path)
        for method, path in schema_operations(world.urls, ("post", "put", "patch", "delete"))
    ]
    before = _society_rows()
    taken = []
    for key, path in addresses:
        cache.clear()
        response = client.post(path)
        if response.status_code in (201, 204):
            taken.append(("POST", key, response.status_code))
    for method, path in operations:
        cache.clear()
        response = getattr(client, method)(path, data={}, content_type="application/json")
        if response.status_code in (200, 201, 204):
            if who == "member_b" and resolve(path).view_name in OWN_RECORD_OPERATIONS:
                continue
            taken.append((method.upper(), path, response.status_code))

    assert taken == []
    assert _society_rows() == before
    assert len(addresses) > 300 and len(operations) > 20
