"""The Merkle tree of an apportionment period's shares, built in SQL, and a member's
inclusion proof (docs/claims.md, "Verifiable apportionment statements")."""

import datetime as dt
import hashlib
import json
import subprocess
import sys
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from claims import merkle
from claims.models import ApportionmentPeriod, Claim, ShareTreeNode
from claims.selectors import apportionment_summaries, share_periods_for_member, share_proof
from claims.services import share_tree
from claims.services.apportionment import apportionment_publish, apportionment_run
from claims.services.notice import notices_clear
from claims.services.share_tree import share_key_secret, share_tree_build, share_trees_build
from members.models import ContributionDue
from mutualsociety.common.exceptions import InvalidInput, NotFound
from tests.claims.factories import claim_approved, covered_member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "verify_share_proof.py"


@pytest.fixture
def shared(aid, handler, approver, chart_of_accounts):
    """Seven members share 1,080.00 (three pay 154.28, four 154.29), one still waits;
    the period is run and published."""
    sharing = [covered_member(aid) for _ in range(6)]
    waiting = covered_member(aid, days_ago=10)
    claimant = covered_member(aid)
    sharing.append(claimant)
    claims = [
        claim_approved(claimant, handler, approver, amount="600.00"),
        claim_approved(claimant, handler, approver, amount="400.00", kind="accident"),
    ]
    notices_clear(today=claims[0].notice_until + dt.timedelta(days=1))
    Claim.objects.update(cleared_on=TODAY())
    period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    period = apportionment_publish(period=period)
    return sharing, waiting, period


def verify(proof: dict, *args: str) -> subprocess.CompletedProcess:
    """The shipped verifier, run as a member would run it (proof on standard input)."""
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), "-", *args],
        input=json.dumps(proof),
        capture_output=True,
        text=True,
        check=False,
    )


def python_tree(period: ApportionmentPeriod) -> list[list[bytes]]:
    """The reference tree over the period's shares, computed in Python from the dues."""
    secret = share_key_secret()
    cents: dict[int, int] = {}
    for due in ContributionDue.objects.filter(
        kind="share", coverage__plan_id=period.plan_id, period_end=period.cutoff
    ):
        cents[due.member_id] = cents.get(due.member_id, 0) + int(due.amount * 100)
    rows = sorted(
        (merkle.member_key(secret, period.pk, member_id), c) for member_id, c in cents.items()
    )
    return merkle.tree_levels([merkle.leaf_hash(period.pk, k.hex(), c) for k, c in rows])


def test_the_run_puts_the_root_of_every_share_on_the_period(shared):
    """The run builds the tree in its transaction: seven leaves (the waiting member has
    no share), the root equal to the Python reference tree over the same shares."""
    _sharing, _waiting, period = shared
    assert period.merkle_leaves == 7
    assert period.merkle_root == python_tree(period)[-1][0].hex()
    # Seven leaves are one block: only the root is stored.
    assert list(ShareTreeNode.objects.filter(period=period).values_list("level", "position")) == [
        (3, 0)
    ]


@pytest.mark.parametrize("block_level", [0, 1, 2])
def test_sql_tree_equals_the_python_tree_at_every_stored_level(
    aid, handler, approver, chart_of_accounts, monkeypatch, block_level
):
    """With small blocks the stored levels are many: each stored node is the reference
    tree's node, and every member's proof (block recomputed, upper path from the stored
    nodes) verifies."""
    monkeypatch.setattr(share_tree, "BLOCK_LEVEL", block_level)
    members = [covered_member(aid) for _ in range(7)]
    claim = claim_approved(members[0], handler, approver, amount="1000.00")
    notices_clear(today=claim.notice_until + dt.timedelta(days=1))
    Claim.objects.update(cleared_on=TODAY())
    period = apportionment_publish(period=apportionment_run(plan=aid.plan, cutoff=TODAY()))
    levels = python_tree(period)
    stored = ShareTreeNode.objects.filter(period=period)
    assert period.merkle_block_level == block_level
    assert stored.count() == sum(len(level) for level in levels[block_level:])
    for node in stored:
        assert bytes(node.hash) == levels[node.level][node.position]
    # The lowest stored level names each block's members: every member once.
    blocks = stored.filter(level=block_level).values_list("block_members", flat=True)
    ids = [int(i) for text in blocks for i in text.split(",")]
    assert sorted(ids) == sorted(m.pk for m in members)
    for member in members:
        proof = share_proof(member=member, period=period)
        assert (
            merkle.leaf_hash(period.pk, proof["member_key"], proof["share_cents"])
            == (levels[0][proof["leaf_index"]])
        )
        assert verify(proof).returncode == 0


@pytest.mark.parametrize("block_level", [1, 3, 10])
def test_the_levels_two_at_a_time_are_the_reference_tree_for_every_width(monkeypatch, block_level):
    """The levels built two a statement (``_two_levels_insert``) promote a lone last
    node as two single steps would, whatever the width: every level written (the kept
    ones, the root) equals the reference tree's, for 1 to 70 leaves."""
    monkeypatch.setattr(share_tree, "BLOCK_LEVEL", block_level)
    blob = "bytea" if connection.vendor == "postgresql" else "blob"
    for count in range(1, 71):
        leaves = [hashlib.sha256(f"leaf {count} {i}".encode()).digest() for i in range(count)]
        levels = merkle.tree_levels(leaves)
        with transaction.atomic(), connection.cursor() as cursor:
            share_tree._scratch_create(cursor)
            cursor.execute(f"CREATE TEMP TABLE {share_tree.LEAVES} (idx bigint, hash {blob})")
            cursor.executemany(
                f"INSERT INTO {share_tree.LEAVES} (idx, hash) VALUES (%s, %s)",  # noqa: S608
                list(enumerate(leaves)),
            )
            top = share_tree._levels_insert(cursor, count)
            cursor.execute(f"SELECT lvl, idx, hash FROM {share_tree.SCRATCH}")  # noqa: S608
            written = {(lvl, idx): bytes(h) for lvl, idx, h in cursor.fetchall()}
            cursor.execute(f"DROP TABLE {share_tree.SCRATCH}")
            cursor.execute(f"DROP TABLE {share_tree.LEAVES}")
        assert top == len(levels) - 1, count
        for lvl, idx in written:
            assert written[lvl, idx] == levels[lvl][idx], (count, lvl, idx)
        kept = range(min(block_level, top) or 1, top + 1)
        assert all((lvl, i) in written for lvl in kept for i in range(len(levels[lvl]))), count
        assert top == 0 or written[top, 0] == merkle.tree_root(leaves)


def test_a_members_proof_verifies_with_the_shipped_script(shared):
    sharing, _waiting, period = shared
    member = sharing[0]
    proof = share_proof(member=member, period=period.pk)
    due = ContributionDue.objects.get(member=member, kind="share")
    assert proof["share_cents"] == int(due.amount * 100)
    assert proof["share"] == str(due.amount)
    assert (proof["leaf_count"], proof["root"]) == (7, period.merkle_root)
    assert proof["totals"]["total"] == "1080.00"
    assert proof["totals"]["shares_total"] == "1080.00"
    # The member appears only as their key: no id, number or name in the proof.
    assert not {"member", "member_id", "member_number", "coverage"} & set(proof)
    assert member.member_number not in json.dumps(proof)
    result = verify(proof, "--root", period.merkle_root)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK: share 154.2")


def test_a_changed_share_fails_verification(shared):
    sharing, _waiting, period = shared
    proof = share_proof(member=sharing[0], period=period)
    proof["share_cents"] -= 1
    proof.pop("leaf")
    result = verify(proof)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL:")
    assert "not to the root" in result.stdout


def test_a_proof_against_another_root_fails(shared):
    sharing, _waiting, period = shared
    proof = share_proof(member=sharing[0], period=period)
    result = verify(proof, "--root", "ab" * 32)
    assert result.returncode == 1 and "not the published root" in result.stdout


def test_no_proof_for_a_member_without_a_share(shared):
    """The member still in their waiting period shared nothing: no proof is made."""
    _sharing, waiting, period = shared
    with pytest.raises(NotFound):
        share_proof(member=waiting, period=period)


def test_no_proof_before_publication(aid, handler, approver, chart_of_accounts):
    member = covered_member(aid)
    claim = claim_approved(member, handler, approver, amount="100.00")
    notices_clear(today=claim.notice_until + dt.timedelta(days=1))
    Claim.objects.update(cleared_on=TODAY())
    period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    assert period.merkle_root  # built by the run, published only with the period
    with pytest.raises(NotFound):
        share_proof(member=member, period=period)
    with pytest.raises(NotFound):
        share_proof(member=member, period=period.pk + 1000)


def test_a_missing_member_changes_the_root_and_old_proofs_fail(shared):
    """Had one member been left out, the root would differ and every proof of the
    published tree would fail against it."""
    sharing, _waiting, period = shared
    proofs = [share_proof(member=m, period=period) for m in sharing]
    ContributionDue.objects.filter(member=sharing[3], kind="share").delete()
    ApportionmentPeriod.objects.filter(pk=period.pk).update(merkle_root="")
    ShareTreeNode.objects.filter(period=period).delete()
    rebuilt = share_tree_build(period=period)
    assert rebuilt.merkle_leaves == 6
    assert rebuilt.merkle_root != period.merkle_root
    for proof in proofs:
        assert verify(proof, "--root", rebuilt.merkle_root).returncode == 1


def test_a_share_changed_after_the_run_yields_no_proof(shared):
    """The stored block hash no longer matches the shares: refused, not a false proof."""
    sharing, _waiting, period = shared
    ContributionDue.objects.filter(member=sharing[1], kind="share").update(amount=D("1.00"))
    with pytest.raises(InvalidInput, match="no longer match"):
        share_proof(member=sharing[1], period=period)
    with pytest.raises(InvalidInput, match="no longer match"):
        share_proof(member=sharing[2], period=period)


def test_keys_differ_between_periods_and_depend_on_the_secret(settings):
    """One member's keys in two periods cannot be linked; without the secret they cannot
    be computed (another secret, other keys)."""
    settings.SHARE_KEY_SECRET = "one"
    first = merkle.member_key(share_key_secret(), 1, 42)
    assert first != merkle.member_key(share_key_secret(), 2, 42)
    settings.SHARE_KEY_SECRET = "two"
    assert first != merkle.member_key(share_key_secret(), 1, 42)
    settings.SHARE_KEY_SECRET = ""
    assert len(share_key_secret()) == 32  # derived from SECRET_KEY


def test_sql_keys_are_the_hmac_of_the_documentation(shared):
    """The keys the SQL computes are HMAC-SHA256(secret, "<period>|<member id>")."""
    sharing, _waiting, period = shared
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT k.member_key FROM ({share_tree.member_keys_sql()}) k",  # noqa: S608
            share_tree.member_keys_params(period),
        )
        keys = {bytes(row[0]) for row in cursor.fetchall()}
    secret = share_key_secret()
    assert keys == {merkle.member_key(secret, period.pk, m.pk) for m in sharing}


def test_backfill_builds_once(shared):
    """A period published before the trees gets one from the back-fill; a second call
    does nothing."""
    _sharing, _waiting, period = shared
    root = period.merkle_root
    ApportionmentPeriod.objects.filter(pk=period.pk).update(
        merkle_root="", merkle_leaves=None, merkle_block_level=None
    )
    ShareTreeNode.objects.filter(period=period).delete()
    assert share_trees_build() == [period.pk]
    assert share_trees_build() == []
    period.refresh_from_db()
    assert (period.merkle_root, period.merkle_leaves) == (root, 7)


def test_the_members_periods_list_their_share(shared):
    sharing, waiting, period = shared
    rows = list(share_periods_for_member(sharing[0]))
    due = ContributionDue.objects.get(member=sharing[0], kind="share")
    assert [(p.pk, p.member_share) for p in rows] == [(period.pk, due.amount)]
    assert list(share_periods_for_member(waiting)) == []


@pytest.mark.postgres
def test_postgres_builds_with_its_builtin_sha256(shared):
    """On PostgreSQL the same tree comes from the built-in sha256(bytea) (no pgcrypto)."""
    _sharing, _waiting, period = shared
    assert connection.vendor == "postgresql"
    assert period.merkle_root == python_tree(period)[-1][0].hex()


@pytest.mark.postgres
def test_postgres_puts_the_planner_settings_back_after_the_build(shared, settings, monkeypatch):
    """The tree's statements get their own ``work_mem`` and parallel costs; the rest of the
    caller's transaction (the apportionment's finish) gets its own back."""
    _sharing, _waiting, period = shared
    settings.SHARE_TREE_WORK_MEM = "77MB"
    names = ("work_mem", "parallel_setup_cost", "parallel_tuple_cost")
    seen = []
    real_leaves = share_tree._leaves_create

    def leaves_create(cursor, period):
        cursor.execute("SELECT current_setting('work_mem')")
        seen.append(cursor.fetchone()[0])
        return real_leaves(cursor, period)

    def current(cursor):
        values = []
        for name in names:
            cursor.execute("SELECT current_setting(%s)", [name])
            values.append(cursor.fetchone()[0])
        return values

    ApportionmentPeriod.objects.filter(pk=period.pk).update(merkle_root="")
    ShareTreeNode.objects.filter(period=period).delete()
    monkeypatch.setattr(share_tree, "_leaves_create", leaves_create)
    # Inside a transaction that goes on after the build, as the apportionment's finish.
    with transaction.atomic(), connection.cursor() as cursor:
        before = current(cursor)
        rebuilt = share_tree_build(period=period.pk)
        after = current(cursor)
    assert seen == ["77MB"]
    assert after == before
    assert rebuilt.merkle_root == period.merkle_root == python_tree(period)[-1][0].hex()


def test_the_backfill_command_builds_then_does_nothing(shared):
    _sharing, _waiting, period = shared
    ApportionmentPeriod.objects.filter(pk=period.pk).update(merkle_root="")
    ShareTreeNode.objects.filter(period=period).delete()
    out = StringIO()
    call_command("build_share_trees", stdout=out)
    assert f"Share trees built: 1 (periods {period.pk})." in out.getvalue()
    out = StringIO()
    call_command("build_share_trees", stdout=out)
    assert "Share trees built: 0" in out.getvalue()


def test_the_published_summary_carries_the_root_and_leaf_count(shared):
    """Disclosure reads the periods through ``apportionment_summaries``: the root and
    the leaf count come with the totals."""
    _sharing, _waiting, period = shared
    row = apportionment_summaries().values("merkle_root", "merkle_leaves", "total").get()
    assert row == {"merkle_root": period.merkle_root, "merkle_leaves": 7, "total": D("1080.00")}
