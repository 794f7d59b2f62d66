"""The figures of an apportionment period and of a quarter's claims statistics, from
claims' selectors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from claims.selectors.statistics import claim_statistics, claim_statistics_by_month

from ...reports import jsonable
from .periods import _label, _local_day


def apportionment_figures(period) -> dict[str, Any]:
    """A published apportionment period as ``apportionment_summaries`` gives it."""
    plan = period.plan
    return jsonable(
        {
            "plan": {"code": plan.code, "name": _label(plan.name, plan.name_en)},
            "period_start": period.period_start,
            "cutoff": period.cutoff,
            "claim_count": period.claim_count,
            "benefits_total": period.benefits_total,
            "fee_rate": period.fee_rate,
            "fee": period.fee,
            "total": period.total,
            "members_sharing": period.members_sharing,
            "share_per_member": period.share_per_member,
            "extra_cent_members": period.extra_cent_members,
            "annual_cap": period.annual_cap,
            "capped_members": period.capped_members,
            "shares_total": period.shares_total,
            "shortfall": period.shortfall,
            "shortfall_fee_waived": period.shortfall_fee_waived,
            "shortfall_from_surplus": period.shortfall_from_surplus,
            # the Merkle root over every member's share (docs/claims.md, "Verifiable
            # apportionment statements"): a member checks their proof against this
            "merkle_root": period.merkle_root,
            "merkle_leaves": period.merkle_leaves,
            "published_on": _local_day(period.published_at),
        }
    )


def claims_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Claims submitted from ``start`` to ``end``: ``claim_statistics`` and the months of
    ``claim_statistics_by_month`` (plans by code)."""
    return jsonable(
        {
            "period": {"start": start, "end": end},
            "statistics": claim_statistics(date_from=start, date_to=end),
            "by_month": [
                {**row, "plan": row.pop("plan__code")}
                for row in claim_statistics_by_month(date_from=start, date_to=end)
            ],
        }
    )
