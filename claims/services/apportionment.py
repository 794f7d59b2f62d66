"""Post-funded cost sharing of a mutual aid plan (Xiang Hu Bao practice; CBIRC 2021 rules on
internet mutual aid: a management fee on the benefits shared, a cap per member per year).

At a cut-off date (the plan's apportionment days, e.g. the 14th and 28th):

- the period's benefits are the approved claims of the plan cleared from public notice on
  or before the cut-off and not shared before; the fee is the plan's rate on them, to the
  cent; total = benefits + fee;
- the members sharing are those whose cover was in force and past its waiting period at
  the cut-off; each owes total ÷ members rounded down to the cent, and the first k of
  them by coverage number one cent more, k being the remainder in cents (the recorded
  place of the rounding remainder), so the shares add up to the total exactly;
- each share is capped by what the annual cap leaves of what that coverage already shared
  in the calendar year; what the cap leaves unfunded is the shortfall, met first by
  waiving the management fee and then out of the society's surplus (4104);
- each share becomes a ``members.ContributionDue`` of kind share, written by one
  ``INSERT ... SELECT`` per chunk of coverage ids (no Python loop over members; the place
  of the extra cents fixed first by a window function over the whole plan); the total
  is one balanced entry: Dr 1122 shares, Dr 4104 from surplus / Cr 6031 benefits,
  Cr 6051 fee kept; it hangs on the period (the dues carry no entry of their own).
- the shares as billed are committed to by a Merkle root on the period, built in the same
  transaction (``share_tree``), so that each member can verify their share.

A plan in wind-down keeps its regular periods until its final one
(``services.wind_down.wind_down_final_apportionment``); none is run after it.

Idempotent per plan and cut-off (a unique period row; the dues' unique key per coverage,
kind and period start). The SQL runs on PostgreSQL and on SQLite (integer cents, CASE
instead of LEAST, derived tables instead of CTEs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Plan, PlanVersion
from members.selectors import plan_wind_down
from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from mutualsociety.common.money import CENT, ZERO, quantize_money

from ..calculations import equal_split, management_fee, shortfall_cover
from ..models import ApportionmentPeriod, Claim
from ..signals import apportionment_published
from ..transitions import PERIOD
from .apportionment_batch import apportionment_resume, shares_start
from .apportionment_sql import SharesChunk, cap_summary, members_sharing, shares_chunks
from .messages import apportionment_notify_start
from .notice import notices_clear
from .share_tree import share_tree_build

SHARED_STATUSES = (Claim.Status.APPROVED, Claim.Status.PAID)


class NothingToShare(InvalidInput):
    """No case to share up to the cut-off: a period is not recorded without one."""


@dataclass(frozen=True)
class Preview:
    """What a run would do (all amounts in yuan)."""

    plan_id: int
    period_start: dt.date
    cutoff: dt.date
    claim_count: int
    benefits_total: Decimal
    fee_rate: Decimal
    fee: Decimal
    total: Decimal
    members_sharing: int
    share_per_member: Decimal
    extra_cent_members: int
    annual_cap: Decimal | None
    capped_members: int
    dues: int
    shares_total: Decimal
    shortfall: Decimal
    shortfall_fee_waived: Decimal
    shortfall_from_surplus: Decimal
    #: The shares by chunk of ``BATCH_CHUNK_SIZE`` coverage ids: what each chunk of the
    #: run must write; ``dues``, ``shares_total`` and ``capped_members`` are their sums.
    #: Empty when there is nothing to share or no member sharing.
    chunks: tuple[SharesChunk, ...] = field(default=(), repr=False, compare=False)


def plan_terms(plan: Plan, on: dt.date) -> PlanVersion:
    version = (
        plan.versions.filter(status=PlanVersion.Status.PUBLISHED, effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )
    if version is None:
        raise InvalidInput(_("The plan has no published terms on %(date)s.") % {"date": on})
    return version


def _period_start(plan: Plan, cutoff: dt.date) -> dt.date:
    last = (
        ApportionmentPeriod.objects.filter(plan=plan, cutoff__lt=cutoff)
        .order_by("-cutoff")
        .values_list("cutoff", flat=True)
        .first()
    )
    if last:
        return last + dt.timedelta(days=1)
    first = plan.versions.order_by("effective_from").values_list("effective_from", flat=True)
    return first.first() or cutoff


def _claims(plan: Plan, cutoff: dt.date):
    return Claim.objects.filter(
        plan=plan,
        status__in=SHARED_STATUSES,
        notice_status=Claim.Notice.CLEARED,
        cleared_on__lte=cutoff,
        apportionment_period__isnull=True,
    )


def apportionment_preview(
    *, plan: Plan, cutoff: dt.date, claim_ids: list[int] | None = None
) -> Preview:
    """The dry run: what ``apportionment_run`` would do at ``cutoff`` (reads only).
    ``claim_ids``: the run's locked claims, so that exactly those are summed."""
    if plan.kind != Plan.Kind.MUTUAL_AID:
        raise InvalidInput(_("Only mutual aid plans share claims among members."), field="plan")
    version = plan_terms(plan, cutoff)
    shared = _claims(plan, cutoff) if claim_ids is None else Claim.objects.filter(pk__in=claim_ids)
    claims = shared.aggregate(n=Count("id"), total=Sum("assessed_amount"))
    benefits = quantize_money(claims["total"] or ZERO)
    fee = management_fee(benefits, version.management_fee_rate)
    total = benefits + fee
    members = members_sharing(plan_id=plan.pk, cutoff=cutoff)
    split = equal_split(total, members)
    base_cents = int(split.base / CENT)
    cap_cents = int(version.annual_cap / CENT) if version.annual_cap is not None else None
    chunks: list[SharesChunk] = []
    if members and total > 0:
        # One pass over the members gives the figures and the run's chunks both.
        chunks = shares_chunks(
            plan_id=plan.pk,
            cutoff=cutoff,
            base_cents=base_cents,
            extra_cents=split.extra_cents,
            cap_cents=cap_cents,
            size=settings.BATCH_CHUNK_SIZE,
        )
    dues = sum(c.dues for c in chunks)
    shares_cents = sum(c.cents for c in chunks)
    capped = sum(c.capped for c in chunks)
    shares_total = CENT * int(shares_cents)
    shortfall = total - shares_total
    waived, surplus = shortfall_cover(shortfall, fee)
    return Preview(
        plan_id=plan.pk,
        period_start=_period_start(plan, cutoff),
        cutoff=cutoff,
        claim_count=claims["n"],
        benefits_total=benefits,
        fee_rate=version.management_fee_rate,
        fee=fee,
        total=total,
        members_sharing=members,
        share_per_member=split.base,
        extra_cent_members=split.extra_cents,
        annual_cap=version.annual_cap,
        capped_members=int(capped),
        dues=int(dues),
        shares_total=shares_total,
        shortfall=shortfall,
        shortfall_fee_waived=waived,
        shortfall_from_surplus=surplus,
        chunks=tuple(chunks),
    )


def apportionment_run(*, plan: Plan | int, cutoff: dt.date, actor=None) -> ApportionmentPeriod:
    """Run the apportionment of ``plan`` at ``cutoff`` once; a rerun returns the period
    (and resumes its billing if it is not done).

    First, one transaction: the plan row is locked (runs of one plan queue up), the
    period row is written with the preview's figures, the claims are linked to it, and
    the writing of the shares is started as a batch run (``apportionment_batch``). When the
    members sharing fit one chunk (``BATCH_CHUNK_SIZE``) the shares, the advance payers'
    settlement, the ledger entry and the Merkle root are written in that same
    transaction, all or nothing, and the period comes back billed. Otherwise the period
    comes back *billing*: the chunks run on the workers, each in its own transaction,
    and the last step posts the ledger entry, builds the Merkle root and marks it billed
    (``apportionment_batch``); until then nothing of it is published. A cut-off with no case
    to share is refused (``NothingToShare``): a 0.00 period would be published as a
    sharing in which nothing was shared, and would only move the start of the next
    period.
    """
    if (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and not actor.has_perm("claims.run_apportionment")
    ):
        raise NotAllowed(_("You do not have permission to run apportionments."))
    today = timezone.localdate()
    if cutoff > today:
        raise InvalidInput(_("The cut-off cannot be in the future."), field="cutoff")
    plan_id = plan.pk if isinstance(plan, Plan) else plan
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan_id)
        existing = ApportionmentPeriod.objects.filter(plan=plan, cutoff=cutoff).first()
        if existing is not None:
            if existing.status == ApportionmentPeriod.Status.BILLING:
                apportionment_resume(existing)
            return existing
        final_apportionment_check(plan)
        if ApportionmentPeriod.objects.filter(plan=plan, cutoff__gt=cutoff).exists():
            raise InvalidInput(
                _("A later period of this plan was already shared; cut-offs go forward only."),
                field="cutoff",
            )
        # The claims shared are locked and fixed here: the sum and the link below use these
        # ids, so a claim cleared meanwhile waits for the next period instead of being
        # linked without being counted. (Claims per period are few; members stay in SQL.)
        claim_ids = list(
            _claims(plan, cutoff).select_for_update(of=("self",)).values_list("pk", flat=True)
        )
        if not claim_ids:
            raise NothingToShare(
                _(
                    "No case to share: no approved claim of %(plan)s was cleared from public "
                    "notice by %(date)s and left unshared. A period without cases is not "
                    "recorded; the next period with a case starts where the last one ended."
                )
                % {"plan": plan.display_name, "date": format_date(cutoff)},
                field="cutoff",
            )
        preview = apportionment_preview(plan=plan, cutoff=cutoff, claim_ids=claim_ids)
        version = plan_terms(plan, cutoff)
        period = ApportionmentPeriod.objects.create(
            plan=plan,
            period_start=preview.period_start,
            cutoff=cutoff,
            status=ApportionmentPeriod.Status.BILLING,
            claim_count=preview.claim_count,
            benefits_total=preview.benefits_total,
            fee_rate=preview.fee_rate,
            fee=preview.fee,
            total=preview.total,
            members_sharing=preview.members_sharing,
            share_per_member=preview.share_per_member,
            extra_cent_members=preview.extra_cent_members,
            annual_cap=preview.annual_cap,
            capped_members=preview.capped_members,
            shares_total=preview.shares_total,
            shortfall=preview.shortfall,
            shortfall_fee_waived=preview.shortfall_fee_waived,
            shortfall_from_surplus=preview.shortfall_from_surplus,
            run_by=actor if getattr(actor, "pk", None) else None,
        )
        Claim.objects.filter(pk__in=claim_ids).update(apportionment_period=period)
        if preview.total <= 0:
            PERIOD.move(period, ApportionmentPeriod.Status.BILLED)
            period.save(update_fields=["status"])
            return share_tree_build(period=period)
        shares_start(period, chunks=preview.chunks, grace_period_days=version.grace_period_days)
        period.refresh_from_db()
        return period


@transaction.atomic
def apportionment_publish(*, period: ApportionmentPeriod | int, actor=None) -> ApportionmentPeriod:
    """Publish a period's summary for the disclosure pages (once; replaying is a no-op),
    with the Merkle root of its shares (built first for a period run before the trees
    existed). Its members are told by a batch run (``apportionment_notify_start``: in
    this transaction when they fit one chunk, else on the workers after the commit).
    Sends ``claims.signals.apportionment_published`` after commit."""
    period_id = period.pk if isinstance(period, ApportionmentPeriod) else period
    period = ApportionmentPeriod.objects.select_for_update().get(pk=period_id)
    if period.published_at:
        return period
    if period.status != ApportionmentPeriod.Status.BILLED:
        raise InvalidInput(
            _(
                "The period of %(plan)s ending on %(date)s is still being billed: its "
                "summary is published once every member's share is written."
            )
            % {"plan": period.plan.display_name, "date": format_date(period.cutoff)}
        )
    if not period.merkle_root:  # a period run before the share trees: back-fill it now
        period = share_tree_build(period=period)
    period.published_at = timezone.now()
    period.save(update_fields=["published_at"])
    apportionment_notify_start(period)
    transaction.on_commit(
        lambda: apportionment_published.send(sender=ApportionmentPeriod, period=period)
    )
    return period


def cutoff_not_run_check(*, plan: Plan, cutoff: dt.date) -> None:
    """Refuse to preview or run, on staff's page, a cut-off whose period was already run:
    ``apportionment_run`` would give back that period (a replay), and cases cleared since
    it ran would look shared in the preview and wait, unsaid, for the next cut-off."""
    period = ApportionmentPeriod.objects.filter(plan=plan, cutoff=cutoff).first()
    if period is not None:
        raise InvalidInput(
            ngettext(
                "The period of %(plan)s ending on %(date)s was already run: it shared "
                "%(n)d case. Cases cleared since then are shared at a later cut-off.",
                "The period of %(plan)s ending on %(date)s was already run: it shared "
                "%(n)d cases. Cases cleared since then are shared at a later cut-off.",
                period.claim_count,
            )
            % {"plan": plan.display_name, "date": format_date(cutoff), "n": period.claim_count},
            field="cutoff",
        )


def final_apportionment_check(plan: Plan) -> None:
    """Refuse a period of a plan in wind-down whose final apportionment is made
    (``services.wind_down``): no period follows the final one."""
    wind_down = plan_wind_down(plan)
    if wind_down is not None and wind_down.final_apportionment_on is not None:
        raise NotAllowed(
            _("%(plan)s had its final apportionment on %(date)s; no period follows it.")
            % {"plan": plan.display_name, "date": format_date(wind_down.final_apportionment_on)},
            field="plan",
        )


def apportionment_days(version: PlanVersion) -> set[int]:
    days = set()
    for part in (version.apportionment_days or "").split(","):
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= 31:
            days.add(int(part))
    return days


def apportionments_run_due(*, today: dt.date | None = None) -> list[int]:
    """Daily: for each mutual aid plan whose apportionment day is today, clear ended notices
    and run the period (idempotent); a plan with no case to share has no period that day.
    A second run the same day resumes a period still billing (its chunks not done are
    sent again) instead of writing anything twice. Returns the periods' ids."""
    today = today or timezone.localdate()
    notices_clear(today=today)
    done = []
    for plan in Plan.objects.filter(kind=Plan.Kind.MUTUAL_AID):
        try:
            version = plan_terms(plan, today)
        except InvalidInput:
            continue
        if today.day in apportionment_days(version):
            try:
                done.append(apportionment_run(plan=plan, cutoff=today).pk)
            except NothingToShare:
                continue  # nothing cleared since the last period: no period today
            except NotAllowed:
                continue  # a plan wound down: its final apportionment was the last
    return done


@dataclass(frozen=True)
class Outlook:
    """The next apportionment of a mutual aid plan as it stands (reads only)."""

    cutoff: dt.date
    preview: Preview
    members_sharing_now: int
    members_at_cap: int


def next_cutoff(version: PlanVersion, as_of: dt.date) -> dt.date:
    """The first apportionment day of ``version`` on or after ``as_of`` (the end of the
    month when the plan names none)."""
    days = sorted(apportionment_days(version))
    day = as_of
    for _step in range(62):
        last = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if day.day in days or (not days and day == last):
            return day
        day += dt.timedelta(days=1)
    return day


def apportionment_outlook(*, plan: Plan, as_of: dt.date) -> Outlook:
    """The next apportionment as ``apportionment_preview`` would compute it at the next
    cut-off if every claim approved and not yet shared — cleared from public notice, or
    still on it or before a review panel — were cleared by then; and how many of the
    coverages sharing on ``as_of`` have reached their annual cap (set-based SQL). Writes
    nothing."""
    version = plan_terms(plan, as_of)
    cutoff = next_cutoff(version, as_of)
    ids = list(
        Claim.objects.filter(
            plan=plan,
            status__in=SHARED_STATUSES,
            notice_status__in=(
                Claim.Notice.CLEARED,
                Claim.Notice.ON_NOTICE,
                Claim.Notice.UNDER_REVIEW,
            ),
            apportionment_period__isnull=True,
        ).values_list("pk", flat=True)
    )
    preview = apportionment_preview(plan=plan, cutoff=cutoff, claim_ids=ids)
    at_cap = 0
    sharing = members_sharing(plan_id=plan.pk, cutoff=as_of)
    if version.annual_cap is not None:
        sharing, at_cap = cap_summary(
            plan_id=plan.pk, cutoff=as_of, cap_cents=int(version.annual_cap / CENT)
        )
    return Outlook(cutoff, preview, sharing, at_cap)
