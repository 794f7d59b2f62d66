"""A member's designation of beneficiaries for the death benefit, and its changes.

A change is a new version of the whole designation: the one in force is closed and the
new one opened at the same moment, in one transaction, under the member's row lock; the
old versions stay as they were (the designation in force on a past day is
``members.selectors.designation_in_force``). Identity numbers are checked as at
enrolment (``check_identity_document``) and never written to the history or the log:
the event row says which version, how many people and the shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput

from ..events import member_event
from ..models import SHARES_TOTAL, Beneficiary, Designation, Member, MemberEvent
from ..rules import NAME_MAX
from .checks import FieldErrors, check_identity_document
from .locks import member_lock

#: At most this many people in one designation.
BENEFICIARIES_MAX = 10
#: The statuses in which a member may still change who receives their death benefit.
DESIGNATING_STATUSES = frozenset(
    {Member.Status.APPLICANT, Member.Status.ACTIVE, Member.Status.SUSPENDED}
)


@dataclass
class BeneficiaryData:
    """One row of a designation as typed. ``keep`` is the id of a beneficiary of the
    version in force whose identity number is kept when ``id_number`` is left empty (the
    portal never shows a stored number in full)."""

    name: str
    relation: str
    id_type: str
    id_number: str
    share: Decimal | str
    keep: int | None = None


def _shares_check(rows: Sequence[BeneficiaryData], errors: FieldErrors) -> list[Decimal]:
    shares: list[Decimal] = []
    for index, row in enumerate(rows):
        try:
            share = Decimal(str(row.share).strip())
        except InvalidOperation:
            errors.add(f"{index}-share", _("Enter the share as a number of per cent."))
            shares.append(Decimal(0))
            continue
        # More than two decimals (99.995) is refused, not rounded: a share is what the
        # member wrote.
        exponent = share.normalize().as_tuple().exponent if share.is_finite() else "n"
        if not isinstance(exponent, int) or exponent < -2 or not (0 < share <= SHARES_TOTAL):
            errors.add(
                f"{index}-share",
                _("A share is more than 0 and at most 100 per cent, with at most 2 decimals."),
            )
        shares.append(share if share.is_finite() else Decimal(0))
    return shares


def designation_check(
    *, member: Member, rows: Sequence[BeneficiaryData], current: Designation | None
) -> list[BeneficiaryData]:
    """Check a designation as typed; return its rows cleaned (numbers normalised, kept
    numbers filled in). Field errors are named ``<row>-<field>`` (``0-id_number``) and,
    for shares that do not add up, ``share``."""
    errors = FieldErrors()
    if len(rows) > BENEFICIARIES_MAX:
        errors.add("share", _("Name at most %(n)d beneficiaries.") % {"n": BENEFICIARIES_MAX})
    kept = {b.pk: b for b in current.beneficiaries.all()} if current else {}
    today = timezone.localdate()
    cleaned: list[BeneficiaryData] = []
    for index, row in enumerate(rows):
        name = (row.name or "").strip()
        if not name:
            errors.add(f"{index}-name", _("Enter the beneficiary's name as on their document."))
        elif len(name) > NAME_MAX:
            errors.add(f"{index}-name", _("The name is longer than 100 characters."))
        if row.relation not in Beneficiary.Relation.values:
            errors.add(f"{index}-relation", _("Choose the beneficiary's relation to you."))
        number = row.id_number or ""
        if not number.strip() and row.keep is not None:
            previous = kept.get(row.keep)
            if previous is None or previous.id_type != row.id_type:
                errors.add(f"{index}-id_number", _("Enter the identity number."))
            else:
                number = previous.id_number
        number, _parsed = check_identity_document(
            errors, id_type=row.id_type, id_number=number, today=today, prefix=f"{index}-"
        )
        if number and number == member.id_number and row.id_type == member.id_type:
            errors.add(f"{index}-id_number", _("You cannot name yourself as your beneficiary."))
        cleaned.append(
            BeneficiaryData(
                name=name,
                relation=row.relation,
                id_type=row.id_type,
                id_number=number,
                share=row.share,
            )
        )
    numbers = [(r.id_type, r.id_number) for r in cleaned if r.id_number]
    if len(set(numbers)) != len(numbers):
        errors.add("share", _("Each person is named once; give them one share."))
    shares = _shares_check(rows, errors)
    total = sum(shares, Decimal("0.00"))
    if rows and total != SHARES_TOTAL:
        errors.add(
            "share",
            _("The shares add up to %(total)s%%; they must add up to exactly 100.00%%.")
            % {"total": f"{total:.2f}"},
        )
    errors.raise_if_any()
    for row, share in zip(cleaned, shares, strict=True):
        row.share = share
    return cleaned


def _same(current: Designation | None, rows: Sequence[BeneficiaryData]) -> bool:
    existing = list(current.beneficiaries.all()) if current else []
    return [(b.name, b.relation, b.id_type, b.id_number, b.share) for b in existing] == [
        (r.name, r.relation, r.id_type, r.id_number, r.share) for r in rows
    ]


@transaction.atomic
def designation_change(
    *,
    member: Member | int,
    actor,
    beneficiaries: Sequence[BeneficiaryData],
    based_on: int,
    reason: str = "",
) -> Designation:
    """Replace the member's designation of beneficiaries with a new version.

    ``based_on`` is the version the person saw when they made the change (0: none). The
    member's row is locked first, so two changes of the same member run one after the
    other: the second was based on a version that is no longer in force and is refused
    with a message (``IdempotencyConflict``) - unless it asks for exactly what is in
    force now (a double click), which returns that version and changes nothing. The
    version in force is closed (``valid_to``) at the moment the new one starts; an event
    row records the change without the identity numbers.
    """
    locked = member_lock(member, no_key=True)
    if locked.status not in DESIGNATING_STATUSES:
        raise InvalidInput(_("Beneficiaries can be changed only while you are a member."))
    current = (
        Designation.objects.filter(member=locked, valid_to__isnull=True)
        .prefetch_related("beneficiaries")
        .first()
    )
    rows = designation_check(member=locked, rows=beneficiaries, current=current)
    current_version = current.version if current else 0
    if _same(current, rows) and (current is not None or not rows):
        return current if current is not None else _empty_placeholder(locked)
    if based_on != current_version:
        raise IdempotencyConflict(
            _(
                "Your beneficiaries were changed meanwhile (now version %(version)d). "
                "Look at them again and make your change once more."
            )
            % {"version": current_version}
        )
    now = timezone.now()
    if current is not None:
        current.valid_to = now
        current.save(update_fields=["valid_to"])
    designation = Designation.objects.create(
        member=locked,
        version=current_version + 1,
        valid_from=now,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=(reason or "").strip(),
    )
    Beneficiary.objects.bulk_create(
        Beneficiary(
            designation=designation,
            order=index + 1,
            name=row.name,
            relation=row.relation,
            id_type=row.id_type,
            id_number=row.id_number,
            share=row.share,
        )
        for index, row in enumerate(rows)
    )
    member_event(
        member=locked,
        type=MemberEvent.Type.BENEFICIARIES,
        actor=actor,
        old=str(current_version) if current_version else "",
        new=str(designation.version),
        reason=designation.reason,
        data={
            "beneficiaries": len(rows),
            "shares": [f"{row.share:.2f}" for row in rows],
        },
    )
    return designation


def _empty_placeholder(member: Member) -> Designation:
    """What a member who never named anyone and names no one now has: no designation
    (an unsaved one of version 0, nothing written)."""
    return Designation(member=member, version=0)
