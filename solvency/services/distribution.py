"""Distributing surplus to the members (盈余分配; docs/solvency.md, "Distributing surplus").

Pilot Measures for the Supervision of Mutual Insurance Organizations (2015): surplus is
the members'; it may be distributed only after the initial operating fund and the
reserves are provided for, and while solvency stays adequate; distributing it is a
special matter of the assembly (docs/governance.md). The steps:

1. the actuary computes (``distribution_compute``): the distributable surplus with its
   workings (``distribution_checks``): surplus and the results not yet appropriated,
   after the reserves the ledger already holds, less the fund repaid (the figure the
   fund's repayment uses, ``repayment.surplus_available``), less the loans of the fund
   still owed when the rule sets them aside; the latest approved assessment recomputed
   with its core capital less the amount (``repayment.solvency_after``) must meet every
   threshold; no alert of the ladder may stand (``selectors.distribution_blocked``).
   Any failure refuses with the figures, a field each;
2. the board proposes the rule (``distribution_propose``; the basis: contributions paid
   in the year, days of membership, or both with a weight; the minimum amount), having
   looked at ``distribution_preview`` (totals, spread, a sample, members searched);
3. the assembly adopts it as a special motion on the matter "distribution of surplus",
   recorded with ``distribution_adopt`` (the motion must be adopted by an assembly whose
   results are declared, ``governance.selectors.resolution_adopted_by_assembly``);
4. finance runs it (``distribution_run``): every check again, then one transaction: one
   ``INSERT ... SELECT`` of a ``MemberSurplusShare`` per member (largest remainder to
   the cent, ``distribution_sql``), one balanced entry Dr 4104 surplus / Cr 2203
   contributions received in advance under its idempotency key, one ``INSERT ...
   SELECT`` of a contribution credit per member (``members.services.payments.
   credits_insert``) that later dues consume, and the open dues settled from it;
5. it is published (``distribution_publish``); ``signals.surplus_distributed`` is sent
   after the run's commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Matter
from governance.selectors import resolution_adopted_by_assembly, resolution_get
from ledger import chart
from ledger.selectors import net_result
from ledger.services import Credit, Debit, entry_post
from members.models import ContributionDue, Member
from members.services.contributions import dues_settle_from_advance
from members.services.payments import credits_insert
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from mutualsociety.common.money import CENT, ZERO, quantize_money, quantize_rate

from .. import selectors
from ..events import distribution_event
from ..models import FundTranche, MemberSurplusShare, SurplusDistribution
from ..signals import surplus_distributed
from ..transitions import DISTRIBUTION
from . import distribution_sql as sql
from .access import permission_require
from .evaluation import json_ready
from .repayment import solvency_after, surplus_available

S = SurplusDistribution.Status
Basis = SurplusDistribution.Basis
#: The largest product of a part in cents and a member's figure the SQL computes in
#: integers (bigint on PostgreSQL, SQLite's 64-bit integers).
INT_MAX = 2**63 - 1
SAMPLE = 5


def _money(value: Any, name: str, *, minimum: Decimal = CENT) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < minimum or amount % CENT:
        raise InvalidInput(
            _("Enter an amount of at least %(min)s, in whole cents.") % {"min": minimum},
            field=name,
        )
    return amount


def _weight(basis: str, value: Any) -> Decimal:
    if basis == Basis.CONTRIBUTIONS:
        return Decimal("1")
    if basis == Basis.MEMBERSHIP:
        return Decimal("0")
    if basis != Basis.MIX:
        raise InvalidInput(
            _("Choose the basis: %(choices)s.") % {"choices": ", ".join(Basis.values)},
            field="basis",
        )
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError):
        weight = Decimal("NaN")
    if not weight.is_finite() or not 0 < weight < 1 or weight != quantize_rate(weight):
        raise InvalidInput(
            _(
                "For a mix, the weight of contributions is between 0 and 1 exclusive, with "
                "at most 6 decimals (0.7 is 70%)."
            ),
            field="contributions_weight",
        )
    return weight


# --- The distributable amount and its checks --------------------------------------------


def fund_outstanding(as_of: dt.date) -> Decimal:
    """The loans of the initial operating fund received by ``as_of`` and not yet repaid
    (the register, ``selectors.tranches_with_repayments``)."""
    rows = selectors.tranches_with_repayments().filter(
        kind=FundTranche.Kind.LOAN, received_on__lte=as_of
    )
    total = rows.aggregate(t=Sum("outstanding"))["t"]
    return quantize_money(total or ZERO)


def distribution_checks(
    *, amount: Decimal, as_of: dt.date, reserve_outstanding_fund: bool, on: dt.date
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Every condition of distributing ``amount`` computed at ``as_of`` and checked on
    ``on``: the failures by field, and the workings (see the module's docstring)."""
    fails: dict[str, list[str]] = {}
    workings: dict[str, Any] = {}

    def fail(name: str, message: str) -> None:
        fails.setdefault(name, []).append(message)

    since_founding = net_result(end=as_of)
    available = surplus_available(as_of=as_of, since_founding=since_founding)
    owed = fund_outstanding(as_of) if reserve_outstanding_fund else ZERO
    distributable = max(ZERO, quantize_money(available - owed))
    workings.update(
        as_of=as_of,
        result_since_founding=since_founding,
        surplus_available=available,
        fund_outstanding=owed,
        distributable=distributable,
        amount=amount,
    )
    if since_founding < 0:
        fail(
            "surplus",
            _("The result since founding is %(result)s: there is no surplus to distribute.")
            % {"result": since_founding},
        )
    if amount > distributable:
        fail(
            "amount",
            _(
                "The distributable surplus is %(distributable)s (surplus and results not "
                "yet appropriated less the fund repaid, %(available)s, less the fund still "
                "owed, %(owed)s): %(amount)s is more."
            )
            % {
                "distributable": distributable,
                "available": available,
                "owed": owed,
                "amount": amount,
            },
        )
    blocked, reasons = selectors.distribution_blocked(on)
    if blocked:
        fail("alerts", _("Distribution is blocked: %(reasons)s") % {"reasons": " ".join(reasons)})
    check = solvency_after(core_less=amount, supplementary_less=ZERO)
    if check is not None:
        workings["assessment"] = check.assessment.pk
        workings["core_after"] = check.core
        workings["after"] = check.ratios
        if check.missed:
            fail(
                "assessment",
                _(
                    "After the distribution, assessment %(a)s would be below its threshold "
                    "for: %(measures)s (comprehensive %(comprehensive)s%%, core %(core)s%%)."
                )
                % {
                    "a": check.assessment,
                    "measures": ", ".join(check.missed),
                    "comprehensive": check.after.comprehensive_ratio,
                    "core": check.after.core_ratio,
                },
            )
    return fails, json_ready(workings)


def _refuse(fails: dict[str, list[str]]) -> None:
    if fails:
        raise InvalidInput(
            _("The distribution is refused: %(conditions)s.") % {"conditions": ", ".join(fails)},
            fields=fails,
        )


def distribution_compute(
    *,
    year: int,
    as_of: dt.date,
    basis: str,
    amount: Decimal | str | None = None,
    contributions_weight: Decimal | str | None = None,
    minimum_amount: Decimal | str = "0.01",
    reserve_outstanding_fund: bool = True,
    actor,
) -> SurplusDistribution:
    """The actuary computes the distributable surplus at ``as_of`` and records a draft
    rule with ``amount`` (the whole distributable amount when None). Refused, with the
    figures, unless every check passes. Needs ``solvency.add_surplusdistribution``."""
    permission_require(actor, "solvency.add_surplusdistribution")
    today = timezone.localdate()
    if not isinstance(year, int) or not 2000 <= year <= today.year:
        raise InvalidInput(_("Enter a financial year that has begun."), field="year")
    if as_of > today:
        raise InvalidInput(_("The date cannot be in the future."), field="as_of")
    if as_of < dt.date(year, 1, 1):
        raise InvalidInput(_("The date cannot be before the year begins."), field="as_of")
    weight = _weight(basis, contributions_weight)
    minimum = _money(minimum_amount, "minimum_amount")
    with transaction.atomic():
        if amount is None:
            _fails, workings = distribution_checks(
                amount=ZERO,
                as_of=as_of,
                reserve_outstanding_fund=reserve_outstanding_fund,
                on=today,
            )
            value = Decimal(workings["distributable"])
            if value <= 0:
                raise InvalidInput(
                    _("There is no distributable surplus at %(date)s (%(workings)s).")
                    % {"date": as_of, "workings": workings},
                    field="amount",
                )
        else:
            value = _money(amount, "amount")
        fails, workings = distribution_checks(
            amount=value, as_of=as_of, reserve_outstanding_fund=reserve_outstanding_fund, on=today
        )
        if "assessment" not in workings:
            fails.setdefault("assessment", []).append(
                _("There is no approved solvency assessment to check against.")
            )
        _refuse(fails)
        distribution = SurplusDistribution.objects.create(
            year=year,
            as_of=as_of,
            basis=basis,
            contributions_weight=weight,
            minimum_amount=minimum,
            reserve_outstanding_fund=reserve_outstanding_fund,
            distributable=Decimal(workings["distributable"]),
            amount=value,
            workings=workings,
            assessment_id=workings["assessment"],
            computed_by=actor,
        )
        distribution_event(
            distribution=distribution,
            type="computed",
            actor=actor,
            new_value=S.COMPUTED,
            data={"amount": str(value), "distributable": workings["distributable"]},
        )
    return distribution


# --- The allocation (set-based) --------------------------------------------------------


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


def _allocate(distribution: SurplusDistribution) -> Allocation:
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
            allocation = _allocate(row)
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


# --- The steps ---------------------------------------------------------------------------


def _locked(distribution: SurplusDistribution | int) -> SurplusDistribution:
    pk = distribution.pk if isinstance(distribution, SurplusDistribution) else int(distribution)
    row = SurplusDistribution.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise InvalidInput(_("There is no such distribution."), field="distribution")
    return row


def distribution_propose(
    *,
    distribution: SurplusDistribution | int,
    actor,
    basis: str | None = None,
    contributions_weight: Decimal | str | None = None,
    minimum_amount: Decimal | str | None = None,
    amount: Decimal | str | None = None,
) -> SurplusDistribution:
    """The board proposes the rule to the assembly, changing any of its terms first
    (the amount is checked again). Proposing it again changes nothing. Needs
    ``solvency.propose_surplusdistribution``."""
    permission_require(actor, "solvency.propose_surplusdistribution")
    with transaction.atomic():
        row = _locked(distribution)
        if row.status == S.PROPOSED and basis is amount is minimum_amount is None:
            return row
        DISTRIBUTION.check(row.status, S.PROPOSED)
        if basis is not None:
            row.basis = basis
            row.contributions_weight = _weight(basis, contributions_weight)
        if minimum_amount is not None:
            row.minimum_amount = _money(minimum_amount, "minimum_amount")
        if amount is not None:
            row.amount = _money(amount, "amount")
        fails, workings = distribution_checks(
            amount=row.amount,
            as_of=row.as_of,
            reserve_outstanding_fund=row.reserve_outstanding_fund,
            on=timezone.localdate(),
        )
        _refuse(fails)
        old = DISTRIBUTION.move(row, S.PROPOSED)
        row.workings, row.distributable = workings, Decimal(workings["distributable"])
        row.proposed_by, row.proposed_at = actor, timezone.now()
        row.save()
        distribution_event(
            distribution=row,
            type="proposed",
            actor=actor,
            old_value=old,
            new_value=S.PROPOSED,
            data={
                "basis": row.basis,
                "weight": str(row.contributions_weight),
                "minimum": str(row.minimum_amount),
                "amount": str(row.amount),
            },
        )
    return row


def _resolution_check(motion_id: int | None) -> Any:
    motion = resolution_get(motion_id) if motion_id else None
    if motion is None or not resolution_adopted_by_assembly(motion, matter=Matter.SURPLUS):
        raise InvalidInput(
            _(
                "Name a resolution on the distribution of surplus that an assembly adopted "
                "as a special motion (results declared)."
            ),
            field="resolution",
        )
    return motion


def distribution_adopt(
    *, distribution: SurplusDistribution | int, resolution: Any, actor
) -> SurplusDistribution:
    """Record the assembly's resolution adopting the proposed distribution (a motion on
    the matter "distribution of surplus", adopted, results declared). The same
    resolution again changes nothing. Needs ``solvency.run_surplusdistribution``."""
    permission_require(actor, "solvency.run_surplusdistribution")
    motion_id = int(getattr(resolution, "pk", resolution) or 0)
    with transaction.atomic():
        row = _locked(distribution)
        if row.status != S.PROPOSED and row.resolution_id == motion_id:
            return row
        motion = _resolution_check(motion_id)
        if SurplusDistribution.objects.filter(resolution=motion).exclude(pk=row.pk).exists():
            raise InvalidInput(
                _("This resolution adopted another distribution."), field="resolution"
            )
        old = DISTRIBUTION.move(row, S.ADOPTED)
        row.resolution = motion
        row.save(update_fields=["status", "resolution"])
        distribution_event(
            distribution=row,
            type="adopted",
            actor=actor,
            old_value=old,
            new_value=S.ADOPTED,
            data={"resolution": motion.pk},
        )
    return row


def distribution_run(*, distribution: SurplusDistribution | int, actor) -> SurplusDistribution:
    """Credit every member's share of an adopted distribution, once (see the module's
    docstring). A second run, or one started at the same time, returns the distribution
    as the first run left it and writes nothing (the row's lock, the shares' unique key
    per member, the entry's and the credits' idempotency keys). Refused while an alert
    stands, without the resolution, or if the surplus or solvency no longer allow it.
    Needs ``solvency.run_surplusdistribution``."""
    permission_require(actor, "solvency.run_surplusdistribution")
    today = timezone.localdate()
    with transaction.atomic():
        row = _locked(distribution)
        if row.status in (S.RUN, S.PUBLISHED):
            return row
        DISTRIBUTION.check(row.status, S.RUN)
        _resolution_check(row.resolution_id)
        fails, workings = distribution_checks(
            amount=row.amount,
            as_of=row.as_of,
            reserve_outstanding_fund=row.reserve_outstanding_fund,
            on=today,
        )
        _refuse(fails)
        try:
            allocation = _allocate(row)
            entry = entry_post(
                idempotency_key=f"solvency.surplus_distribution:{row.pk}",
                date=today,
                memo=_("Surplus distribution %(year)s #%(id)s to %(n)d members")
                % {"year": row.year, "id": row.pk, "n": allocation.members},
                lines=[Debit(chart.SURPLUS, row.amount), Credit(chart.PREPAID, row.amount)],
                source_type="solvency.surplus_distribution",
                source_id=row.pk,
                actor=actor,
            )
            try:
                with transaction.atomic():
                    inserted = sql.shares_insert(distribution_id=row.pk, **allocation.parts)
            except IntegrityError as exc:
                raise InvalidInput(
                    _("Shares of this distribution were already written; nothing done.")
                ) from exc
        finally:
            sql.basis_drop()
        written = MemberSurplusShare.objects.filter(distribution=row).aggregate(
            n=Count("id"), t=Sum("amount")
        )
        if inserted != allocation.members or written["t"] != row.amount:
            raise InvalidInput(
                _("The shares do not add up to the amount (%(total)s); nothing done.")
                % {"total": written["t"]}
            )
        credits = credits_insert(
            rows_sql=(
                "SELECT member_id, CAST(ROUND(amount * 100) AS BIGINT) AS cents "
                "FROM solvency_membersurplusshare WHERE distribution_id = %s"
            ),
            params=[row.pk],
            received_on=today,
            key_prefix=f"solvency.surplus:{row.pk}:",
            reference=_("Surplus distribution %(year)s") % {"year": row.year},
            ledger_entry_id=entry.pk,
        )
        if credits != inserted:
            raise InvalidInput(_("Some members were credited already; nothing done."))
        settled = dues_settle_from_advance(
            dues=ContributionDue.objects.filter(
                member_id__in=MemberSurplusShare.objects.filter(distribution=row).values(
                    "member_id"
                )
            )
        )
        old = DISTRIBUTION.move(row, S.RUN)
        row.workings = {**workings, "allocation": allocation.as_json(), "dues_settled": settled}
        row.members_count, row.shares_total = inserted, written["t"]
        row.ledger_entry, row.run_by, row.run_at = entry, actor, timezone.now()
        row.save()
        distribution_event(
            distribution=row,
            type="run",
            actor=actor,
            old_value=old,
            new_value=S.RUN,
            data={"members": inserted, "total": str(written["t"]), "entry": entry.pk},
        )
        transaction.on_commit(
            lambda: surplus_distributed.send(sender=SurplusDistribution, distribution=row)
        )
    return row


def distribution_publish(*, distribution: SurplusDistribution | int, actor) -> SurplusDistribution:
    """Publish a distribution that was run (once; again changes nothing). Needs
    ``solvency.run_surplusdistribution``."""
    permission_require(actor, "solvency.run_surplusdistribution")
    with transaction.atomic():
        row = _locked(distribution)
        if row.status == S.PUBLISHED:
            return row
        old = DISTRIBUTION.move(row, S.PUBLISHED)
        row.published_at = timezone.now()
        row.save(update_fields=["status", "published_at"])
        distribution_event(
            distribution=row, type="published", actor=actor, old_value=old, new_value=S.PUBLISHED
        )
    return row


def distribution_withdraw(
    *, distribution: SurplusDistribution | int, actor, reason: str
) -> SurplusDistribution:
    """Withdraw a distribution not yet run, with a reason. Needs
    ``solvency.propose_surplusdistribution`` or ``solvency.add_surplusdistribution``."""
    if not (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and (
            actor.has_perm("solvency.propose_surplusdistribution")
            or actor.has_perm("solvency.add_surplusdistribution")
        )
    ):
        raise NotAllowed(_("You do not have permission to do this."))
    if not (reason or "").strip():
        raise InvalidInput(_("Say why the distribution is withdrawn."), field="reason")
    with transaction.atomic():
        row = _locked(distribution)
        if row.status == S.WITHDRAWN:
            return row
        old = DISTRIBUTION.move(row, S.WITHDRAWN)
        row.save(update_fields=["status"])
        distribution_event(
            distribution=row,
            type="withdrawn",
            actor=actor,
            old_value=old,
            new_value=S.WITHDRAWN,
            reason=reason.strip()[:500],
        )
    return row


__all__ = [
    "Allocation",
    "MemberAmount",
    "Preview",
    "distribution_adopt",
    "distribution_checks",
    "distribution_compute",
    "distribution_preview",
    "distribution_propose",
    "distribution_publish",
    "distribution_run",
    "distribution_withdraw",
    "fund_outstanding",
]
