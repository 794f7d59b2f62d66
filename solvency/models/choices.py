"""The choices solvency's models share: the integrated risk rating of C-ROSS, the
classes of asset holdings and the credit ratings of their issuers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.TextChoices):
    """C-ROSS integrated risk rating (风险综合评级), best first."""

    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class AssetClass(models.TextChoices):
    CASH = "cash", _("Cash and demand deposits")
    DEPOSIT = "deposit", _("Term deposits")
    GOVERNMENT_BOND = "government_bond", _("Government bonds")
    CORPORATE_BOND = "corporate_bond", _("Corporate and financial bonds")
    EQUITY = "equity", _("Listed equity")
    FUND = "fund", _("Investment funds")
    PROPERTY = "property", _("Property")
    OTHER = "other", _("Other assets")


class CreditRating(models.TextChoices):
    """A counterparty's or issue's rating (domestic AA+/AA/AA- count as AA)."""

    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    BBB = "BBB", "BBB"
    BB = "BB", "BB"
    B = "B", "B"
    CCC = "CCC", _("CCC or below")
    UNRATED = "unrated", _("Unrated")
