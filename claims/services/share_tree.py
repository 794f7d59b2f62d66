"""The Merkle tree over an apportionment period's shares (docs/claims.md, "Verifiable
apportionment statements"), built in SQL over all members of the period.

One leaf per member who owes a share in the period: the pseudonymous member key
(HMAC-SHA256 with ``share_key_secret()`` of "<period id>|<member id>") and the member's
share in cents, ordered by key. The SQL writes the leaves into a temporary table with one
``CREATE TABLE ... AS``, then the levels above with one ``INSERT ... SELECT`` each, two
levels a statement below the kept ones (``LEAD`` pairs a node with its right neighbour;
a lone last node is promoted): about log2 N statements and no row of members in Python.
Only the levels from ``BLOCK_LEVEL`` up are kept (``ShareTreeNode``), with the key of each
block's first leaf and the ids of its members; a proof recomputes its block from those
members' shares (``selectors.share_tree``). The same SQL runs on
PostgreSQL (built-in ``sha256(bytea)``) and SQLite (``ms_sha256`` from ``claims.db``),
written through the small dialect helpers below.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from ..merkle import LEAF_PREFIX, NODE_PREFIX, hmac_pads
from ..models import ApportionmentPeriod

#: Nodes are stored from this level up: blocks of 2^10 = 1,024 leaves, about N / 512 rows
#: per period (measured in docs/claims.md); a proof recomputes one block.
BLOCK_LEVEL = 10
SCRATCH = "claims_share_tree_scratch"
LEAVES = "claims_share_tree_leaves"
#: The root of a tree without leaves (RFC 6962: the hash of the empty string).
EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def share_key_secret() -> bytes:
    """The key of the member keys: ``SHARE_KEY_SECRET`` when set, else derived from
    ``SECRET_KEY`` (a salted HMAC, so the key reveals nothing of ``SECRET_KEY``)."""
    configured = settings.SHARE_KEY_SECRET
    if configured:
        return hashlib.sha256(configured.encode()).digest()
    return salted_hmac(
        "claims.share_tree", "member key", secret=settings.SECRET_KEY, algorithm="sha256"
    ).digest()


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def sql_sha256(*parts: str) -> str:
    """SHA-256 of the parts (SQL expressions of bytes) joined."""
    if _postgres():
        return "sha256(" + " || ".join(parts) + ")"
    return "ms_sha256(" + ", ".join(parts) + ")"


def sql_utf8(expr: str) -> str:
    """A text expression as its UTF-8 bytes."""
    return f"convert_to({expr}, 'UTF8')" if _postgres() else expr


def sql_hex(expr: str) -> str:
    """Bytes as lower-case hex text."""
    return f"encode({expr}, 'hex')" if _postgres() else f"lower(hex({expr}))"


def member_keys_sql() -> str:
    """Each member's key, id and share in cents in a period. The key, a function of the
    member, is grouped by as well, and first: so it is worked out before the grouping (by
    PostgreSQL's parallel workers when there are), and a sorted grouping sorts by it,
    which is the leaves' order: the plan PostgreSQL chose at 1,000,000 members (3.3 s for
    the leaves instead of 3.9 s, grouped by member first and sorted by key again after).
    Parameters: opad key, ipad key, "<period id>|", plan id, period start, cut-off."""
    inner = sql_sha256("%s", sql_utf8("%s || CAST(d.member_id AS TEXT)"))
    return (
        f"SELECT {sql_sha256('%s', inner)} AS member_key, d.member_id, "  # noqa: S608 - constant SQL; values are parameters
        "CAST(SUM(CAST(ROUND(d.amount * 100) AS BIGINT)) AS BIGINT) AS cents "
        "FROM members_contributiondue d "
        "JOIN members_coverage c ON c.id = d.coverage_id "
        "WHERE c.plan_id = %s AND d.kind = 'share' AND d.period_start = %s "
        "AND d.period_end = %s "
        "GROUP BY 1, d.member_id"
    )


def member_keys_params(period: ApportionmentPeriod) -> list:
    ipad, opad = hmac_pads(share_key_secret())
    ops = connection.ops
    return [
        opad,
        ipad,
        f"{period.pk}|",
        period.plan_id,
        ops.adapt_datefield_value(period.period_start),
        ops.adapt_datefield_value(period.cutoff),
    ]


def sql_id_list(expr: str) -> str:
    """The aggregate of ``expr`` (an integer) as comma-separated text, in no set order."""
    if _postgres():
        return f"string_agg(CAST({expr} AS TEXT), ',')"
    return f"group_concat({expr}, ',')"


def _scratch_create(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
    cursor.execute(f"DROP TABLE IF EXISTS {LEAVES}")
    blob = "bytea" if _postgres() else "blob"
    cursor.execute(
        f"CREATE TEMP TABLE {SCRATCH} (lvl integer NOT NULL, idx bigint NOT NULL, "
        f"hash {blob} NOT NULL, PRIMARY KEY (lvl, idx))"
    )


def _leaves_create(cursor, period: ApportionmentPeriod) -> int:
    """The leaves in their own table, made by ``CREATE TABLE ... AS``: PostgreSQL runs
    the query of a ``CREATE TABLE ... AS`` on parallel workers (never that of an
    ``INSERT``), and the member keys, two SHA-256 each, are most of a tree's time. The
    key is a grouping expression, so that the workers work it out before the grouping.
    On PostgreSQL the leaves get no index: they are written in ``idx`` order, so the
    level above sorts them at little more than the cost of checking that they are sorted
    (up to 1.4 s at 10,000,000 members, where the sort spills past
    ``SHARE_TREE_WORK_MEM``), where building a primary key and counting them again cost
    0.25 s at 1,000,000 and 2.6 s at 10,000,000 (docs/scaling.md); the statement's row
    count is the number of leaves.
    """
    leaf = sql_sha256(
        "%s",
        sql_utf8(f"%s || {sql_hex('k.member_key')} || '|' || CAST(k.cents AS TEXT)"),
    )
    cursor.execute(
        f"CREATE TEMP TABLE {LEAVES} AS "  # noqa: S608 - constant SQL; values are parameters
        f"SELECT ROW_NUMBER() OVER (ORDER BY k.member_key) - 1 AS idx, {leaf} AS hash, "
        f"k.member_key, k.member_id FROM ({member_keys_sql()}) k",
        [LEAF_PREFIX, f"{period.pk}|", *member_keys_params(period)],
    )
    if _postgres():
        count = cursor.rowcount
        cursor.execute(f"ANALYZE {LEAVES}")  # temporary tables are never auto-analysed
    else:
        cursor.execute(f"SELECT COUNT(*) FROM {LEAVES}")  # noqa: S608 - constant SQL
        count = int(cursor.fetchone()[0])
        cursor.execute(f"CREATE UNIQUE INDEX {LEAVES}_idx ON {LEAVES} (idx)")
    return count


def _below(level: int) -> str:
    """The nodes of level ``level`` (idx, hash): the leaves' table, or the scratch table."""
    if level == 0:
        return f"SELECT idx, hash FROM {LEAVES}"  # noqa: S608 - constant SQL
    return f"SELECT idx, hash FROM {SCRATCH} WHERE lvl = {int(level)}"  # noqa: S608 - constant SQL


def _level_insert(cursor, level: int) -> int:
    """Level ``level`` from the one below, in one statement: even nodes with their right
    neighbour (``LEAD``), a lone last node promoted unchanged."""
    node = sql_sha256("%s", "p.hash", "p.next_hash")
    cursor.execute(
        f"INSERT INTO {SCRATCH} (lvl, idx, hash) "  # noqa: S608 - constant SQL; values are parameters
        f"SELECT %s, p.idx / 2, CASE WHEN p.next_hash IS NULL THEN p.hash ELSE {node} END "
        f"FROM (SELECT b.idx, b.hash, LEAD(b.hash) OVER (ORDER BY b.idx) AS next_hash "
        f"FROM ({_below(level - 1)}) b) p "
        "WHERE p.idx %% 2 = 0",
        [level, NODE_PREFIX],
    )
    return cursor.rowcount


def _two_levels_insert(cursor, level: int) -> int:
    """Level ``level`` from the one two below, in one statement, for levels not kept:
    each run of four nodes a, b, c, d (``LEAD`` 1 to 3) becomes H(H(a, b), H(c, d)), with
    the same promotions as two steps of ``_level_insert`` (d missing: H(H(a, b), c); c
    missing: H(a, b); b missing: a). The level between is never written: half the rows
    written and read again of the levels below the kept ones."""
    pair = sql_sha256("%s", "w.hash", "w.h1")
    right = f"CASE WHEN q.h3 IS NULL THEN q.h2 ELSE {sql_sha256('%s', 'q.h2', 'q.h3')} END"
    cursor.execute(
        f"INSERT INTO {SCRATCH} (lvl, idx, hash) "  # noqa: S608 - constant SQL; values are parameters
        f"SELECT %s, q.idx / 4, CASE WHEN q.h2 IS NULL THEN q.p "
        f"ELSE {sql_sha256('%s', 'q.p', right)} END "
        f"FROM (SELECT w.idx, w.h2, w.h3, CASE WHEN w.h1 IS NULL THEN w.hash ELSE {pair} END "
        "AS p FROM (SELECT b.idx, b.hash, LEAD(b.hash, 1) OVER (ORDER BY b.idx) AS h1, "
        "LEAD(b.hash, 2) OVER (ORDER BY b.idx) AS h2, "
        "LEAD(b.hash, 3) OVER (ORDER BY b.idx) AS h3 "
        f"FROM ({_below(level - 2)}) b) w WHERE w.idx %% 4 = 0) q",
        [level, NODE_PREFIX, NODE_PREFIX, NODE_PREFIX],
    )
    return cursor.rowcount


def _levels_insert(cursor, count: int) -> int:
    """Every level above the leaves, up to the root; returns the root's level. Two levels
    a statement while the level between is not kept (below ``BLOCK_LEVEL``) and is not
    the root (more than two nodes below it), one at a time from there."""
    level, width = 0, count
    while width > 1:
        if width > 2 and level + 2 <= BLOCK_LEVEL:
            level += 2
            width = _two_levels_insert(cursor, level)
        else:
            level += 1
            width = _level_insert(cursor, level)
    return level


@contextmanager
def _planner_settings(cursor) -> Iterator[None]:
    """For the tree's statements only (PostgreSQL): sorts and hashes of the leaves in
    memory (``SHARE_TREE_WORK_MEM``) instead of spilled to disk, and parallel workers
    for the member keys (the planner counts a SHA-256 as cheap as a comparison, so it
    would not think a parallel plan worth its start). The dues table is analysed first:
    the chunks that wrote the shares have just grown it, and with the statistics from
    before them PostgreSQL joined each of a million shares to its coverage through the
    index, one by one. The settings are the transaction's and are put back after; when a
    statement fails they are not (the transaction is aborted), and the rollback of the
    build's savepoint undoes them. The ``ANALYZE`` holds its lock on the dues table to
    the end of the caller's transaction: two periods' trees finishing at once are built
    one after the other, as are a ``VACUUM`` or ``CREATE INDEX CONCURRENTLY`` of the table
    meanwhile."""
    if not _postgres():
        yield
        return
    cursor.execute("ANALYZE members_contributiondue")
    wanted = {
        "work_mem": settings.SHARE_TREE_WORK_MEM,
        "parallel_setup_cost": "0",
        "parallel_tuple_cost": "0",
    }
    before = {}
    for name, value in wanted.items():
        cursor.execute("SELECT current_setting(%s)", [name])
        before[name] = cursor.fetchone()[0]
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    yield
    for name, value in before.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def sql_first(expr: str) -> str:
    """The aggregate of ``expr`` (bytes) over a group in which it is not null once."""
    return f"string_agg({expr}, ''::bytea)" if _postgres() else f"max({expr})"


def _nodes_keep(cursor, period: ApportionmentPeriod, block: int) -> None:
    """Keep the nodes from level ``block`` up (``ShareTreeNode``), those of level
    ``block`` with their block's first key and member ids: one grouped pass over the
    leaves (the first key is the key of the block's first leaf, the leaves being in key
    order), joined to the few nodes kept. Profiled at 1,000,000 members: 0.55 s, where
    the first keys looked up by a join on the leaves took 0.8 s."""
    nodes = SCRATCH
    if block == 0:  # the leaves are kept too (a tree of one leaf is its leaf)
        nodes = (
            f"(SELECT lvl, idx, hash FROM {SCRATCH} "  # noqa: S608 - constant SQL
            f"UNION ALL SELECT 0, idx, hash FROM {LEAVES})"
        )
    first = sql_first(f"CASE WHEN idx %% {2**block} = 0 THEN member_key END")
    cursor.execute(
        "INSERT INTO claims_sharetreenode (period_id, level, position, hash, "  # noqa: S608 - constant SQL; values are parameters
        "first_key, block_members) "
        "SELECT %s, s.lvl, s.idx, s.hash, b.first_key, COALESCE(b.ids, '') "
        f"FROM {nodes} s LEFT JOIN (SELECT idx / %s AS block, {first} AS first_key, "
        f"{sql_id_list('member_id')} AS ids FROM {LEAVES} GROUP BY idx / %s) b "
        "ON s.lvl = %s AND b.block = s.idx "
        "WHERE s.lvl >= %s",
        [period.pk, 2**block, 2**block, block, block],
    )


@transaction.atomic
def share_tree_build(*, period: ApportionmentPeriod | int) -> ApportionmentPeriod:
    """Build and keep the period's share tree, and put its root and leaf count on the
    period; once (a period with a root is returned as it is). Run inside
    ``apportionment_run`` right after the shares are written, so the root is of the shares
    as billed; ``share_trees_build`` back-fills periods run before this feature."""
    period_id = period.pk if isinstance(period, ApportionmentPeriod) else period
    period = ApportionmentPeriod.objects.select_for_update().get(pk=period_id)
    if period.merkle_root:
        return period
    with connection.cursor() as cursor:
        _scratch_create(cursor)
        with _planner_settings(cursor):
            count = _leaves_create(cursor, period)
            level = _levels_insert(cursor, count)
            if count:
                block = min(BLOCK_LEVEL, level)
                _nodes_keep(cursor, period, block)
        if count:
            root_table = LEAVES if level == 0 else SCRATCH
            cursor.execute(
                f"SELECT hash FROM {root_table} WHERE idx = 0"  # noqa: S608 - constant SQL
                + ("" if level == 0 else f" AND lvl = {int(level)}")
            )
            root = bytes(cursor.fetchone()[0]).hex()
        cursor.execute(f"DROP TABLE {SCRATCH}")
        cursor.execute(f"DROP TABLE {LEAVES}")
    if count:
        period.merkle_root, period.merkle_leaves, period.merkle_block_level = root, count, block
    else:
        period.merkle_root, period.merkle_leaves, period.merkle_block_level = EMPTY_ROOT, 0, None
    period.save(update_fields=["merkle_root", "merkle_leaves", "merkle_block_level"])
    return period


def share_trees_build() -> list[int]:
    """Back-fill: build the tree of every period that has none (each in its own
    transaction); idempotent. Returns the ids of the periods built."""
    built = []
    for period_id in ApportionmentPeriod.objects.filter(merkle_root="").values_list(
        "pk", flat=True
    ):
        share_tree_build(period=period_id)
        built.append(period_id)
    return built
