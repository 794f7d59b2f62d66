"""The Merkle tree of an apportionment period's shares: pure functions, no ORM.

The algorithm is stated in docs/claims.md, "Verifiable apportionment statements", and
``scripts/verify_share_proof.py`` implements it again with the standard library alone; the
SQL in ``services.share_tree`` builds the same tree over all members of a period.

- leaf = SHA-256(0x00 || UTF-8 of "<period id>|<member key hex>|<share in cents>");
- node = SHA-256(0x01 || left || right) (domain-separated as in RFC 6962, so that a leaf can
  never pass for a node);
- levels are built bottom-up; a lone node at the end of a level is promoted unchanged (never
  paired with itself, which would let two different leaf lists share a root:
  CVE-2012-2459). The root equals RFC 6962's Merkle Tree Hash of the same leaves.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
LEFT = "left"
RIGHT = "right"


def leaf_text(period_id: int, member_key_hex: str, share_cents: int) -> str:
    return f"{period_id}|{member_key_hex}|{share_cents}"


def leaf_hash(period_id: int, member_key_hex: str, share_cents: int) -> bytes:
    text = leaf_text(period_id, member_key_hex, share_cents)
    return hashlib.sha256(LEAF_PREFIX + text.encode()).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def member_key(secret: bytes, period_id: int, member_id: int) -> bytes:
    """HMAC-SHA256(secret, "<period id>|<member id>"): the member's pseudonym in one
    period (different in every period; nothing about the member without the secret)."""
    message = f"{period_id}|{member_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).digest()


def hmac_pads(secret: bytes) -> tuple[bytes, bytes]:
    """(K ^ ipad, K ^ opad) of RFC 2104 for SHA-256, so that SQL computes the HMAC as
    sha256(opad_key || sha256(ipad_key || message)) with two plain ``sha256`` calls."""
    if len(secret) > 64:
        secret = hashlib.sha256(secret).digest()
    key = secret.ljust(64, b"\x00")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def tree_levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    """Every level, leaves first and the root last (one node); no level for no leaf."""
    if not leaves:
        raise ValueError("a tree needs at least one leaf")
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        below = levels[-1]
        level = [
            node_hash(below[i], below[i + 1]) if i + 1 < len(below) else below[i]
            for i in range(0, len(below), 2)
        ]
        levels.append(level)
    return levels


def tree_root(leaves: Sequence[bytes]) -> bytes:
    return tree_levels(leaves)[-1][0]


def inclusion_path(levels: Sequence[Sequence[bytes]], index: int) -> list[tuple[str, bytes]]:
    """The siblings from the leaf at ``index`` up to the top of ``levels``, each with the
    side it stands on; a level where the node is promoted alone has no entry."""
    path = []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append((LEFT if sibling < index else RIGHT, level[sibling]))
        index //= 2
    return path


def path_sides(index: int, count: int) -> list[str]:
    """The sides of the siblings a proof for leaf ``index`` of ``count`` leaves must hold,
    bottom up (they follow from the position alone)."""
    if not 0 <= index < count:
        raise ValueError("the leaf index is outside the tree")
    sides = []
    while count > 1:
        if index % 2 == 1:
            sides.append(LEFT)
        elif index + 1 < count:
            sides.append(RIGHT)
        index //= 2
        count = (count + 1) // 2
    return sides


def root_from_path(leaf: bytes, index: int, count: int, path: Sequence[tuple[str, bytes]]) -> bytes:
    """The root that ``path`` proves for ``leaf`` at ``index`` of ``count`` leaves;
    ``ValueError`` when the path does not have the shape that position implies."""
    sides = path_sides(index, count)
    if [side for side, _hash in path] != sides:
        raise ValueError("the path does not fit the leaf's position in the tree")
    node = leaf
    for side, sibling in path:
        node = node_hash(sibling, node) if side == LEFT else node_hash(node, sibling)
    return node


def rfc6962_root(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962's Merkle Tree Hash over already-hashed leaves (split at the largest power
    of two below n); only to show in the tests that ``tree_root`` is the same tree."""
    n = len(leaves)
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(rfc6962_root(leaves[:k]), rfc6962_root(leaves[k:]))
