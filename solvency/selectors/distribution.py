"""What a member sees of surplus distributions: only their own shares, of distributions
credited, each with how it was computed (``solvency.views.SurplusShareListView``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mutualsociety.common.money import ZERO

from ..models import MemberSurplusShare, SurplusDistribution

CREDITED = (SurplusDistribution.Status.RUN, SurplusDistribution.Status.PUBLISHED)


@dataclass(frozen=True)
class ShareExplained:
    """A member's share with the figures it came from: the part of the amount shared by
    contributions and by membership, the member's figure and everyone's total for each."""

    share: MemberSurplusShare
    distribution: SurplusDistribution
    by_contributions: Decimal
    contributions_total: Decimal
    by_membership: Decimal
    membership_days_total: int
    members: int

    @property
    def contributions_percent(self) -> str:
        """The weight as people read it: 0.700000 → "70"."""
        return _percent(self.distribution.contributions_weight)

    @property
    def membership_percent(self) -> str:
        return _percent(1 - self.distribution.contributions_weight)

    @property
    def membership_years(self) -> Decimal:
        """Days as years (the page shows two decimals)."""
        return Decimal(self.share.membership_days) / Decimal("365.25")


def _percent(weight: Decimal) -> str:
    text = f"{weight * 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def surplus_shares_for_member(member) -> list[ShareExplained]:
    """The member's shares of credited distributions, newest first (one query)."""
    shares = (
        MemberSurplusShare.objects.filter(member=member, distribution__status__in=CREDITED)
        .select_related("distribution")
        .order_by("-distribution__year", "-distribution_id")
    )
    out = []
    for share in shares:
        d = share.distribution
        allocation = (d.workings or {}).get("allocation") or {}
        out.append(
            ShareExplained(
                share=share,
                distribution=d,
                by_contributions=Decimal(allocation.get("by_contributions") or ZERO),
                contributions_total=Decimal(allocation.get("contributions_total") or ZERO),
                by_membership=Decimal(allocation.get("by_membership") or ZERO),
                membership_days_total=int(allocation.get("membership_days_total") or 0),
                members=d.members_count or 0,
            )
        )
    return out
