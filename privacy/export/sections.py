"""The sections of a member's data export: one function per app, each returning the
records of that app about one member as plain JSON values (strings, numbers, lists,
dicts; amounts and dates as strings), with stable English keys.

A section is ``Section(key, title, build)``; ``SECTIONS`` lists them in the order the
export shows them. Another app's section is one more entry (the complaints of a support
app, for instance). Every query is filtered by the member: nothing of another member can
come out here. Beneficiaries' identity numbers stay masked (they are other people's data);
the member's own is given in full. Secret ballots are stored apart from the voter
(governance), so only the participation is the member's record; an open ballot's choice
is given with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from claims.models import ClaimDocument, ClaimPayment
from claims.selectors import claim_list_for_member
from governance.models import (
    Ballot,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationResponse,
    Mandate,
    Participation,
    Proxy,
)
from ledger.models import Posting
from members.models import (
    AdvanceRefund,
    Application,
    Consent,
    ContributionDue,
    Coverage,
    Member,
    MemberEvent,
    Payment,
)
from members.selectors import (
    designation_history,
    notification_preferences,
    notifications_for_member,
)
from solvency.models import MemberSurplusShare
from support.models import ComplaintDocument, ComplaintEvent
from support.selectors import complaints_for_member

from ..selectors import privacy_requests_for_member

Record = dict[str, Any]


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    build: Callable[[Member], list[Record]]


def value(v: Any) -> Any:
    """A JSON value: dates ISO, amounts as strings with their decimals, choices as codes."""
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in v.items()}
    return str(v)


def _record(obj: Any, fields: tuple[str, ...], **extra: Any) -> Record:
    out = {name: value(getattr(obj, name)) for name in fields}
    out.update({k: value(v) for k, v in extra.items()})
    return out


# --- members ---------------------------------------------------------------------------


def profile(member: Member) -> list[Record]:
    user = member.user if member.user_id else None
    return [
        _record(
            member,
            (
                "member_number",
                "legal_name",
                "id_type",
                "id_number",
                "date_of_birth",
                "sex",
                "phone",
                "email",
                "region",
                "address",
                "status",
                "joined_on",
                "suspended_on",
                "lapses_on",
                "withdrawal_effective_on",
                "created_at",
            ),
            username=user.get_username() if user else "",
            preferred_language=getattr(user, "preferred_language", "") if user else "",
        )
    ]


def consents(member: Member) -> list[Record]:
    rows = Consent.objects.filter(member=member).select_related("document").order_by("pk")
    return [
        {
            "document": c.document.kind,
            "version": c.document.version,
            "title": c.document.title,
            "consented_at": value(c.consented_at),
        }
        for c in rows
    ]


def applications(member: Member) -> list[Record]:
    rows = (
        Application.objects.filter(member=member)
        .select_related("plan_version__plan")
        .order_by("submitted_at", "pk")
    )
    return [
        _record(
            a,
            (
                "status",
                "channel",
                "payment_frequency",
                "answers",
                "reasons",
                "submitted_at",
                "decided_at",
            ),
            plan=a.plan_version.plan.code,
            plan_version=a.plan_version.number,
        )
        for a in rows
    ]


def coverages(member: Member) -> list[Record]:
    rows = Coverage.objects.filter(member=member).select_related("plan", "plan_version")
    return [
        _record(
            c,
            (
                "status",
                "start_date",
                "waiting_period_end",
                "term_end",
                "end_date",
                "sum_assured",
                "premium",
                "payment_frequency",
            ),
            plan=c.plan.code,
            plan_name=c.plan.name,
            plan_version=c.plan_version.number,
        )
        for c in rows.order_by("start_date", "pk")
    ]


def contributions(member: Member) -> list[Record]:
    rows = ContributionDue.objects.filter(member=member).order_by("due_date", "pk")
    return [
        _record(
            d,
            ("kind", "period_start", "period_end", "due_date", "amount", "paid_amount", "status"),
        )
        for d in rows
    ]


def payments(member: Member) -> list[Record]:
    rows = Payment.objects.filter(member=member).order_by("received_on", "pk")
    return [
        _record(
            p, ("amount", "received_on", "provider", "reference", "allocated_amount", "created_at")
        )
        for p in rows
    ]


def history(member: Member) -> list[Record]:
    """The membership's history (the member's own event log)."""
    rows = MemberEvent.objects.filter(member=member).order_by("at", "pk")
    return [
        {
            "at": value(e.at),
            "event": e.type,
            "from": e.old_value,
            "to": e.new_value,
            "reason": e.reason,
        }
        for e in rows
    ]


def notifications(member: Member) -> list[Record]:
    rows = notifications_for_member(member).order_by("created_at", "pk")
    settings = notification_preferences(member)
    out = [
        _record(
            n, ("topic", "subject", "body", "created_at", "read_at", "email_state", "sms_state")
        )
        for n in rows
    ]
    out += [
        {"setting": topic, "email": email, "sms": sms}
        for topic, (email, sms) in sorted(settings.items())
    ]
    return out


def beneficiaries(member: Member) -> list[Record]:
    return [
        {
            "version": d.version,
            "valid_from": value(d.valid_from),
            "valid_to": value(d.valid_to),
            "reason": d.reason,
            "beneficiaries": [
                {
                    "name": b.name,
                    "relation": b.relation,
                    "id_type": b.id_type,
                    "id_number": b.masked_id_number,
                    "share": value(b.share),
                }
                for b in d.beneficiaries.all()
            ],
        }
        for d in reversed(designation_history(member))
    ]


# --- ledger ----------------------------------------------------------------------------


def ledger_lines(member: Member) -> list[Record]:
    """The journal lines of the entries that record the member's own money: their
    payments, the contributions due from them, the benefits paid to them."""
    entries = (
        Q(entry__in=Payment.objects.filter(member=member).values("ledger_entry"))
        | Q(entry__in=ContributionDue.objects.filter(member=member).values("ledger_entry"))
        | Q(entry__in=ClaimPayment.objects.filter(claim__member=member).values("ledger_entry"))
    )
    rows = (
        Posting.objects.filter(entries)
        .select_related("entry", "account")
        .order_by("date", "entry_id", "pk")
    )
    return [
        {
            "date": value(p.date),
            "entry": p.entry_id,
            "memo": p.entry.memo,
            "account": p.account.code,
            "account_name": p.account.name,
            "amount": value(p.amount),
        }
        for p in rows
    ]


# --- claims ----------------------------------------------------------------------------


def claims(member: Member) -> list[Record]:
    rows = list(claim_list_for_member(member).order_by("submitted_at", "pk"))
    documents: dict[int, list[Record]] = {}
    for d in ClaimDocument.objects.filter(claim__member=member).order_by("uploaded_at", "pk"):
        documents.setdefault(d.claim_id, []).append(
            _record(d, ("original_name", "content_type", "size", "sha256", "uploaded_at"))
        )
    paid: dict[int, list[Record]] = {}
    for p in ClaimPayment.objects.filter(claim__member=member).order_by("paid_on", "pk"):
        paid.setdefault(p.claim_id, []).append(_record(p, ("amount", "paid_on")))
    return [
        _record(
            c,
            (
                "number",
                "kind",
                "event_date",
                "description",
                "amount_claimed",
                "bank_account_name",
                "bank_account_number",
                "status",
                "submitted_at",
                "assessed_amount",
                "assessment_reasons",
                "decided_at",
                "rejection_reasons",
                "paid_amount",
                "paid_at",
            ),
            documents=documents.get(c.pk, []),
            payments=paid.get(c.pk, []),
        )
        for c in rows
    ]


# --- governance ------------------------------------------------------------------------


def governance(member: Member) -> list[Record]:
    out: list[Record] = []
    for p in (
        Participation.objects.filter(voter=member)
        .select_related("motion__meeting")
        .order_by("at", "pk")
    ):
        out.append(
            {
                "record": "vote",
                "meeting": p.motion.meeting.title,
                "motion": p.motion.title,
                "at": value(p.at),
                "channel": p.channel,
                "counted": p.counted,
            }
        )
    for b in Ballot.objects.filter(voter=member).select_related("motion").order_by("receipt"):
        out.append(
            {
                "record": "open_ballot",
                "motion": b.motion.title,
                "choice": b.choice,
                "receipt": b.receipt,
            }
        )
    for x in (
        Proxy.objects.filter(Q(principal=member) | Q(holder=member))
        .select_related("meeting", "principal", "holder")
        .order_by("appointed_at", "pk")
    ):
        out.append(
            {
                "record": "proxy_given" if x.principal_id == member.pk else "proxy_held",
                "meeting": x.meeting.title,
                "appointed_at": value(x.appointed_at),
                "revoked_at": value(x.revoked_at),
            }
        )
    for m in (
        Mandate.objects.filter(member=member).select_related("body").order_by("starts_on", "pk")
    ):
        out.append(
            {
                "record": "mandate",
                "organ": str(m.body),
                "role": m.role,
                "starts_on": value(m.starts_on),
                "ends_on": value(m.ends_on),
            }
        )
    return out


def consultations(member: Member) -> list[Record]:
    """The member's answers to consultations and their comments (a hidden comment with
    the moderator's reason)."""
    answers: dict[int, list[Record]] = {}
    for a in (
        ConsultationAnswer.objects.filter(response__member=member)
        .select_related("question", "option")
        .order_by("response_id", "question__order", "pk")
    ):
        answers.setdefault(a.response_id, []).append(
            {
                "question": a.question.text,
                "option": a.option.text if a.option_id else None,
                "scale": a.scale,
                "text": a.text,
            }
        )
    out: list[Record] = [
        {
            "record": "response",
            "consultation": r.consultation.title,
            "answered_at": value(r.created_at),
            "changed_at": value(r.updated_at),
            "answers": answers.get(r.pk, []),
        }
        for r in ConsultationResponse.objects.filter(member=member)
        .select_related("consultation")
        .order_by("created_at", "pk")
    ]
    out += [
        {
            "record": "comment",
            "consultation": c.consultation.title,
            "posted_at": value(c.created_at),
            "comment": c.body,
            "hidden_at": value(c.hidden_at),
            "hidden_reason": c.hidden_reason,
        }
        for c in ConsultationComment.objects.filter(author=member)
        .select_related("consultation")
        .order_by("created_at", "pk")
    ]
    return out


# --- solvency (surplus) and members (wind-down refunds) ---------------------------------


def surplus_and_refunds(member: Member) -> list[Record]:
    """The member's shares of surplus distributions (with the figures they were computed
    from) and the refunds of their advance when a plan was wound down."""
    out: list[Record] = [
        {
            "record": "surplus_share",
            "year": s.distribution.year,
            "contributions": value(s.contributions),
            "membership_days": s.membership_days,
            "weight": value(s.weight),
            "amount": value(s.amount),
        }
        for s in MemberSurplusShare.objects.filter(member=member)
        .select_related("distribution")
        .order_by("distribution__year", "pk")
    ]
    out += [
        {
            "record": "advance_refund",
            "plan": r.wind_down.plan.code,
            "amount": value(r.amount),
            "status": r.status,
            "paid_on": value(r.paid_on),
        }
        for r in AdvanceRefund.objects.filter(member=member)
        .select_related("wind_down__plan")
        .order_by("created_at", "pk")
    ]
    return out


# --- support (complaints) --------------------------------------------------------------


def complaints(member: Member) -> list[Record]:
    """The member's complaints with their documents and every step of their handling
    (what was done, when and why; staff are not named)."""
    rows = list(complaints_for_member(member).order_by("received_at", "pk"))
    documents: dict[int, list[Record]] = {}
    for d in ComplaintDocument.objects.filter(complaint__member=member).order_by(
        "uploaded_at", "pk"
    ):
        documents.setdefault(d.complaint_id, []).append(
            _record(d, ("original_name", "content_type", "size", "sha256", "uploaded_at"))
        )
    steps: dict[int, list[Record]] = {}
    for e in ComplaintEvent.objects.filter(complaint__member=member).order_by("at", "pk"):
        steps.setdefault(e.complaint_id, []).append(_record(e, ("type", "at", "reason")))
    return [
        _record(
            c,
            (
                "reference",
                "category",
                "description",
                "desired_outcome",
                "status",
                "resolution",
                "outcome_text",
                "received_at",
                "acknowledged_on",
                "resolved_on",
                "extended_on",
                "extension_reason",
                "escalated_on",
                "closed_on",
            ),
            documents=documents.get(c.pk, []),
            steps=steps.get(c.pk, []),
        )
        for c in rows
    ]


# --- privacy ---------------------------------------------------------------------------


def privacy_requests(member: Member) -> list[Record]:
    return [
        _record(
            r,
            (
                "kind",
                "field",
                "value",
                "items",
                "details",
                "status",
                "received_at",
                "due_on",
                "closed_at",
                "decision",
                "outcome",
            ),
        )
        for r in privacy_requests_for_member(member).order_by("received_at", "pk")
    ]


SECTIONS: tuple[Section, ...] = (
    Section("profile", _("Profile"), profile),
    Section("consents", _("Consents"), consents),
    Section("applications", _("Applications"), applications),
    Section("coverages", _("Cover"), coverages),
    Section("contributions", _("Contributions due"), contributions),
    Section("payments", _("Payments"), payments),
    Section("ledger", _("Accounting entries"), ledger_lines),
    Section("claims", _("Claims"), claims),
    Section("governance", _("Votes, proxies and mandates"), governance),
    Section("consultations", _("Consultations"), consultations),
    Section("complaints", _("Complaints"), complaints),
    Section("surplus_and_refunds", _("Surplus shares and refunds"), surplus_and_refunds),
    Section("beneficiaries", _("Beneficiaries"), beneficiaries),
    Section("notifications", _("Notifications"), notifications),
    Section("history", _("History of the membership"), history),
    Section("privacy_requests", _("Personal data requests"), privacy_requests),
)


def member_export(member: Member) -> dict[str, Any]:
    """Every section for one member: ``{"format", "member", "sections": {key: [...]}}``."""
    return {
        "format": "mutualsociety.member-data/1",
        "member": member.member_number or f"applicant-{member.pk}",
        "sections": {section.key: section.build(member) for section in SECTIONS},
    }
