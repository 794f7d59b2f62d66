"""``manage.py solvency_whatif``: each regime's output checked by hand, each bad input
refused naming the field with a non-zero exit."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Context
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

pytestmark = pytest.mark.django_db


def whatif(tmp_path, data, fmt="json"):
    path = tmp_path / "in.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    out = StringIO()
    call_command("solvency_whatif", str(path), "--format", fmt, stdout=out)
    return out.getvalue().strip().splitlines()


def last_json(lines):
    return json.loads(lines[-1], parse_float=D)


def sqrt(x):
    return Context(prec=60).sqrt(D(x)).quantize(D("0.01"), ROUND_HALF_UP)


def test_cross(tmp_path):
    """sqrt(1000² + 600² + 400² + 2(0.25·1000·600 + 0.25·1000·400 + 0.5·600·400)) =
    sqrt(1,520,000 + 740,000) = sqrt(2,260,000); + control risk 50; × 0.9.
    Supplementary 900 over core 800 is admitted up to 800."""
    out = last_json(
        whatif(
            tmp_path,
            {
                "regime": "cross",
                "modules": {"insurance": 1000, "market": 600, "credit": 400},
                "adjustments": {"control_risk": 50},
                "capital": {"core": 800, "supplementary": 900},
                "rating": "B",
            },
        )
    )
    diversified = sqrt(2260000)
    minimum = ((diversified + 50) * D("0.9")).quantize(D("0.01"), ROUND_HALF_UP)
    assert out["diversified_requirement"] == diversified == D("1503.33")
    assert out["minimum_capital"] == minimum
    assert (out["core_capital"], out["actual_capital"]) == (D("800.00"), D("1600.00"))
    assert out["comprehensive_ratio"] == (D(1600) * 100 / minimum).quantize(
        D("0.01"), "ROUND_FLOOR"
    )
    # 1600 / 1398.00 = 114.44% and 800 / 1398.00 = 57.22%: above 100% and 50% but
    # within the 20-point margin of both
    assert (out["core_ratio"], out["status"], out["warnings"]) == (
        D("57.22"),
        "early_warning",
        ["comprehensive", "core"],
    )
    assert out["modules"] == {
        "insurance": D("1000.00"),
        "market": D("600.00"),
        "credit": D("400.00"),
    }
    assert set(out) >= {
        "regime",
        "diversified_requirement",
        "minimum_capital",
        "actual_capital",
        "core_capital",
        "comprehensive_ratio",
        "core_ratio",
        "status",
        "modules",
    }


def test_solvency2_reports_the_scr_and_the_mcr(tmp_path):
    """BSCR over market 100, default 50, health 80 = sqrt(27400) = 165.53; + operational
    10 = SCR 175.53; supplementary limited to 50% of the SCR (87.76, rounded down); MCR
    from a linear 60 → within 25–45% of the SCR, but the absolute floor is higher."""
    out = last_json(
        whatif(
            tmp_path,
            {
                "regime": "solvency2",
                "modules": {"market": 100, "counterparty_default": 50, "health": 80},
                "adjustments": {"operational": 10},
                "capital": {"core": 200, "supplementary": 100},
                "mcr_linear": 60,
            },
        )
    )
    assert out["diversified_requirement"] == sqrt(27400) == D("165.53")
    assert out["minimum_capital"] == D("175.53")
    assert out["actual_capital"] == D("287.76")
    assert out["comprehensive_ratio"] == D("163.93")
    assert out["mcr"] == D("21000000.00")
    assert out["status"] == "mcr_breach"


def test_solvency2_with_the_corridor_when_the_floor_is_lower(tmp_path):
    """With the absolute floor lowered to 0 the MCR is the linear MCR clamped: 60 is
    within 25–45% of 175.53 (43.88–78.99)."""
    from solvency.models import Regime

    Regime.objects.filter(code="solvency2").update(mcr_absolute_floor=0)
    out = last_json(
        whatif(
            tmp_path,
            {
                "regime": "solvency2",
                "modules": {"market": 100, "counterparty_default": 50, "health": 80},
                "adjustments": {"operational": 10},
                "capital": {"core": 200, "supplementary": 100},
                "mcr_linear": 60,
            },
        )
    )
    assert out["mcr"] == D("60.00")
    assert out["status"] == "adequate"


def test_rbc_acl_is_half_the_square_root_of_squares(tmp_path):
    """RBC = sqrt(30² + 40²) = 50; ACL = 25; TAC 49.99 is 199.96% of ACL: company action
    level; 50.00 is exactly 200%: early warning (within 100 points)."""
    data = {
        "regime": "rbc",
        "modules": {"r1_fixed_income": 30, "r4_reserve": 40},
        "capital": {"core": "49.99", "supplementary": 0},
    }
    out = last_json(whatif(tmp_path, data))
    assert (out["diversified_requirement"], out["minimum_capital"]) == (D("50.00"), D("25.00"))
    assert (out["comprehensive_ratio"], out["status"]) == (D("199.96"), "company_action_level")
    data["capital"]["core"] = "50.00"
    assert last_json(whatif(tmp_path, data))["status"] == "early_warning"


def test_a_correlation_override_replaces_the_preset(tmp_path):
    out = last_json(
        whatif(
            tmp_path,
            {
                "regime": "cross",
                "modules": {"insurance": 300, "market": 400},
                "correlation": {
                    "modules": ["insurance", "market", "credit"],
                    "matrix": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
                },
                "capital": {"core": 1000, "supplementary": 0},
            },
        )
    )
    assert out["diversified_requirement"] == D("500.00")


def test_the_table_format_ends_with_the_json_line(tmp_path):
    lines = whatif(
        tmp_path,
        {
            "regime": "rbc",
            "modules": {"r2_equity": 10},
            "capital": {"core": 10, "supplementary": 0},
        },
        fmt="table",
    )
    assert lines[0].startswith("regime")
    assert any(line.startswith("minimum capital") for line in lines)
    assert last_json(lines)["minimum_capital"] == D("5.00")


VALID = {
    "regime": "cross",
    "modules": {"insurance": 100},
    "capital": {"core": 100, "supplementary": 0},
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"modules": {"nonsense": 1}}, "modules.nonsense"),
        ({"modules": {"insurance": "a lot"}}, "modules.insurance"),
        ({"modules": {"insurance": True}}, "modules.insurance"),
        ({"modules": {"insurance": -1}}, "modules.insurance"),
        (
            {
                "correlation": {
                    "modules": ["insurance", "market"],
                    "matrix": [[1, "0.3"], ["0.2", 1]],
                }
            },
            "correlation.matrix[1][0]",
        ),
        (
            {"correlation": {"modules": ["insurance", "market"], "matrix": [[1, 0], [0, 2]]}},
            "correlation.matrix[1][1]",
        ),
        (
            {"correlation": {"modules": ["insurance", "x"], "matrix": [[1, 0], [0, 1]]}},
            "correlation.modules[1]",
        ),
        (
            {"correlation": {"modules": ["market"], "matrix": [[1]]}},
            "modules.insurance",
        ),
        ({"regime": "basel"}, "regime"),
        ({"capital": {"core": 1}}, "capital.supplementary"),
        ({"capital": {"core": "x", "supplementary": 0}}, "capital.core"),
        ({"adjustments": {"operational": "x"}}, "adjustments.operational"),
        ({"rating": "E"}, "rating"),
    ],
)
def test_bad_input_names_the_field(tmp_path, change, field):
    with pytest.raises(CommandError) as raised:
        whatif(tmp_path, {**VALID, **change})
    assert field in str(raised.value)


@pytest.mark.parametrize("missing", ["regime", "modules", "capital"])
def test_a_missing_field_is_named(tmp_path, missing):
    data = {k: v for k, v in VALID.items() if k != missing}
    with pytest.raises(CommandError) as raised:
        whatif(tmp_path, data)
    assert missing in str(raised.value)


def test_not_json_names_the_file(tmp_path):
    with pytest.raises(CommandError) as raised:
        whatif(tmp_path, "{not json")
    assert "file" in str(raised.value)


def test_the_command_exits_non_zero_naming_the_field(tmp_path, capsys):
    """Run as from the shell (``manage.py solvency_whatif``): exit status 1, and the
    message on stderr names the field."""
    path = tmp_path / "in.json"
    path.write_text(json.dumps({**VALID, "modules": {"nonsense": 1}}))
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "solvency_whatif", str(path)])
    assert exited.value.code == 1
    assert "modules.nonsense" in capsys.readouterr().err
