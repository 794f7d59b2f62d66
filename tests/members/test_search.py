"""members.selectors.member_search: what a search string finds, and that PostgreSQL finds
it through an index instead of reading every member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from members.models import Member
from members.selectors import member_search
from tests.members.factories import member_make, person_data, premium_plan_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    version = premium_plan_make(code="life")
    return {
        "wang": member_make(version, person=person_data(legal_name="王芳华", phone="13911112222")),
        "ouyang": member_make(
            version, person=person_data(legal_name="欧阳娜娜", sex="F", phone="13733334444")
        ),
        "smith": member_make(version, person=person_data(legal_name="John Smith")),
    }


def found(query: str) -> set[str]:
    names = dict(Member.objects.values_list("pk", "legal_name"))
    return {names[pk] for pk in member_search(query).values_list("pk", flat=True)}


def test_a_member_number_finds_its_member_in_any_case(people):
    number = people["wang"].member_number
    assert found(number) == {"王芳华"}
    assert found(number.lower()) == {"王芳华"}


def test_a_member_number_is_matched_whole(people):
    """Exact lookups for numbers (the issue): part of a number is not a search key."""
    assert found(people["wang"].member_number[2:11]) == set()


def test_a_whole_identity_number_finds_its_member_typed_any_way(people):
    number = people["ouyang"].id_number
    assert found(number) == {"欧阳娜娜"}
    assert found(" " + number.lower()[:6] + " " + number.lower()[6:]) == {"欧阳娜娜"}


def test_digits_are_the_start_of_a_phone_number(people):
    assert found("1391111") == {"王芳华"}
    assert found("139 1111-2222") == {"王芳华"}
    assert found("1111") == set()  # the middle of a number is not its start


def test_three_characters_or_more_are_found_anywhere_in_the_name(people):
    assert found("芳华") == set()  # two characters: the start of a name only
    assert found("王芳华") == {"王芳华"}
    assert found("阳娜娜") == {"欧阳娜娜"}
    assert found("smi") == {"John Smith"}


def test_one_or_two_characters_are_the_start_of_a_name(people):
    """A surname, or a whole two-character name: what a trigram index can serve."""
    assert found("欧阳") == {"欧阳娜娜"}
    assert found("王") == {"王芳华"}
    assert found("jo") == {"John Smith"}


def test_an_empty_search_lists_everyone(people):
    assert found("  ") == {"王芳华", "欧阳娜娜", "John Smith"}


# --- PostgreSQL: the plan --------------------------------------------------------------


def _crowd(n: int) -> None:
    """``n`` members written directly (the plan is about the table, not how they came)."""
    Member.objects.bulk_create(
        Member(
            member_number=f"M-2026-{i:06d}-0",
            # Mostly common names; one in a hundred a 欧阳 (a search that finds a few).
            legal_name=("欧阳" if i % 100 == 0 else ("王", "李", "张", "刘")[i % 4])
            + ("芳", "娜", "伟", "敏", "静", "丽")[i % 6]
            + ("华", "明", "")[i % 3],
            id_type=Member.IdType.PASSPORT,
            id_number=f"E{i:08d}",
            date_of_birth=dt.date(1980, 1, 1),
            sex="F",
            phone=f"138{i:08d}",
            region="11",
            status=Member.Status.ACTIVE,
        )
        for i in range(n)
    )


def _plan(query: str) -> str:
    sql, params = member_search(query).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # Forbid what an index can replace: a search that still reads the whole table
        # then shows "Seq Scan on members_member" (the only way it can run).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE members_member")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("kind", "query", "index"),
    [
        ("member number", "m-2026-000123-0", "member_number_upper_idx"),
        ("identity number", "e00000123", "member_one_per_person"),
        ("phone", "1380000012", "member_phone_prefix_idx"),
        ("name", "阳芳华", "members_member_legal_name_trgm"),
        ("start of a name", "欧阳", "members_member_legal_name_trgm"),
    ],
)
def test_every_kind_of_search_is_served_by_an_index(kind, query, index):
    """The search was one OR over every column, which PostgreSQL answered by reading
    every member (a sequential scan): the names and phones had btree indexes a
    contains/starts-with cannot use under this collation. Each branch of the search now
    has the index that answers it."""
    _crowd(3000)
    plan = _plan(query)
    print(f"EXPLAIN member_search({query!r})  [{kind}]\n{plan}")  # noqa: T201 - kept in the report
    assert "Seq Scan on members_member" not in plan
    assert index in plan


@pytest.mark.postgres
def test_the_indexes_no_query_used_are_gone():
    """The btree indexes on legal_name and phone, and the ``_like`` pattern twins of
    status and member_number, served no query and slowed every import."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members_member'"
        )
        indexes = dict(cursor.fetchall())
    assert not [name for name in indexes if name.endswith("_like")]
    plain = [
        name
        for name, definition in indexes.items()
        if "btree (legal_name)" in definition or "btree (phone)" in definition
    ]
    assert plain == []
    assert "members_member_legal_name_trgm" in indexes
    assert "varchar_pattern_ops" in indexes["member_phone_prefix_idx"]
