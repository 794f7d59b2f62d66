"""The allocation of a surplus distribution, set-based (``distribution_sql``): the parts by
contributions and by membership, the minimum amount, the remainder cents; and the board's
preview, which writes no share. See ``services.distribution`` for the rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import CENT, quantize_money

from ..models import SurplusDistribution
from . import distribution_sql as sql

#: The largest product of a part in cents and a member's figure the SQL computes in
#: integers (bigint on PostgreSQL, SQLite's 64-bit integers).
INT_MAX = 2**63 - 1
SAMPLE = 5


@dataclass(frozen=True)
class Allocation:
    """How the amount is shared: the parts by contributions and by membership in cents,
    the totals of the members sharing, and the remainder cents of each part."""

    part_c: int
    part_y: int
    total_c: int
    total_d: int
    k_c: int
    k_y: int
    members_eligible: int
    members_below_minimum: int
    members: int

    @property
    def parts(self) -> dict[str, int]:
        return {
            "part_c": self.part_c,
            "total_c": self.total_c,
            "part_y": self.part_y,
            "total_d": self.total_d,
            "k_c": self.k_c,
            "k_y": self.k_y,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "by_contributions": str(CENT * self.part_c),
            "by_membership": str(CENT * self.part_y),
            "contributions_total": str(CENT * self.total_c),
            "membership_days_total": self.total_d,
            "remainder_cents_contributions": self.k_c,
            "remainder_cents_membership": self.k_y,
            "members_eligible": self.members_eligible,
            "members_below_minimum": self.members_below_minimum,
            "members": self.members,
        }


def allocate(distribution: SurplusDistribution) -> Allocation:
    """Fill the session's ``surplus_basis`` table and work out the allocation (reads
    members, dues and coverages; writes only the temporary table)."""
    total = int(distribution.amount / CENT)
    part_c = int(
        quantize_money(distribution.amount * distribution.contributions_weight, ROUND_HALF_UP)
        / CENT
    )
    part_y = total - part_c
    sql.basis_create(as_of=distribution.as_of, year=distribution.year)
    first = sql.basis_totals()
    if not first.members:
        raise InvalidInput(
            _("No member's cover is in force on %(date)s.") % {"date": distribution.as_of},
            field="as_of",
        )
    if part_c and not first.contrib_cents:
        raise InvalidInput(
            _("No member sharing paid contributions due in %(year)s: choose another basis.")
            % {"year": distribution.year},
            field="basis",
        )
    if part_y and not first.days:
        raise InvalidInput(
            _("The members sharing joined on %(date)s: choose another basis.")
            % {"date": distribution.as_of},
            field="basis",
        )
    if part_c * first.max_contrib_cents > INT_MAX or part_y * first.max_days > INT_MAX:
        raise InvalidInput(_("The amount is too large to share exactly."), field="amount")
    minimum = int(distribution.minimum_amount / CENT)
    dropped = sql.basis_drop_below(
        part_c=part_c, total_c=first.contrib_cents, part_y=part_y, total_d=first.days, cents=minimum
    )
    second = sql.basis_totals() if dropped else first
    if not second.members or (part_c and not second.contrib_cents) or (part_y and not second.days):
        raise InvalidInput(
            _("No member's share reaches the minimum amount of %(minimum)s.")
            % {"minimum": distribution.minimum_amount},
            field="minimum_amount",
        )
    floored_c, floored_y = sql.basis_floored_sums(
        part_c=part_c, total_c=second.contrib_cents, part_y=part_y, total_d=second.days
    )
    return Allocation(
        part_c=part_c,
        part_y=part_y,
        total_c=second.contrib_cents,
        total_d=second.days,
        k_c=part_c - floored_c,
        k_y=part_y - floored_y,
        members_eligible=first.members,
        members_below_minimum=dropped,
        members=second.members,
    )


@dataclass(frozen=True)
class MemberAmount:
    member_id: int
    member_number: str
    contributions: Decimal
    membership_days: int
    weight: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Preview:
    """What a run would credit (amounts in yuan), without writing any share."""

    distribution_id: int
    amount: Decimal
    allocation: Allocation
    members: int
    total: Decimal
    smallest: Decimal | None
    median: Decimal | None
    largest: Decimal | None
    sample: list[MemberAmount] = field(default_factory=list)
    searched: list[MemberAmount] = field(default_factory=list)
    not_sharing: list[str] = field(default_factory=list)


def _amounts(rows: list[tuple], numbers: dict[int, str | None]) -> list[MemberAmount]:
    return [
        MemberAmount(
            member_id=int(member_id),
            member_number=numbers.get(int(member_id)) or "",
            contributions=CENT * int(cents_c),
            membership_days=int(days),
            weight=Decimal(str(weight)),
            amount=CENT * int(cents),
        )
        for member_id, cents_c, days, weight, cents in rows
    ]


def distribution_preview(
    *, distribution: SurplusDistribution | int, member_numbers: list[str] | tuple = ()
) -> Preview:
    """The board's preview: the number of members, the total, the smallest, median and
    largest share, a sample of members spread over the register and the members whose
    numbers are searched (those not sharing are named apart). Writes no share (the
    temporary table is dropped before returning)."""
    pk = distribution.pk if isinstance(distribution, SurplusDistribution) else int(distribution)
    row = SurplusDistribution.objects.filter(pk=pk).first()
    if row is None:
        raise InvalidInput(_("There is no such distribution."), field="distribution")
    with transaction.atomic():
        try:
            allocation = allocate(row)
            stats = sql.shares_stats(**allocation.parts)
            sample_ids = sql.sample_member_ids(SAMPLE, allocation.members)
            wanted = [n.strip() for n in member_numbers if n and n.strip()][:20]
            found = dict(
                Member.objects.filter(member_number__in=wanted).values_list("member_number", "pk")
            )
            rows = sql.shares_for_members(
                member_ids=sorted(set(sample_ids) | set(found.values())), **allocation.parts
            )
        finally:
            sql.basis_drop()
    numbers = dict(
        Member.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "member_number")
    )
    amounts = _amounts(rows, numbers)
    searched_ids = set(found.values())
    sharing_ids = {a.member_id for a in amounts}

    def cents(value: int | None) -> Decimal | None:
        return None if value is None else CENT * value

    return Preview(
        distribution_id=row.pk,
        amount=row.amount,
        allocation=allocation,
        members=stats["members"],
        total=CENT * stats["cents"],
        smallest=cents(stats["min"]),
        median=cents(stats["median"]),
        largest=cents(stats["max"]),
        sample=[a for a in amounts if a.member_id in set(sample_ids)],
        searched=[a for a in amounts if a.member_id in searched_ids],
        not_sharing=[n for n in wanted if found.get(n) not in sharing_ids],
    )
