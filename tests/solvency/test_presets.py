"""The preset regimes seeded by the migration (``solvency.presets``)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.apps import apps

from solvency.calculations.aggregation import correlation_check
from solvency.models import LadderRung, Regime
from solvency.presets import seed_presets

pytestmark = pytest.mark.django_db


def test_three_presets_and_cross_is_the_default():
    assert set(Regime.objects.values_list("code", flat=True)) == {"cross", "solvency2", "rbc"}
    assert Regime.objects.get(is_default=True).code == "cross"


def test_solvency_ii_matrix_is_annex_iv_of_the_directive():
    """Directive 2009/138/EC, Annex IV point 1 (as looked up): market 0.25 with all;
    default 0.5 with non-life; life 0.25 with health, 0 with non-life; health 0 with
    non-life."""
    corr = correlation_check(Regime.objects.get(code="solvency2").correlation)
    expected = {
        ("market", "counterparty_default"): "0.25",
        ("market", "life"): "0.25",
        ("market", "health"): "0.25",
        ("market", "non_life"): "0.25",
        ("counterparty_default", "life"): "0.25",
        ("counterparty_default", "health"): "0.25",
        ("counterparty_default", "non_life"): "0.5",
        ("life", "health"): "0.25",
        ("life", "non_life"): "0",
        ("health", "non_life"): "0",
    }
    assert corr.modules == ("market", "counterparty_default", "life", "health", "non_life")
    for (a, b), value in expected.items():
        assert corr.coefficient(a, b) == corr.coefficient(b, a) == D(value)


@pytest.mark.parametrize("code", ["cross", "solvency2", "rbc"])
def test_every_preset_is_valid_data(code):
    """The matrix passes its check, covers every module, and every row passes clean."""
    regime = Regime.objects.get(code=code)
    regime.full_clean()
    modules = set(regime.modules.values_list("code", flat=True))
    assert modules == set(correlation_check(regime.correlation).modules)
    for module in regime.modules.all():
        module.full_clean()
        for factor in module.factors.all():
            factor.full_clean()
    for rung in regime.rungs.all():
        rung.full_clean()


def test_cross_thresholds():
    r = Regime.objects.get(code="cross")
    assert (r.comprehensive_min, r.core_min, r.rating_min, r.early_warning_points) == (
        D("100.00"),
        D("50.00"),
        "B",
        D("20.00"),
    )
    assert r.supplementary_limit_of_core == D("1")


def test_solvency_ii_mcr_corridor_and_floor_are_data():
    r = Regime.objects.get(code="solvency2")
    assert (r.has_mcr, r.mcr_floor_rate, r.mcr_cap_rate) == (True, D("0.25"), D("0.45"))
    assert r.mcr_absolute_floor > 0
    assert r.operational_cap_rate == D("0.30")


def test_rbc_action_levels():
    levels = LadderRung.objects.filter(regime__code="rbc").order_by("severity")
    assert [rung.below for rung in levels] == [D("200.00"), D("150.00"), D("100.00"), D("70.00")]
    assert Regime.objects.get(code="rbc").requirement_multiplier == D("0.5")


def test_seeding_again_leaves_staff_edits_alone():
    r = Regime.objects.get(code="cross")
    r.early_warning_points = D("30.00")
    r.save()
    seed_presets(apps)
    assert Regime.objects.count() == 3
    assert Regime.objects.get(code="cross").early_warning_points == D("30.00")
