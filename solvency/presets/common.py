"""Rates several presets share: credit and spread charges by rating, and a helper
that writes one factor per asset class and rating."""

from __future__ import annotations

from decimal import Decimal as D

#: Ratings from best to worst, as ``CreditRating`` stores them.
RATINGS = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "unrated")

#: Default and credit charges of a deposit or bond by rating (our choice, between the
#: C-ROSS counterparty factors and Solvency II's spread factors for about 4 years).
CREDIT_RATES = dict(
    zip(
        RATINGS,
        (D("0.005"), D("0.01"), D("0.02"), D("0.05"), D("0.10"), D("0.20"), D("0.35"), D("0.10")),
        strict=True,
    )
)
#: Solvency II spread risk on bonds, per year of duration (Delegated Regulation (EU)
#: 2015/35, art. 176(3): credit quality steps 0–6 for a duration up to 5 years; unrated
#: 3.0%).
SPREAD_RATES = dict(
    zip(
        RATINGS,
        (
            D("0.009"),
            D("0.011"),
            D("0.014"),
            D("0.025"),
            D("0.045"),
            D("0.075"),
            D("0.075"),
            D("0.03"),
        ),
        strict=True,
    )
)


def credit_factors(
    module: str, classes: tuple[str, ...], rates: dict, *, by_duration=False, source=""
):
    return [
        {
            "module": module,
            "exposure": "assets",
            "asset_class": cls,
            "rating": rating,
            "rate": rate,
            "by_duration": by_duration,
            "source": source,
        }
        for cls in classes
        for rating, rate in rates.items()
    ]
