from decimal import Decimal as D

import pytest

from claims.calculations import (
    age_band_label,
    draw_key,
    equal_split,
    management_fee,
    panel_outcome,
    percentile,
    shortfall_cover,
)


@pytest.mark.parametrize(
    "total,members,base,extra",
    [
        (D("100.00"), 3, D("33.33"), 1),
        (D("100.00"), 4, D("25.00"), 0),
        (D("0.05"), 7, D("0.00"), 5),
        (D("54000.00"), 7, D("7714.28"), 4),
        (D("1.00"), 1, D("1.00"), 0),
    ],
)
def test_equal_split_adds_up_to_the_cent(total, members, base, extra):
    """Shares are rounded down; the remainder is whole cents for the first members."""
    split = equal_split(total, members)
    assert (split.base, split.extra_cents) == (base, extra)
    assert split.total(members) == total


def test_split_among_no_one():
    assert equal_split(D("10.00"), 0).total(0) == D("0.00")


@pytest.mark.parametrize(
    "benefits,rate,fee",
    [
        (D("50000.00"), D("0.08"), D("4000.00")),
        (D("333.33"), D("0.08"), D("26.67")),
        (D("0.06"), D("0.08"), D("0.00")),
        (D("0.07"), D("0.08"), D("0.01")),
    ],
)
def test_management_fee_rounds_half_up(benefits, rate, fee):
    assert management_fee(benefits, rate) == fee


@pytest.mark.parametrize(
    "shortfall,fee,waived,surplus",
    [
        (D("10.00"), D("40.00"), D("10.00"), D("0.00")),
        (D("50.00"), D("40.00"), D("40.00"), D("10.00")),
        (D("0.00"), D("40.00"), D("0.00"), D("0.00")),
    ],
)
def test_shortfall_met_by_fee_then_surplus(shortfall, fee, waived, surplus):
    assert shortfall_cover(shortfall, fee) == (waived, surplus)


def test_age_band_label():
    assert age_band_label(34) == "30–39"
    assert age_band_label(40) == "40–49"


def test_draw_key_is_sha256_of_seed_and_number():
    import hashlib

    assert draw_key("ab", "M-1") == hashlib.sha256(b"abM-1").hexdigest()


@pytest.mark.parametrize(
    "uphold,overturn,quorum,outcome",
    [
        (4, 3, 7, "uphold"),
        (3, 4, 7, "overturn"),
        (3, 3, 7, None),
        (2, 2, 3, "uphold"),
        (0, 3, 3, "overturn"),
    ],
)
def test_panel_outcome(uphold, overturn, quorum, outcome):
    """Majority of votes cast with a quorum; a tie upholds; below quorum, no decision."""
    assert panel_outcome(uphold, overturn, quorum) == outcome


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9) == pytest.approx(
        9.1
    )
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0


def test_identifying_words_finds_name_number_and_birth_date():
    """Review finding 9: what would identify the claimant in published text."""
    import datetime as dt

    from claims.calculations import identifying_words

    who = {
        "legal_name": "陈美",
        "id_number": "11010519900503002X",
        "date_of_birth": dt.date(1990, 5, 3),
    }
    assert identifying_words("病理报告确诊；住院记录与申请一致。", **who) == []
    assert identifying_words("申请人陈美住院", **who) == ["name"]
    assert identifying_words("ID 110105 19900503 002x", **who) == ["id_number", "date_of_birth"]
    for spelling in ("1990-05-03", "1990/5/3", "03/05/1990", "1990年5月3日", "1990.05.03"):
        assert identifying_words(f"born {spelling}", **who) == ["date_of_birth"], spelling
    latin = {"legal_name": "Li Jun", "id_number": "X1234567", "date_of_birth": None}
    assert identifying_words("Seen: LI  JUN at the clinic", **latin) == ["name"]
    assert identifying_words("Follow the guideline, July junction", **latin) == []
