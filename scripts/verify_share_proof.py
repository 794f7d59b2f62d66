#!/usr/bin/env python3
"""Check a MutualSociety apportionment share proof against the period's published root.

    python3 verify_share_proof.py proof.json
    python3 verify_share_proof.py - < proof.json
    python3 verify_share_proof.py proof.json --root <the root published for the period>

Python 3.10+, standard library only; copy this file anywhere. It follows the algorithm in
docs/claims.md, "Verifiable apportionment statements":

    leaf = SHA-256(0x00 || UTF-8("<period>|<member key hex>|<share in cents>"))
    node = SHA-256(0x01 || left || right)

and walks the path from the leaf to the root: at each level where the node has a sibling
(its index is odd: the sibling is on the left; even and not last: on the right; the last
node of a level with an odd count has none and goes up unchanged), it hashes the pair. The
proof's sides must be the ones the leaf index and leaf count imply. Prints OK or FAIL with
the reason; exit status 0 when the proof holds, 1 when it does not.

Compare the root with the one published on the society's disclosure pages (``--root``):
a proof only shows that the share is in the tree whose root it names.
"""

import argparse
import hashlib
import json
import sys


class ProofError(Exception):
    pass


def leaf_hash(period, member_key_hex, share_cents):
    text = f"{period}|{member_key_hex}|{share_cents}"
    return hashlib.sha256(b"\x00" + text.encode("utf-8")).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def expected_sides(index, count):
    sides = []
    while count > 1:
        if index % 2 == 1:
            sides.append("left")
        elif index + 1 < count:
            sides.append("right")
        index //= 2
        count = (count + 1) // 2
    return sides


def _hex32(value, what):
    if not isinstance(value, str) or len(value) != 64:
        raise ProofError(f"{what} is not 64 hexadecimal digits")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise ProofError(f"{what} is not 64 hexadecimal digits") from None


def _int(proof, name):
    value = proof.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"{name} is missing or not a whole number")
    return value


def verify(proof, published_root=None):
    """The root the proof leads to, checked; raises ProofError with the reason."""
    if not isinstance(proof, dict):
        raise ProofError("the proof is not a JSON object")
    period = _int(proof, "period")
    cents = _int(proof, "share_cents")
    index = _int(proof, "leaf_index")
    count = _int(proof, "leaf_count")
    key = proof.get("member_key")
    _hex32(key, "member_key")
    if key != key.lower():
        raise ProofError("member_key must be lower-case hex")
    root = _hex32(proof.get("root"), "root")
    if index >= count:
        raise ProofError(f"leaf_index {index} is outside a tree of {count} leaves")
    if "leaf" in proof and proof["leaf"] != f"{period}|{key}|{cents}":
        raise ProofError("the leaf text does not match period, member_key and share_cents")
    path = proof.get("path")
    if not isinstance(path, list):
        raise ProofError("path is missing")
    sides = expected_sides(index, count)
    if len(path) != len(sides):
        raise ProofError(
            f"the path has {len(path)} steps; leaf {index} of {count} needs {len(sides)}"
        )
    node = leaf_hash(period, key, cents)
    for step, (entry, side) in enumerate(zip(path, sides, strict=False)):
        if not isinstance(entry, dict) or entry.get("side") != side:
            raise ProofError(f"step {step} of the path should have its sibling on the {side}")
        sibling = _hex32(entry.get("hash"), f"the hash of step {step}")
        node = node_hash(sibling, node) if side == "left" else node_hash(node, sibling)
    if node != root:
        raise ProofError(
            f"the path leads to {node.hex()}, not to the root {root.hex()}: the share, the "
            "key or the path was changed, or the member is not in this tree"
        )
    if published_root is not None and published_root.lower() != root.hex():
        raise ProofError(
            f"the proof's root {root.hex()} is not the published root {published_root}"
        )
    return root.hex()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("proof", help="the proof JSON file, or - for standard input")
    parser.add_argument("--root", help="the root published for the period, to compare")
    args = parser.parse_args(argv)
    try:
        if args.proof == "-":
            proof = json.load(sys.stdin)
        else:
            with open(args.proof, encoding="utf-8") as handle:
                proof = json.load(handle)
        root = verify(proof, args.root)
    except (OSError, ValueError, ProofError) as exc:
        print(f"FAIL: {exc}")
        return 1
    yuan, cents = divmod(proof["share_cents"], 100)
    print(
        f"OK: share {yuan}.{cents:02d} of period {proof['period']} (leaf "
        f"{proof['leaf_index']} of {proof['leaf_count']}) is in the tree with root {root}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
