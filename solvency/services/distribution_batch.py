"""A surplus distribution's run split by member id into chunks run on the workers
(``common.services.batches``; docs/solvency.md, "Distributing surplus", and
docs/scaling.md, "Surplus distribution and triangles across workers").

The first step (``services.distribution.distribution_run``, one transaction) fixes what
every chunk needs so that the cents come out as one pass over everyone gives
(``run_plan``): the members' figures (``SurplusBasis``), the parts and totals of the
allocation, and where each part's remainder cents stop (``distribution_sql.thresholds``,
computed once over the whole membership), and what each chunk must add up to (one
grouped query). Each chunk (``_chunk``, its own transaction) writes the shares of its
member ids, a contribution credit each on the run's entry, and settles their open dues.
The finish (``_finish``, once, when every chunk is in and the totals agree) checks the
shares against the amount, forgets the fixed figures and marks the distribution run:
only then is it credited for the members' pages, the disclosure (``surplus_distributed``)
and publication.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import ContributionDue, PaymentAllocation
from members.services.contributions import dues_settle_from_advance
from members.services.payments import credits_insert
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import BatchChunk, BatchRun
from mutualsociety.common.money import CENT
from mutualsociety.common.services.batches import (
    batch_job_register,
    batch_resume,
    batch_start,
    id_ranges,
)

from ..events import distribution_event
from ..models import MemberSurplusShare, SurplusDistribution
from ..signals import surplus_distributed
from ..transitions import DISTRIBUTION
from . import distribution_sql as sql
from .distribution_allocation import Allocation

KIND = "solvency.surplus_distribution"
S = SurplusDistribution.Status


def run_key(distribution_id: int) -> str:
    return f"{KIND}:{distribution_id}"


@dataclass(frozen=True)
class Plan:
    """What the first step fixes for the chunks."""

    ranges: list[tuple[int, int]]
    chunk_expected: list[dict[str, int]]
    expected: dict[str, int]
    cut: sql.Thresholds
    parts: dict[str, int]

    @property
    def inline(self) -> bool:
        """A run that fits one chunk is done at once, in the first step's transaction."""
        return len(self.ranges) <= 1


def run_plan(row: SurplusDistribution, allocation: Allocation) -> Plan:
    """Fix the run's figures (``surplus_basis`` filled by ``allocate``): where the
    remainder cents stop, the chunks of ``BATCH_CHUNK_SIZE`` member ids and what each
    adds up to, and the members' figures in ``SurplusBasis``. Refused if the chunks would
    not add up to the amount (they always do; this is the check that they do)."""
    parts = allocation.parts
    cut = sql.thresholds(**parts)
    size = int(settings.BATCH_CHUNK_SIZE)
    first, last = sql.basis_id_span()
    ranges = id_ranges(first, last, size)
    figures = sql.chunk_figures(cut=cut, first=first or 0, size=size, **parts)
    chunk_expected = []
    for number in range(len(ranges)):
        members, cents = figures.get(number, (0, 0))
        chunk_expected.append({"members": members, "cents": cents})
    expected = {"members": allocation.members, "cents": int(row.amount / CENT)}
    summed = {
        "members": sum(c["members"] for c in chunk_expected),
        "cents": sum(c["cents"] for c in chunk_expected),
    }
    frozen = sql.basis_freeze(distribution_id=row.pk)
    if summed != expected or frozen != allocation.members:
        raise InvalidInput(
            _("The shares do not add up to the amount (%(total)s); nothing done.")
            % {"total": CENT * summed["cents"]}
        )
    return Plan(ranges, chunk_expected, expected, cut, parts)


def run_start(row: SurplusDistribution, plan: Plan, *, entry_id: int, today: dt.date) -> BatchRun:
    """Start the run's chunks (in the first step's transaction; see the module)."""
    return batch_start(
        kind=KIND,
        key=run_key(row.pk),
        ranges=plan.ranges,
        params={
            "distribution": row.pk,
            "entry": entry_id,
            "received_on": today.isoformat(),
            # Fixed now, in the language of the person who runs it, as in one pass.
            "reference": _("Surplus distribution %(year)s") % {"year": row.year},
            "parts": plan.parts,
            "cut": plan.cut.as_json(),
        },
        expected=plan.expected,
        chunk_expected=plan.chunk_expected,
        inline=plan.inline,
    )


def run_resume(row: SurplusDistribution) -> BatchRun:
    """Send again the chunks not done of a running distribution (a second run)."""
    return batch_resume(BatchRun.objects.get(key=run_key(row.pk)))


def _shares(distribution_id: int, chunk: BatchChunk):
    return MemberSurplusShare.objects.filter(
        distribution_id=distribution_id, member_id__gt=chunk.lo, member_id__lte=chunk.hi
    )


def _chunk(run: BatchRun, chunk: BatchChunk) -> dict[str, int]:
    """The shares, credits and settled dues of the members ``chunk.lo < id <= chunk.hi``."""
    p = run.params
    distribution_id = int(p["distribution"])
    try:
        with transaction.atomic():
            inserted = sql.shares_insert_range(
                distribution_id=distribution_id,
                lo=chunk.lo,
                hi=chunk.hi,
                cut=sql.Thresholds(**p["cut"]),
                **p["parts"],
            )
    except IntegrityError as exc:
        raise InvalidInput(
            _("Shares of this distribution were already written; nothing done.")
        ) from exc
    shares = _shares(distribution_id, chunk)
    written = shares.aggregate(t=Sum("amount"))["t"]
    credits = credits_insert(
        rows_sql=(
            "SELECT member_id, CAST(ROUND(amount * 100) AS BIGINT) AS cents "
            "FROM solvency_membersurplusshare "
            "WHERE distribution_id = %s AND member_id > %s AND member_id <= %s"
        ),
        params=[distribution_id, chunk.lo, chunk.hi],
        received_on=dt.date.fromisoformat(p["received_on"]),
        key_prefix=f"solvency.surplus:{distribution_id}:",
        reference=p["reference"],
        ledger_entry_id=int(p["entry"]),
    )
    if credits != inserted:
        raise InvalidInput(_("Some members were credited already; nothing done."))
    if inserted:
        dues_settle_from_advance(
            dues=ContributionDue.objects.filter(member_id__in=shares.values("member_id"))
        )
    return {"members": inserted, "cents": int((written or 0) / CENT)}


def _finish(run: BatchRun, totals: dict[str, int]) -> dict[str, Any]:
    """Every chunk is in and the totals agree: check the shares against the amount and
    mark the distribution run (then, after the commit, ``surplus_distributed``)."""
    row = SurplusDistribution.objects.select_for_update().get(pk=run.params["distribution"])
    written = MemberSurplusShare.objects.filter(distribution=row).aggregate(
        n=Count("id"), t=Sum("amount")
    )
    if written["n"] != run.expected.get("members") or written["t"] != row.amount:
        raise InvalidInput(
            _("The shares do not add up to the amount (%(total)s); nothing done.")
            % {"total": written["t"]}
        )
    # The dues the credits settled, in every chunk.
    settled = (
        PaymentAllocation.objects.filter(payment__ledger_entry_id=row.ledger_entry_id)
        .values("due_id")
        .distinct()
        .count()
    )
    sql.basis_forget(distribution_id=row.pk)
    old = DISTRIBUTION.move(row, S.RUN)
    row.workings = {**row.workings, "dues_settled": settled}
    row.members_count, row.shares_total = written["n"], written["t"]
    row.run_at = timezone.now()
    row.save()
    distribution_event(
        distribution=row,
        type="run",
        actor=row.run_by,
        old_value=old,
        new_value=S.RUN,
        data={"members": written["n"], "total": str(written["t"]), "entry": row.ledger_entry_id},
    )
    transaction.on_commit(
        lambda: surplus_distributed.send(sender=SurplusDistribution, distribution=row)
    )
    return {"members": written["n"], "total": str(written["t"])}


batch_job_register(KIND, chunk=_chunk, finish=_finish)
