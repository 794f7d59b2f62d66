"""Claim intake: the member's submission, its automatic checks, and its documents.

Refused outright (nothing saved, not even a file): a coverage that is not the member's
own, an event date in the future or before the cover started, a claim on a plan in
wind-down for an event on or after its stop date or after its claims window closed
(``wind_down.wind_down_claim_problem``), an amount over the benefit
of the member's age band, a document that is not a PDF, JPEG or PNG by its content (the
name is not trusted), an empty or oversized document, a field left empty (each named with
what to enter). Everything else is recorded and the automatic checks
(``selectors.claim_checks``) are stored on the claim for the handler.

Every face hands the claim over as a ``ClaimData``; its values are checked here, once.
Documents: ``services.documents`` (re-exported here, where the faces import them from).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.identity import age_on
from members.models import Coverage, Member
from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from mutualsociety.common.money import is_whole_cents, quantize_money, to_decimal
from mutualsociety.common.services import amount_ceiling_check, sequence_next

from ..calculations import age_band_label
from ..events import claim_event
from ..models import Claim, ClaimEvent
from ..selectors import claim_checks, coverage_remaining
from .documents import (
    OPEN_FOR_DOCUMENTS,
    Upload,
    claim_document_add,
    document_add_allowed,
    document_check,
    document_path,
    documents_store,
    files_remove,
)
from .reserves import reserve_set
from .wind_down import wind_down_claim_problem

ACCOUNT_RE = re.compile(r"^[0-9 ]{8,40}$")


@dataclass(frozen=True)
class ClaimData:
    """A member's claim as every face hands it to ``claim_submit`` (the portal's form, the
    API, demo data): typed, as the person gave it. A field left empty is ``None`` or
    ``""``, and ``claim_submit`` says on that field what to enter (pattern:
    ``members.services.enrolment.EnrolmentData``)."""

    coverage: int | None
    kind: str
    event_date: dt.date | None
    description: str
    amount_claimed: Decimal | None
    bank_account_name: str
    bank_account_number: str

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ClaimData:
        """The same fields from a mapping (callers holding a dict, e.g. demo data). A
        value of the wrong type counts as not given: the service names the field."""
        coverage = data.get("coverage")
        coverage = getattr(coverage, "pk", coverage)
        try:
            coverage_id = int(coverage) if coverage not in (None, "") else None
        except (TypeError, ValueError):
            coverage_id = None
        amount = data.get("amount_claimed")
        try:
            amount = to_decimal(amount) if amount not in (None, "") else None
        except (TypeError, ValueError, ArithmeticError):
            amount = None
        event_date = data.get("event_date")
        return cls(
            coverage=coverage_id,
            kind=str(data.get("kind") or ""),
            event_date=event_date if isinstance(event_date, dt.date) else None,
            description=str(data.get("description") or ""),
            amount_claimed=amount,
            bank_account_name=str(data.get("bank_account_name") or ""),
            bank_account_number=str(data.get("bank_account_number") or ""),
        )


def _clean(data: ClaimData, member: Member, today: dt.date) -> tuple[Coverage, dict[str, Any]]:
    """Check every field at once (each error on its field) and return the coverage and
    the claim's values."""
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    coverage = (
        Coverage.objects.select_related("plan", "plan_version", "member")
        .filter(pk=data.coverage)
        .first()
        if data.coverage is not None
        else None
    )
    if coverage is None:
        err("coverage", _("Choose one of your coverages."))
    elif coverage.member_id != member.pk:
        # The same answer as a coverage that does not exist: nothing about others leaks.
        raise NotAllowed(_("You can only claim on your own coverage."), field="coverage")
    kind = data.kind
    if kind not in Claim.Kind.values:
        err("kind", _("Choose illness or accident."))
    event_date = data.event_date
    if event_date is None:
        err("event_date", _("Enter the date of the diagnosis or accident."))
    elif event_date > today:
        err("event_date", _("The event date cannot be in the future."))
    elif coverage is not None and event_date < coverage.start_date:
        err(
            "event_date",
            _("The event date is before your cover started (%(date)s).")
            % {"date": format_date(coverage.start_date)},
        )
    if coverage is not None and event_date is not None and event_date <= today:
        problem = wind_down_claim_problem(coverage=coverage, event_date=event_date, today=today)
        if problem is not None:
            err(*problem)
    description = data.description.strip()
    if len(description) < 10:
        err("description", _("Describe what happened in a few words (at least 10 characters)."))
    amount = data.amount_claimed
    if amount is None or not amount.is_finite() or amount <= 0 or not is_whole_cents(amount):
        err("amount_claimed", _("Enter the amount claimed in yuan, e.g. 50000.00."))
        amount = None
    if amount is not None:
        try:
            amount_ceiling_check(amount, field="amount_claimed")
        except InvalidInput as error:
            err("amount_claimed", error.message)
            amount = None
    if amount is not None and coverage is not None and amount > coverage.sum_assured:
        err(
            "amount_claimed",
            _("The amount is over the benefit of your cover (%(benefit)s).")
            % {"benefit": coverage.sum_assured},
        )
    holder = data.bank_account_name.strip()
    if not holder:
        err("bank_account_name", _("Enter the name of the account holder."))
    account = data.bank_account_number.strip()
    if not ACCOUNT_RE.match(account) or sum(c.isdigit() for c in account) < 8:
        err("bank_account_number", _("Enter the bank account number (8 to 34 digits)."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, fields=errors)
    if coverage is None or amount is None:  # each left None above recorded its error
        raise RuntimeError("A claim passed its checks without a coverage or an amount.")
    return coverage, {
        "kind": kind,
        "event_date": event_date,
        "description": description,
        "amount_claimed": quantize_money(amount),
        "bank_account_name": holder[:100],
        "bank_account_number": account.replace(" ", "")[:34],
    }


def claim_submit(
    *,
    member: Member,
    data: ClaimData | Mapping[str, Any],
    documents: Sequence[Upload] = (),
    actor=None,
) -> Claim:
    """A member's claim on their own coverage, with its documents and automatic checks.

    ``data``: a ``ClaimData`` (or a mapping of its fields). All or nothing: a refusal
    leaves no claim, no document row and no file behind; every empty or wrong field is
    named at once.
    """
    if not isinstance(data, ClaimData):
        data = ClaimData.from_mapping(data)
    today = timezone.localdate()
    coverage, clean = _clean(data, member, today)
    checked = [(upload, document_check(upload)) for upload in documents]
    written: list[Path] = []
    try:
        with transaction.atomic():
            claim = _create(member, coverage, clean, checked, actor, today, written)
    except BaseException:
        files_remove(written)
        raise
    return claim


def _create(
    member: Member,
    coverage: Coverage,
    clean: dict[str, Any],
    checked: list[tuple[Upload, str]],
    actor,
    today: dt.date,
    written: list[Path],
) -> Claim:
    year = today.year
    sequence = sequence_next(name=f"claim_number:{year}")
    claim = Claim.objects.create(
        number=f"C-{year}-{sequence:06d}",
        member=member,
        coverage=coverage,
        plan=coverage.plan,
        age_band=age_band_label(age_on(member.date_of_birth, clean["event_date"])),
        region=member.region,
        benefit=coverage.sum_assured,
        checks=claim_checks(
            coverage=coverage, kind=clean["kind"], event_date=clean["event_date"], today=today
        ),
        **clean,
    )
    documents_store(claim, checked, actor, written)
    claim_event(
        claim=claim,
        type=ClaimEvent.Type.SUBMITTED,
        actor=actor,
        new_value=Claim.Status.SUBMITTED,
        data={"documents": len(checked), "checks": claim.checks},
    )
    reserve_set(
        claim=claim,
        amount=min(claim.amount_claimed, coverage.sum_assured),
        actor=actor,
        reason=_("Initial estimate: the amount claimed"),
    )
    return claim


# What the faces and other callers import from here: the submission, and the document
# and benefit names that lived here before they had modules of their own.
__all__ = [
    "OPEN_FOR_DOCUMENTS",
    "ClaimData",
    "Upload",
    "claim_document_add",
    "claim_submit",
    "coverage_remaining",
    "document_add_allowed",
    "document_check",
    "document_path",
]
