"""Writing a period's shares as a batch run (``mutualsociety.common.services.batches``).

``apportionment.apportionment_run`` fixes the period and its figures, then calls
``shares_start``: the shares are written in chunks of coverage ids (``BATCH_CHUNK_SIZE``
wide), each chunk one ``INSERT ... SELECT`` in its own transaction on whichever worker
takes it, and the finish posts the period's one ledger entry, builds the Merkle root and
marks the period billed. A period whose members fit one chunk is written inline, in the
run's own transaction. docs/scaling.md, "Apportionment across workers", has the numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from ledger.chart import CONTRIBUTION_INCOME, FEE_INCOME, RECEIVABLE, SURPLUS
from ledger.services import Credit, Debit, entry_post
from members.models import ContributionDue
from members.services.contributions import dues_settle_from_advance
from mutualsociety.common.models import BatchChunk, BatchRun
from mutualsociety.common.money import CENT
from mutualsociety.common.services.batches import batch_job_register, batch_resume, batch_start

from ..models import ApportionmentPeriod
from ..transitions import PERIOD
from .apportionment_sql import SharesChunk, shares_insert
from .share_tree import share_tree_build

#: The batch job that writes a period's shares.
BATCH_KIND = "claims.apportionment"


def _run_key(plan_id: int, cutoff: dt.date) -> str:
    return f"{BATCH_KIND}:{plan_id}:{cutoff.isoformat()}"


def shares_start(
    period: ApportionmentPeriod, *, chunks: Sequence[SharesChunk], grace_period_days: int
) -> BatchRun:
    """Start writing the period's shares as a batch run over ranges of coverage ids,
    ``BATCH_CHUNK_SIZE`` wide. What each chunk must write (dues, cents) was fixed by the
    preview's one grouped aggregate over the sharing coverages (``chunks``), with the
    place of the extra cents: the id of the last coverage paying one (the k-th by
    coverage id of the whole plan), so that a chunk places them as a run over the whole
    plan would. A chunk finding other totals (a coverage changed meanwhile) is refused
    and the run waits, unpublished."""
    size = settings.BATCH_CHUNK_SIZE
    base_cents = int(period.share_per_member / CENT)
    cap_cents = int(period.annual_cap / CENT) if period.annual_cap is not None else None
    cents = int(period.shares_total / CENT)
    dues = sum(c.dues for c in chunks)
    if not dues:  # no member sharing, or every share capped to nothing: no chunk to write
        chunks = []
    last_extra_id = max((c.last_extra_id for c in chunks), default=0)
    inline = period.members_sharing <= size or len(chunks) <= 1
    if not chunks:
        ranges, chunk_expected = [(0, 0)], [{"dues": 0, "cents": 0}]
    elif inline:
        ranges = [(chunks[0].chunk * size, (chunks[-1].chunk + 1) * size)]
        chunk_expected = [{"dues": dues, "cents": cents}]
    else:
        ranges = [(c.chunk * size, (c.chunk + 1) * size) for c in chunks]
        chunk_expected = [{"dues": c.dues, "cents": c.cents} for c in chunks]
    return batch_start(
        kind=BATCH_KIND,
        key=_run_key(period.plan_id, period.cutoff),
        ranges=ranges,
        params={
            "period": period.pk,
            "plan": period.plan_id,
            "period_start": period.period_start.isoformat(),
            "cutoff": period.cutoff.isoformat(),
            "grace_ends_on": (period.cutoff + dt.timedelta(days=grace_period_days)).isoformat(),
            "base_cents": base_cents,
            "last_extra_id": last_extra_id,
            "cap_cents": cap_cents,
            "actor": period.run_by_id,
        },
        expected={"dues": dues, "cents": cents},
        chunk_expected=chunk_expected,
        inline=inline or not chunks,
    )


def _shares_chunk(run: BatchRun, chunk: BatchChunk) -> dict[str, int]:
    """One chunk of a period's shares: every share above zero of the coverages
    ``lo < id <= hi`` as a due, in one INSERT ... SELECT (due on the cut-off with the
    plan's grace period). A share due carries no ledger entry of its own: the period's
    one entry (``ApportionmentPeriod.ledger_entry``, posted by ``_shares_finish``) posts
    them all, and a per-row link would cost a foreign-key check per member for nothing
    (and invite reversing the whole period's entry to cancel one share). The chunk's
    members who paid ahead have their share settled from that money at once, as a premium
    would be (only their dues are read; see the service). Returns (dues, cents)."""
    params = run.params
    period_start = dt.date.fromisoformat(params["period_start"])
    cutoff = dt.date.fromisoformat(params["cutoff"])
    rows, cents = shares_insert(
        plan_id=params["plan"],
        cutoff=cutoff,
        ids=(chunk.lo, chunk.hi),
        period_start=period_start,
        due_date=cutoff,
        grace_ends_on=dt.date.fromisoformat(params["grace_ends_on"]),
        base_cents=params["base_cents"],
        last_extra_id=params["last_extra_id"],
        cap_cents=params["cap_cents"],
    )
    if rows:
        dues_settle_from_advance(
            dues=ContributionDue.objects.filter(
                coverage__plan_id=params["plan"],
                coverage_id__gt=chunk.lo,
                coverage_id__lte=chunk.hi,
                kind=ContributionDue.Kind.SHARE,
                period_start=period_start,
                period_end=cutoff,
            )
        )
    return {"dues": rows, "cents": cents}


def _shares_finish(run: BatchRun, totals: dict[str, int]) -> dict:
    """Every chunk is in and the totals are those fixed at the start: post the period's
    one ledger entry (Dr 1122 shares, Dr 4104 from surplus / Cr 6031 benefits, Cr 6051
    fee kept), build the Merkle root of the shares as billed (docs/claims.md, "Verifiable
    apportionment statements") and mark the period billed; only now may it be published."""
    period = (
        ApportionmentPeriod.objects.select_for_update()
        .select_related("plan")
        .get(pk=run.params["period"])
    )
    if period.status == ApportionmentPeriod.Status.BILLED:
        return {"period": period.pk, "merkle_root": period.merkle_root}
    actor_id = run.params.get("actor")
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    lines = []
    if period.shares_total:
        lines.append(Debit(RECEIVABLE, period.shares_total))
    if period.shortfall_from_surplus:
        lines.append(Debit(SURPLUS, period.shortfall_from_surplus))
    if period.benefits_total:
        lines.append(Credit(CONTRIBUTION_INCOME, period.benefits_total))
    if period.fee - period.shortfall_fee_waived:
        lines.append(Credit(FEE_INCOME, period.fee - period.shortfall_fee_waived))
    entry = entry_post(
        idempotency_key=f"claims.apportionment:{period.plan_id}:{period.cutoff.isoformat()}",
        date=period.cutoff,
        memo=_("Apportionment %(plan)s %(start)s–%(end)s: %(n)d cases, %(members)d members")
        % {
            "plan": period.plan.code,
            "start": period.period_start.isoformat(),
            "end": period.cutoff.isoformat(),
            "n": period.claim_count,
            "members": period.members_sharing,
        },
        lines=lines,
        source_type="claims.apportionment",
        source_id=period.pk,
        actor=actor,
    )
    period.ledger_entry = entry
    PERIOD.move(period, ApportionmentPeriod.Status.BILLED)
    period.save(update_fields=["ledger_entry", "status"])
    period = share_tree_build(period=period)
    return {"period": period.pk, "merkle_root": period.merkle_root}


batch_job_register(BATCH_KIND, chunk=_shares_chunk, finish=_shares_finish)


def apportionment_resume(period: ApportionmentPeriod | int) -> BatchRun | None:
    """Send again what is not done of a period still billing: its failed chunks (after
    the cause was put right) and its pending ones; done chunks are never written twice.
    None when the period has no run (billed in one transaction)."""
    period_id = period.pk if isinstance(period, ApportionmentPeriod) else period
    found = ApportionmentPeriod.objects.filter(pk=period_id).values("plan_id", "cutoff").get()
    run = BatchRun.objects.filter(key=_run_key(found["plan_id"], found["cutoff"])).first()
    if run is None or run.status == BatchRun.Status.COMPLETE:
        return run
    return batch_resume(run)
