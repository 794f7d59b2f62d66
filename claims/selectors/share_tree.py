"""A member's inclusion proof of their share in a published apportionment period, and
the periods they can prove (docs/claims.md, "Verifiable apportionment statements").

Domain authorization lives here: a member gets a proof only for their own share of a
published period; any other period answers ``NotFound`` as if it did not exist. The proof
holds the member's pseudonymous key, never their id, and the sibling hashes, which say
nothing about other members' shares without their keys.
"""

from __future__ import annotations

from typing import Any

from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from members.models import ContributionDue, Member
from mutualsociety.common.exceptions import InvalidInput, NotFound
from mutualsociety.common.money import CENT, quantize_money

from ..merkle import inclusion_path, leaf_hash, member_key, tree_levels
from ..models import ApportionmentPeriod, ShareTreeNode
from ..services.share_tree import share_key_secret

PROOF_FORMAT = "mutualsociety-share-proof/1"


def _member_shares(member: Member):
    return ContributionDue.objects.filter(member=member, kind=ContributionDue.Kind.SHARE)


def share_periods_for_member(member: Member) -> QuerySet[ApportionmentPeriod]:
    """The published periods with a Merkle root in which ``member`` owed a share, newest
    first, each with ``member_share`` (the member's share in the period)."""
    dues = _member_shares(member).filter(
        coverage__plan=OuterRef("plan"),
        period_start=OuterRef("period_start"),
        period_end=OuterRef("cutoff"),
    )
    share = dues.order_by().values("member").annotate(total=Sum("amount")).values("total")[:1]
    return (
        ApportionmentPeriod.objects.filter(Exists(dues), published_at__isnull=False)
        .exclude(merkle_root="")
        .annotate(member_share=Subquery(share, output_field=DecimalField(decimal_places=2)))
        .select_related("plan")
        .order_by("-cutoff", "-pk")
    )


def _levels_above(count: int, block_level: int) -> list[int]:
    """How many nodes each level from ``block_level`` to the root has."""
    widths = []
    level, width = 0, count
    while True:
        if level >= block_level:
            widths.append(width)
        if width == 1:
            return widths
        level, width = level + 1, (width + 1) // 2


def share_proof(*, member: Member, period: ApportionmentPeriod | int) -> dict[str, Any]:
    """The inclusion proof of ``member``'s share in ``period`` as JSON-ready data: the
    leaf (period, member key, share in cents), its index and the leaf count, the sibling
    path with sides, the root and the period's totals. ``NotFound`` unless the period is
    published and the member owed a share in it.

    The member's block (at most 2^``merkle_block_level`` leaves) is recomputed from the
    shares of its members (ids stored with the block); the stored block hash must match,
    so a share changed after the run cannot yield a proof ("the shares no longer match
    the published root")."""
    period_id = period.pk if isinstance(period, ApportionmentPeriod) else period
    found = (
        ApportionmentPeriod.objects.filter(pk=period_id, published_at__isnull=False)
        .exclude(merkle_root="")
        .select_related("plan")
        .first()
    )
    if found is None:
        raise NotFound(_("No published apportionment period with this number."))
    period = found
    share = (
        _member_shares(member)
        .filter(
            coverage__plan_id=period.plan_id,
            period_start=period.period_start,
            period_end=period.cutoff,
        )
        .aggregate(total=Sum("amount"))["total"]
    )
    if share is None or not period.merkle_leaves or period.merkle_block_level is None:
        raise NotFound(_("You had no share in this apportionment period."))
    share = quantize_money(share)
    cents = int(share / CENT)
    secret = share_key_secret()
    key = member_key(secret, period.pk, member.pk)
    level = period.merkle_block_level
    block = (
        ShareTreeNode.objects.filter(period=period, level=level, first_key__lte=key)
        .order_by("-position")
        .values_list("position", "hash", "block_members")
        .first()
    )
    if block is None:
        raise InvalidInput(_("The shares no longer match the published root."))
    position, block_hash = block[0], bytes(block[1])
    ids = [int(part) for part in block[2].split(",") if part]
    if member.pk not in ids:
        raise InvalidInput(_("The shares no longer match the published root."))
    leaves = _block_leaves(period, ids, secret)
    keys = [k for k, _cents in leaves]
    if len(leaves) != len(ids) or key not in keys:
        raise InvalidInput(_("The shares no longer match the published root."))
    local = keys.index(key)
    if leaves[local][1] != cents:
        raise InvalidInput(_("The shares no longer match the published root."))
    levels = tree_levels([leaf_hash(period.pk, k.hex(), c) for k, c in leaves])
    if levels[-1][0] != block_hash:
        raise InvalidInput(_("The shares no longer match the published root."))
    path = [{"side": side, "hash": h.hex()} for side, h in inclusion_path(levels, local)]
    path += _upper_path(period, level, position)
    index = position * 2**level + local
    return {
        "format": PROOF_FORMAT,
        "period": period.pk,
        "plan": period.plan.code,
        "period_start": period.period_start.isoformat(),
        "cutoff": period.cutoff.isoformat(),
        "member_key": key.hex(),
        "share_cents": cents,
        "share": str(share),
        "leaf": f"{period.pk}|{key.hex()}|{cents}",
        "leaf_index": index,
        "leaf_count": period.merkle_leaves,
        "path": path,
        "root": period.merkle_root,
        "totals": {
            "claim_count": period.claim_count,
            "benefits_total": str(period.benefits_total),
            "fee": str(period.fee),
            "total": str(period.total),
            "members_sharing": period.members_sharing,
            "shares_total": str(period.shares_total),
            "shortfall": str(period.shortfall),
        },
        "published_at": period.published_at.isoformat() if period.published_at else None,
    }


def _block_leaves(
    period: ApportionmentPeriod, member_ids: list[int], secret: bytes
) -> list[tuple[bytes, int]]:
    """The (key, cents) of one block's leaves in key order, from the shares of its members
    alone (one query by the dues' member index; at most 2^``merkle_block_level`` rows)."""
    rows = (
        ContributionDue.objects.filter(
            member_id__in=member_ids,
            kind=ContributionDue.Kind.SHARE,
            coverage__plan_id=period.plan_id,
            period_start=period.period_start,
            period_end=period.cutoff,
        )
        .order_by()
        .values("member_id")
        .annotate(total=Sum("amount"))
        .values_list("member_id", "total")
    )
    return sorted(
        (member_key(secret, period.pk, member_id), int(quantize_money(total) / CENT))
        for member_id, total in rows
    )


def _upper_path(period: ApportionmentPeriod, block_level: int, position: int) -> list[dict]:
    """The siblings from the block's node up to the root, from the stored levels (one
    query); a level where the node is promoted alone adds none."""
    wanted = []
    widths = _levels_above(period.merkle_leaves or 0, block_level)
    for offset, width in enumerate(widths[:-1]):
        sibling = position ^ 1
        if sibling < width:
            side = "left" if sibling < position else "right"
            wanted.append((block_level + offset, sibling, side))
        position //= 2
    if not wanted:
        return []
    match = Q()
    for lvl, pos, _side in wanted:
        match |= Q(level=lvl, position=pos)
    hashes = {
        (lvl, pos): bytes(h)
        for lvl, pos, h in ShareTreeNode.objects.filter(match, period=period).values_list(
            "level", "position", "hash"
        )
    }
    return [{"side": side, "hash": hashes[(lvl, pos)].hex()} for lvl, pos, side in wanted]
