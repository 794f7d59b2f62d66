"""Reads about claims themselves, shared by the faces and the services: a member's own
claims (another's answers exactly like one that does not exist), a claim's history and
outcome, documents by who may open them, the benefit left on a coverage and the
automatic checks of intake, and the staff's queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from members.models import Coverage, Member
from mutualsociety.common.exceptions import NotFound
from mutualsociety.common.money import ZERO

from ..models import Claim, ClaimDocument, ClaimEvent
from ..transitions import UNDECIDED

CLAIMS_STAFF_PERM = "claims.view_claim"
#: Medical documents are for the people who handle and decide claims (handler, approver),
#: not for every role that may read claims (actuary, directors, the regulator).
DOCUMENTS_PERM = "claims.change_claim"

#: The staff's working queue: claims still to handle or decide (the member may still
#: withdraw them), approved and not yet paid, or appealed and before their panel. Paid,
#: rejected and withdrawn claims are done with.
OPEN_STATUSES = frozenset({*UNDECIDED, Claim.Status.APPROVED, Claim.Status.APPEALED})

#: Claims that use up the benefit of a coverage.
COUNTING = (Claim.Status.APPROVED, Claim.Status.PAID)


def coverage_remaining(coverage: Coverage, *, exclude: int | None = None) -> Decimal:
    """The benefit left on a coverage: sum assured less what was approved or paid."""
    counting = Claim.objects.filter(coverage=coverage, status__in=COUNTING)
    if exclude is not None:
        counting = counting.exclude(pk=exclude)
    used = counting.aggregate(total=Sum("assessed_amount"))["total"] or ZERO
    return coverage.sum_assured - used


def claim_checks(
    *,
    coverage: Coverage,
    kind: str,
    event_date: dt.date,
    today: dt.date,
    exclude: int | None = None,
) -> dict[str, Any]:
    """The automatic checks shown to the handler (each True when it passes): cover in
    force on the event date, waiting period passed (accidents exempt when the plan says
    so), benefit left, no other claim for the same event, reported within the deadline."""
    version = coverage.plan_version
    ended = coverage.end_date
    in_force = coverage.start_date <= event_date and (ended is None or event_date < ended)
    exempt = kind == Claim.Kind.ACCIDENT and version.accidents_exempt_from_waiting
    same_event = Claim.objects.filter(coverage=coverage, event_date=event_date, kind=kind).exclude(
        status__in=[Claim.Status.WITHDRAWN, Claim.Status.REJECTED]
    )
    if exclude is not None:
        same_event = same_event.exclude(pk=exclude)
    duplicates = list(same_event.values_list("number", flat=True))
    remaining = coverage_remaining(coverage, exclude=exclude)
    deadline = event_date + dt.timedelta(days=version.claim_reporting_deadline_days)
    return {
        "cover_in_force": in_force,
        "waiting_period_passed": exempt or event_date >= coverage.waiting_period_end,
        "waiting_period_end": coverage.waiting_period_end.isoformat(),
        "accident_exempt": exempt,
        "benefit": str(coverage.sum_assured),
        "remaining_limit": str(remaining),
        "within_remaining_limit": remaining > 0,
        "duplicates": duplicates,
        "no_duplicate": not duplicates,
        "reporting_deadline": deadline.isoformat(),
        "within_reporting_deadline": today <= deadline,
    }


def claim_list_for_member(member: Member) -> QuerySet[Claim]:
    return Claim.objects.filter(member=member).select_related("plan").order_by("-submitted_at")


def claim_for_member(member: Member | None, claim_id: int) -> Claim:
    """The member's own claim; another's answers exactly like one that does not exist."""
    claim = (
        Claim.objects.select_related("plan", "coverage").filter(pk=claim_id, member=member).first()
        if member
        else None
    )
    if claim is None:
        raise NotFound(_("Not found."))
    return claim


def claim_history(claim: Claim) -> QuerySet[ClaimEvent]:
    """A claim's events in the order they happened (the table itself reads newest first)."""
    return claim.events.order_by("at", "id")


#: What the rules still offer a member against where their claim ended (``ClaimOutcome``).
APPEAL_OPEN = "open"  # rejected, not appealed yet, within the window: one appeal
APPEAL_CLOSED = "closed"  # rejected, the window ended without an appeal
APPEAL_USED = "used"  # the one appeal was made and decided
APPEAL_NONE = "none"  # paid or withdrawn: the rules give no appeal

#: Events that end a claim as rejected: the approver's rejection, a review panel
#: overturning an approval during the public notice, a panel dismissing the appeal.
REJECTION_EVENTS = (
    ClaimEvent.Type.REJECTED,
    ClaimEvent.Type.OVERTURNED,
    ClaimEvent.Type.APPEAL_DISMISSED,
)


@dataclass(frozen=True)
class ClaimOutcome:
    """Where a member's claim ended, why, and what the rules still offer them.

    ``summary`` says what happened, ``reasons`` why (under ``reasons_label``; empty when
    there is nothing to add), ``appeal`` is one of ``APPEAL_*`` with ``appeal_until``
    when it is open or closed, and ``next_step`` says what the member may still do.
    """

    status: str
    summary: str
    reasons_label: str
    reasons: str
    appeal: str
    appeal_until: dt.date | None
    next_step: str


def _day(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "DATE_FORMAT") if value else ""


def claim_outcome(claim: Claim, *, today: dt.date | None = None) -> ClaimOutcome | None:
    """The outcome of a claim in a status a member can end in — rejected (by the approver,
    by a review panel overturning the approval during the public notice, or after the
    panel dismissed the appeal), withdrawn or paid — for the claim page and the API
    detail; ``None`` while the claim is still being handled.

    A member is always told why, and the appeal the rules give: one appeal against a
    rejection (also one a panel made by overturning an approval), within the plan's
    window (``claim_appeal``); none after that appeal was decided (the decision is then
    final within the society), none against a payment or a withdrawal (nothing was
    refused: the member may submit a new claim for the event within the reporting
    deadline).
    """
    today = today or timezone.localdate()
    if claim.status not in (Claim.Status.REJECTED, Claim.Status.WITHDRAWN, Claim.Status.PAID):
        return None
    events = list(
        claim.events.filter(
            type__in=(*REJECTION_EVENTS, ClaimEvent.Type.APPEALED, ClaimEvent.Type.WITHDRAWN)
        )
        .order_by("at", "id")
        .values_list("type", "reason", "at")
    )
    if claim.status == Claim.Status.PAID:
        return _paid_outcome(claim)
    if claim.status == Claim.Status.WITHDRAWN:
        withdrawn = next((e for e in reversed(events) if e[0] == "withdrawn"), None)
        deadline = claim.event_date + dt.timedelta(
            days=claim.coverage.plan_version.claim_reporting_deadline_days
        )
        return ClaimOutcome(
            status=claim.status,
            summary=_("You withdrew this claim on %(date)s; it was not decided.")
            % {"date": _day(withdrawn[2] if withdrawn else claim.status_changed_at)},
            reasons_label=_("Your reason"),
            reasons=withdrawn[1] if withdrawn else "",
            appeal=APPEAL_NONE,
            appeal_until=None,
            next_step=_(
                "A withdrawn claim was not refused, so there is nothing to appeal. You may "
                "submit a new claim for the same event; claims are to be reported by "
                "%(deadline)s (the plan's reporting deadline)."
            )
            % {"deadline": _day(deadline)},
        )
    last = next((e for e in reversed(events) if e[0] in REJECTION_EVENTS), None)
    kind = last[0] if last else "rejected"
    decided_on = _day(claim.decided_at or (last[2] if last else claim.status_changed_at))
    if kind == "overturned":
        summary = _(
            "A review panel of members overturned the approval of your claim on %(date)s, "
            "after objections during its public notice."
        ) % {"date": decided_on}
    elif kind == "appeal_dismissed":
        summary = _("Your appeal was dismissed on %(date)s; the rejection stands.") % {
            "date": decided_on
        }
    else:
        summary = _("Your claim was rejected on %(date)s.") % {"date": decided_on}
    if any(e[0] == "appealed" for e in events):
        appeal, until = APPEAL_USED, None
        next_step = _(
            "The rules give one appeal, and yours was decided by a review panel, so this "
            "decision is final within the society. You may still take the matter to the "
            "insurance regulator or to a court."
        )
    elif claim.appeal_until is not None and today > claim.appeal_until:
        appeal, until = APPEAL_CLOSED, claim.appeal_until
        next_step = _(
            "The appeal window closed on %(date)s without an appeal, so the rejection is "
            "final within the society."
        ) % {"date": _day(claim.appeal_until)}
    else:
        appeal, until = APPEAL_OPEN, claim.appeal_until
        next_step = (
            _(
                "You may appeal once, until %(date)s: give your reasons, and a panel of "
                "randomly drawn members will decide."
            )
            % {"date": _day(claim.appeal_until)}
            if claim.appeal_until
            else _(
                "You may appeal once: give your reasons, and a panel of randomly drawn "
                "members will decide."
            )
        )
    return ClaimOutcome(
        status=claim.status,
        summary=summary,
        reasons_label=_("Reasons for rejection"),
        reasons=claim.rejection_reasons,
        appeal=appeal,
        appeal_until=until,
        next_step=next_step,
    )


def _paid_outcome(claim: Claim) -> ClaimOutcome:
    amount = number_format(claim.paid_amount, decimal_pos=2, force_grouping=True)
    short = claim.assessed_amount is not None and claim.assessed_amount < claim.amount_claimed
    return ClaimOutcome(
        status=claim.status,
        summary=_("We paid %(amount)s %(currency)s on %(date)s to the account ending %(last)s.")
        % {
            "amount": amount,
            "currency": settings.SOCIETY_CURRENCY,
            "date": _day(claim.paid_at),
            "last": claim.bank_account_number[-4:],
        },
        reasons_label=_("Why less than the amount claimed was paid"),
        reasons=claim.assessment_reasons if short else "",
        appeal=APPEAL_NONE,
        appeal_until=None,
        next_step=_(
            "The claim is settled. The rules give an appeal against a rejection only; if "
            "you disagree with the amount paid, contact the society."
        ),
    )


def document_for_user(user, document_id: int) -> ClaimDocument:
    """A document its claim's member or claims staff (who handle or decide claims) may open;
    anyone else gets NotFound, as if it did not exist."""
    document = ClaimDocument.objects.select_related("claim__member").filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("Not found."))
    if user.has_perm(DOCUMENTS_PERM):
        return document
    if document.claim.member.user_id == user.pk and user.pk is not None:
        return document
    raise NotFound(_("Not found."))


def claim_queue(status: str | None = None) -> QuerySet[Claim]:
    """Claims staff's queue, oldest first."""
    qs = Claim.objects.select_related("plan", "member").order_by("submitted_at")
    return qs.filter(status=status) if status else qs
