"""The development triangles and the outstanding case reserves, by SQL, against a small
case worked by hand (the same on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from claims.selectors import claim_triangles, outstanding_claims_reserve
from tests.claims.history import claim_with_history
from tests.members.factories import member_make

pytestmark = pytest.mark.django_db

D = dt.date
VALUATION = D(2024, 6, 30)


@pytest.fixture
def history():
    """A: event Nov 2023, estimates 1000 → 800 (Feb) → 0 (May), paid 200 (Feb), 700 (May).
    B: event Jan 2024, estimates 500 then 600 the same month, 300 (Apr), paid 300 (Apr);
    after the valuation date paid 300 more and closed. C: event May 2024, estimate 2000.
    D: event after the valuation date."""
    member = member_make()
    claim_with_history(
        member,
        D(2023, 11, 15),
        reserves=[(D(2023, 11, 20), "1000"), (D(2024, 2, 10), "800"), (D(2024, 5, 1), "0")],
        payments=[(D(2024, 2, 10), "200"), (D(2024, 5, 1), "700")],
    )
    claim_with_history(
        member,
        D(2024, 1, 20),
        reserves=[
            (D(2024, 1, 25), "500"),
            (D(2024, 1, 30), "600"),
            (D(2024, 4, 2), "300"),
            (D(2024, 7, 5), "0"),
        ],
        payments=[(D(2024, 4, 2), "300"), (D(2024, 7, 5), "300")],
    )
    claim_with_history(member, D(2024, 5, 10), reserves=[(D(2024, 5, 11), "2000")])
    claim_with_history(member, D(2024, 7, 1), reserves=[(D(2024, 7, 2), "50")])


def _cells(rows) -> dict[tuple[str, int], str]:
    return {(row.origin.isoformat(), row.lag): str(row.value) for row in rows}


def test_quarterly_paid_and_incurred(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        triangles = claim_triangles(valuation_date=VALUATION, grain="quarter")

    assert _cells(triangles.paid) == {
        ("2023-10-01", 1): "0.00",
        ("2023-10-01", 2): "200.00",
        ("2023-10-01", 3): "900.00",
        ("2024-01-01", 1): "0.00",
        ("2024-01-01", 2): "300.00",
        ("2024-04-01", 1): "0.00",
    }
    assert _cells(triangles.incurred) == {
        ("2023-10-01", 1): "1000.00",
        ("2023-10-01", 2): "1000.00",
        ("2023-10-01", 3): "900.00",
        ("2024-01-01", 1): "600.00",
        ("2024-01-01", 2): "600.00",
        ("2024-04-01", 1): "2000.00",
    }
    assert triangles.origins == [D(2023, 10, 1), D(2024, 1, 1), D(2024, 4, 1)]


def test_yearly(history):
    triangles = claim_triangles(valuation_date=VALUATION, grain="year")

    assert _cells(triangles.paid) == {
        ("2023-01-01", 1): "0.00",
        ("2023-01-01", 2): "900.00",
        ("2024-01-01", 1): "300.00",
    }
    assert _cells(triangles.incurred) == {
        ("2023-01-01", 1): "1000.00",
        ("2023-01-01", 2): "900.00",
        ("2024-01-01", 1): "2600.00",
    }


def test_monthly_every_origin_from_the_first_to_the_valuation_month(history):
    triangles = claim_triangles(valuation_date=VALUATION, grain="month")
    paid, incurred = _cells(triangles.paid), _cells(triangles.incurred)

    assert len(triangles.origins) == 8  # Nov 2023 .. Jun 2024, empty months included
    assert [paid[("2023-11-01", lag)] for lag in range(1, 9)] == [
        "0.00", "0.00", "0.00", "200.00", "200.00", "200.00", "900.00", "900.00"
    ]  # fmt: skip
    assert [incurred[("2023-11-01", lag)] for lag in range(1, 9)] == [
        "1000.00", "1000.00", "1000.00", "1000.00", "1000.00", "1000.00", "900.00", "900.00"
    ]  # fmt: skip
    assert [incurred[("2024-01-01", lag)] for lag in range(1, 7)] == [
        "600.00", "600.00", "600.00", "600.00", "600.00", "600.00"
    ]  # fmt: skip
    assert [paid[("2024-01-01", lag)] for lag in range(1, 7)] == [
        "0.00", "0.00", "0.00", "300.00", "300.00", "300.00"
    ]  # fmt: skip
    assert incurred[("2023-12-01", 7)] == "0.00"
    assert (incurred[("2024-05-01", 1)], incurred[("2024-05-01", 2)]) == ("2000.00", "2000.00")
    assert ("2024-06-01", 2) not in incurred and incurred[("2024-06-01", 1)] == "0.00"


def test_a_later_valuation_date_sees_the_later_history(history):
    later = claim_triangles(valuation_date=D(2024, 9, 30), grain="quarter")

    assert _cells(later.paid)[("2024-01-01", 3)] == "600.00"
    assert _cells(later.incurred)[("2024-01-01", 3)] == "600.00"  # paid 600, reserve 0
    assert _cells(later.incurred)[("2024-07-01", 1)] == "50.00"


def test_no_claims_no_triangle(db):
    triangles = claim_triangles(valuation_date=VALUATION, grain="quarter")
    assert (triangles.paid, triangles.incurred) == ((), ())


def test_unknown_grain_refused(db):
    with pytest.raises(ValueError, match="grain"):
        claim_triangles(valuation_date=VALUATION, grain="week")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2023, 11, 19), "0.00"),
        (D(2024, 1, 27), "1500.00"),  # A 1000, B 500
        (D(2024, 3, 31), "1400.00"),  # A 800, B 600
        (VALUATION, "2300.00"),  # A 0 (paid), B 300, C 2000; D's estimate is later
        (D(2024, 7, 31), "2050.00"),  # B closed, C 2000, D 50
    ],
)
def test_outstanding_is_each_claims_latest_estimate_as_of(history, as_of, expected):
    assert outstanding_claims_reserve(as_of=as_of) == Decimal(expected)
