"""A small society with one of everything the API serves, for the tests that walk every
operation of the OpenAPI schema (test_api_responses.py, test_api_fuzz.py).

Set up through the services, the way members and staff create it: plans, members with
cover, dues and payments, applications waiting for an underwriter, claims in every state
an operation acts on, a claim on public notice and one under review by a panel, meetings
drafted, convened, open and closed, proposals, manual ledger entries, an approved solvency
assessment and an approved reserve run, a published apportionment period and a published
solvency summary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.roles import ROLES
from claims.models import Claim
from claims.services.apportionment import apportionment_publish, apportionment_run
from claims.services.handling import (
    claim_info_request,
    claim_reject,
    claim_review_start,
)
from claims.services.notice import claim_object, notices_clear
from disclosure.models import Kind
from disclosure.services import publication_publish_auto
from governance.models import Matter, Meeting
from governance.services.meetings import meeting_convene, meeting_declare_results
from governance.services.proposals import proposal_draft
from governance.services.voting import ballot_cast
from ledger.services import Credit, Debit, entry_post_manual
from members.calculations import add_months
from members.models import Application
from members.services.contributions import coverage_bill
from solvency.services.assessments import assessment_approve, assessment_compute
from solvency.services.reserves import reserve_run_approve, reserve_run_create
from support.services import (
    ComplaintData,
    complaint_acknowledge,
    complaint_file,
    complaint_resolve,
)
from tests.accounts.factories import enrol as enrol_authenticator
from tests.claims.factories import claim_approved, claim_assessed, claim_make, covered_member
from tests.claims.history import claim_with_history
from tests.governance.factories import (
    articles_make,
    meeting_closed,
    meeting_make,
    meeting_voting,
    members_backdate,
)
from tests.members.factories import (
    PASSWORD,
    consent_documents_make,
    enrol,
    enrolment_data,
    mutual_aid_plan_make,
    pay,
    premium_plan_make,
)

REASON = "The diagnosis date looks earlier than the cover."


@dataclasses.dataclass
class World:
    staff: object  # a user in every role
    member: object  # the signed-in member's Member
    panelist: object  # a Member seated on a review panel
    ids: dict[str, int | str]  # named objects the operations act on
    premium: object  # a PlanVersion open for enrolment


def _user(username: str, *slugs: str):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    names = [role.group_name for role in ROLES if role.slug in slugs]
    user.groups.add(*Group.objects.filter(name__in=names))
    return user


def sign_in(user) -> Client:
    """A client signed in as ``user`` with a confirmed authenticator used in the session, so
    that every two-factor rule for staff is met."""
    device = enrol_authenticator(user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def build() -> World:
    consent_documents_make()
    articles_make()
    aid = mutual_aid_plan_make(
        code="aid", objection_threshold=2, panel_size=3, panel_quorum=2, panel_min_tenure_days=30
    )
    premium = premium_plan_make()
    # Every role but the regulator's: that account takes no write anywhere, whatever else
    # it holds (accounts.middleware.ReadOnlyAccountMiddleware), and its reads are the
    # others' too.
    staff = _user("staff", *(role.slug for role in ROLES if role.slug != "regulator"))
    handler = _user("handler", "claims_handler")
    approver = _user("approver", "claims_approver")

    member = covered_member(aid)
    others = [covered_member(aid) for _ in range(7)]
    insured = covered_member(premium)
    coverage_bill(coverage=insured.coverages.get(), until=add_months(timezone.localdate(), 2))
    pay(insured, "30.00", actor=staff)
    members_backdate([member, *others, insured], dt.date(2020, 1, 1))

    ids: dict[str, int | str] = {"insured": insured.pk, "member": member.pk}

    # Applications waiting for an underwriter.
    ids["refer_accept"] = enrol(premium, yes=("refer",)).pk
    ids["refer_decline"] = enrol(premium, yes=("refer",)).pk
    assert Application.objects.filter(status=Application.Status.REFERRED).count() == 2

    # The member's own claims.
    small = {"amount_claimed": Decimal("1000.00")}
    ids["mine"] = claim_make(member, **small).pk
    ids["mine_withdraw"] = claim_make(member, **small).pk
    info = claim_make(member, **small)
    claim_review_start(claim=info, actor=handler)
    claim_info_request(claim=info, actor=handler, reason="Send the discharge summary.")
    ids["mine_info"] = info.pk
    rejected = claim_assessed(member, handler, amount="1000.00", **small)
    claim_reject(claim=rejected, actor=approver, reasons="Not covered: a pre-existing illness.")
    ids["mine_rejected"] = rejected.pk

    # Claims staff act on.
    ids["to_review"] = claim_make(others[0], **small).pk
    for name in ("to_request_info", "to_assess"):
        claim = claim_make(others[0], **small)
        claim_review_start(claim=claim, actor=handler)
        ids[name] = claim.pk
    for name in ("to_send_back", "to_approve", "to_reject"):
        ids[name] = claim_assessed(others[0], handler, amount="1000.00", **small).pk
    payable = claim_approved(insured, handler, approver, amount="1000.00", **small)
    ids["to_pay"] = payable.pk

    # A published apportionment of the mutual aid plan, cut off today: one claim cleared
    # after its public notice, shared among the plan's members (before the claims below
    # go on notice, so that clearing this one leaves them there).
    shared = claim_approved(others[0], handler, approver, amount="1000.00", **small)
    notices_clear(today=shared.notice_until + dt.timedelta(days=1))
    Claim.objects.filter(pk=shared.pk).update(cleared_on=timezone.localdate())
    period = apportionment_run(plan=aid.plan, cutoff=timezone.localdate())
    ids["apportionment"] = apportionment_publish(period=period, actor=approver).pk

    # Public notice: one case open for objections, one under review by a panel.
    ids["on_notice"] = claim_approved(others[1], handler, approver, amount="1000.00", **small).pk
    reviewed = claim_approved(others[2], handler, approver, amount="1000.00", **small)
    claim_object(claim=reviewed, member=others[3], reason=REASON)
    claim_object(claim=reviewed, member=others[4], reason=REASON)
    reviewed.refresh_from_db()
    assert reviewed.notice_status == Claim.Notice.UNDER_REVIEW
    panel = reviewed.panels.get()
    ids["panel"] = panel.pk
    panelist = panel.seats.select_related("member__user").first().member

    # Meetings: drafted, convened (proxies), open (ballots), closed with receipts.
    ids["drafted"] = meeting_make().pk
    convened = meeting_make()
    meeting_convene(meeting=convened, actor=staff)
    ids["convened"] = convened.pk
    ids["holder"] = others[5].member_number
    ids["open"] = meeting_voting().pk
    ids["open_motion"] = Meeting.objects.get(pk=ids["open"]).motions.get().pk
    closed = meeting_voting(motions=((Matter.GENERAL, None),))
    motion = closed.motions.get()
    result = ballot_cast(motion=motion, voter=others[6], choice="for")
    ids["receipt"] = result.receipt
    closed = meeting_closed(closed)
    closed = meeting_declare_results(meeting=closed, at=closed.voting_closes_at)
    ids["closed"] = closed.pk
    ids["closed_motion"] = motion.pk

    # A proposal by another member, open for co-signatures.
    ids["proposal"] = proposal_draft(
        author=others[6], title="Lower the management fee", text="From 8% to 6%."
    ).pk

    # The ledger: a manual entry to list and reverse.
    ids["manual_entry"] = entry_post_manual(
        idempotency_key="world-banked",
        date=timezone.localdate(),
        memo="Contributions banked",
        lines=[Debit("1002", "100.00"), Credit("6031", "100.00")],
        actor=staff,
    ).pk

    # Solvency: an approved assessment of today under the default regime (C-ROSS).
    actuary = _user("actuary", "actuary")
    assessment = assessment_compute(valuation_date=timezone.localdate(), rating="B", actor=actuary)
    ids["assessment"] = assessment_approve(assessment=assessment, actor=staff).pk
    ids["regime"] = "cross"
    # An approved reserve run (the actuary runs, staff approves) at the middle of 2024, on
    # two claims of a member with a dated history of estimates and payments.
    D = dt.date  # noqa: N806
    claim_with_history(
        others[1],
        D(2023, 11, 15),
        reserves=[(D(2023, 11, 20), "1000"), (D(2024, 2, 10), "800"), (D(2024, 5, 1), "0")],
        payments=[(D(2024, 2, 10), "200"), (D(2024, 5, 1), "700")],
    )
    claim_with_history(
        others[1],
        D(2024, 1, 20),
        reserves=[(D(2024, 1, 25), "600"), (D(2024, 4, 2), "300")],
        payments=[(D(2024, 4, 2), "300")],
    )
    claim_with_history(others[1], D(2024, 5, 10), reserves=[(D(2024, 5, 11), "2000")])
    run = reserve_run_create(
        valuation_date=D(2024, 6, 30), method="mack", grain="quarter", actor=actuary
    )
    ids["reserve_run"] = reserve_run_approve(run=run, actor=staff).pk

    # Disclosure: a published solvency summary with a file (the platform publishes it).
    publication, _created = publication_publish_auto(
        kind=Kind.SOLVENCY_SUMMARY,
        key="solvency_summary:cross:2024Q2",
        title="2024年第2季度偿付能力报告摘要",
        title_en="Solvency report summary, 2024Q2",
        source="solvency.assessment:1",
        content={"comprehensive_ratio": Decimal("187.45")},
        period="2024Q2",
        period_start=D(2024, 4, 1),
        period_end=D(2024, 6, 30),
        files=[("csv", "summary.csv", b"ratio\n187.45\n")],
    )
    ids["publication"] = publication.pk

    # The complaints desk: one of the member's, answered.
    complaint = complaint_file(
        member=member,
        data=ComplaintData(category="service", description="Nobody called me back."),
        submission_key="world-complaint",
    ).complaint
    complaint_acknowledge(complaint=complaint, actor=staff)
    complaint_resolve(complaint=complaint, outcome="upheld", answer="Sorry.", actor=staff)
    ids["complaint"] = complaint.pk

    return World(staff=staff, member=member, panelist=panelist, ids=ids, premium=premium)


def enrolment_body(world: World) -> dict:
    data = dataclasses.asdict(enrolment_data(world.premium))
    data["person"]["date_of_birth"] = data["person"]["date_of_birth"].isoformat()
    return data
