"""The share tree's pure functions and the stand-alone verifier agree, for every leaf of
trees of awkward sizes (docs/claims.md, "Verifiable apportionment statements")."""

import hashlib
import hmac
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from claims import merkle

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_share_proof.py"


def _verifier():
    spec = importlib.util.spec_from_file_location("verify_share_proof", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


verifier = _verifier()


def _leaves(n: int, period: int = 7) -> list[tuple[str, int, bytes]]:
    rows = []
    for i in range(n):
        key = hashlib.sha256(f"key {i}".encode()).hexdigest()
        cents = 15428 + i % 3
        rows.append((key, cents, merkle.leaf_hash(period, key, cents)))
    return sorted(rows)


def _proof(rows, index: int, period: int = 7, levels=None) -> dict:
    levels = levels or merkle.tree_levels([leaf for _k, _c, leaf in rows])
    key, cents, _leaf = rows[index]
    return {
        "period": period,
        "member_key": key,
        "share_cents": cents,
        "leaf_index": index,
        "leaf_count": len(rows),
        "path": [
            {"side": side, "hash": h.hex()} for side, h in merkle.inclusion_path(levels, index)
        ],
        "root": levels[-1][0].hex(),
    }


def test_leaf_and_node_hashes_are_as_documented():
    """leaf = SHA-256(0x00 || "period|key|cents"), node = SHA-256(0x01 || left || right)."""
    key = "ab" * 32
    assert (
        merkle.leaf_hash(3, key, 15429)
        == hashlib.sha256(b"\x00" + f"3|{key}|15429".encode()).digest()
    )
    left, right = b"L" * 32, b"R" * 32
    assert merkle.node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 1024, 1025])
def test_every_leaf_of_every_size_verifies(size):
    """For each leaf, the path leads to the root, in the library and in the script."""
    rows = _leaves(size)
    levels = merkle.tree_levels([leaf for _k, _c, leaf in rows])
    root = levels[-1][0]
    for index in range(size):
        proof = _proof(rows, index, levels=levels)
        path = [(p["side"], bytes.fromhex(p["hash"])) for p in proof["path"]]
        assert merkle.root_from_path(rows[index][2], index, size, path) == root
        assert verifier.verify(proof) == root.hex()


@pytest.mark.parametrize("size", range(1, 70))
def test_the_root_is_rfc_6962s_merkle_tree_hash(size):
    """Promoting a lone node level by level builds RFC 6962's tree (split at the largest
    power of two), so any RFC 6962 implementation computes the same root."""
    leaves = [leaf for _k, _c, leaf in _leaves(size)]
    assert merkle.tree_root(leaves) == merkle.rfc6962_root(leaves)


def test_a_lone_node_is_promoted_not_duplicated():
    """Three leaves: the third goes up unchanged; [a, b, c] and [a, b, c, c] differ
    (duplicating it would give them one root: CVE-2012-2459)."""
    a, b, c = (hashlib.sha256(x).digest() for x in (b"a", b"b", b"c"))
    assert merkle.tree_root([a, b, c]) == merkle.node_hash(merkle.node_hash(a, b), c)
    assert merkle.tree_root([a, b, c]) != merkle.tree_root([a, b, c, c])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"share_cents": 15430}, "not to the root"),
        ({"member_key": "00" * 32}, "not to the root"),
        ({"leaf_index": 3}, "step"),
        ({"leaf_count": 4}, "path has"),
        ({"period": 8}, "not to the root"),
        ({"leaf_index": 5}, "outside"),
        ({"root": "zz"}, "root is not"),
    ],
)
def test_a_changed_proof_fails_with_the_reason(change, reason):
    rows = _leaves(5)
    proof = _proof(rows, 2) | change
    with pytest.raises(verifier.ProofError, match=reason):
        verifier.verify(proof)


def test_a_changed_sibling_hash_fails():
    rows = _leaves(5)
    proof = _proof(rows, 2)
    proof["path"][0]["hash"] = "00" * 32
    with pytest.raises(verifier.ProofError, match="not to the root"):
        verifier.verify(proof)


def test_a_missing_member_changes_the_root_so_old_proofs_fail():
    """Leaving one member out gives another root: every proof of the full tree fails
    against it."""
    rows = _leaves(6)
    smaller = rows[:3] + rows[4:]
    new_root = merkle.tree_root([leaf for _k, _c, leaf in smaller]).hex()
    for index in range(len(rows)):
        with pytest.raises(verifier.ProofError):
            verifier.verify(_proof(rows, index), new_root)


def test_the_member_key_is_hmac_sha256_and_the_pads_make_it():
    """member_key is HMAC-SHA256(secret, "period|member"); the pads give the same HMAC
    with two plain SHA-256 calls, as the SQL computes it."""
    secret = b"s" * 32
    expected = hmac.new(secret, b"12|345", hashlib.sha256).digest()
    assert merkle.member_key(secret, 12, 345) == expected
    ipad, opad = merkle.hmac_pads(secret)
    inner = hashlib.sha256(ipad + b"12|345").digest()
    assert hashlib.sha256(opad + inner).digest() == expected
    assert merkle.member_key(secret, 13, 345) != expected  # another period, another key


def test_path_sides_reject_an_index_outside_the_tree():
    with pytest.raises(ValueError, match="outside"):
        merkle.path_sides(3, 3)
    with pytest.raises(ValueError, match="at least one leaf"):
        merkle.tree_levels([])


def test_the_documented_example_verifies_and_a_changed_share_fails():
    """docs/examples/share-proof.json, run through the script as docs/claims.md shows."""
    example = SCRIPT.parents[1] / "docs" / "examples" / "share-proof.json"
    ok = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), str(example)], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0 and ok.stdout.startswith("OK: share 154.28 of period 12")
    proof = json.loads(example.read_text())
    proof["share_cents"], proof["leaf"] = 15429, proof["leaf"].replace("|15428", "|15429")
    bad = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), "-"],
        input=json.dumps(proof),
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and bad.stdout.startswith("FAIL: the path leads to")
