"""``manage.py reserve_triangle``: the answer is chainladder's on the same triangle (the
sample 'RAA'), the last line is one JSON object, and a bad file exits non-zero naming the
row."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mutualsociety.common.money import quantize_money

cl = pytest.importorskip("chainladder")
np = pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def raa():
    return cl.load_sample("raa")


def _csv(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def raa_csv(raa, tmp_path):
    values = raa.values[0, 0]
    lines = ["origin,development,value"] + [
        f"{1981 + i},{j + 1},{values[i, j]:.0f}"
        for i in range(10)
        for j in range(10)
        if not np.isnan(values[i, j])
    ]
    return _csv(tmp_path, "raa.csv", "\n".join(lines) + "\n")


def run(*args) -> tuple[list[str], dict]:
    out = StringIO()
    call_command("reserve_triangle", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return lines, json.loads(lines[-1], parse_float=Decimal)


def money(value) -> Decimal:
    return quantize_money(Decimal(repr(float(value))))


def test_mack_json_is_chainladders(raa, raa_csv):
    direct = cl.MackChainladder().fit(raa)

    lines, answer = run(raa_csv, "--method", "mack", "--format", "json")

    assert len(lines) == 1
    assert answer["method"] == "mack"
    assert [o["origin"] for o in answer["origins"]] == [str(y) for y in range(1981, 1991)]
    ultimates = [money(v) for v in np.asarray(direct.ultimate_.values).reshape(-1)]
    assert [o["ultimate"] for o in answer["origins"]] == ultimates
    assert answer["totals"]["std_err"] == money(
        np.asarray(direct.total_mack_std_err_).reshape(-1)[0]
    )
    assert answer["totals"]["ibnr"] == Decimal("52135.21")
    assert answer["totals"]["latest"] == Decimal("160987.00")
    assert set(answer["origins"][0]) == {"origin", "latest", "ultimate", "ibnr", "std_err"}


def test_table_then_json_and_chain_ladder_has_no_std_err(raa_csv):
    lines, answer = run(raa_csv, "--method", "chainladder")

    assert lines[0] == "method: chainladder"
    assert any(line.split()[0] == "total" for line in lines[:-1])
    assert answer["totals"]["std_err"] is None
    assert all(o["std_err"] is None for o in answer["origins"])


def test_incremental_input_gives_the_same_answer(raa, raa_csv, tmp_path):
    values = raa.cum_to_incr().values[0, 0]
    lines = ["development,value,origin"] + [  # columns in any order
        f"{j + 1},{values[i, j]:.0f},{1981 + i}"
        for i in range(10)
        for j in range(10)
        if not np.isnan(values[i, j])
    ]
    path = _csv(tmp_path, "incr.csv", "\n".join(lines) + "\n")

    _lines, incremental = run(path, "--method", "mack", "--incremental", "--format", "json")
    _lines, cumulative = run(raa_csv, "--method", "mack", "--format", "json")

    assert incremental == cumulative


def test_bf_with_exposure_and_tail(raa, raa_csv, tmp_path):
    exposure = _csv(
        tmp_path,
        "exposure.csv",
        "origin,exposure\n" + "".join(f"{1981 + i},40000\n" for i in range(10)),
    )
    developed = cl.TailConstant(tail=1.05).fit_transform(cl.Development().fit_transform(raa))
    direct = cl.BornhuetterFerguson(apriori=0.7).fit(
        developed, sample_weight=raa.latest_diagonal * 0 + 40_000
    )

    _lines, answer = run(
        raa_csv, "--method", "bf", "--apriori", "0.7", "--exposure", exposure, "--tail", "1.05",
        "--format", "json",
    )  # fmt: skip

    ultimates = [money(v) for v in np.asarray(direct.ultimate_.values).reshape(-1)]
    assert [o["ultimate"] for o in answer["origins"]] == ultimates
    assert answer["tail"] == Decimal("1.050000")


def test_bf_needs_apriori_and_exposure(raa_csv):
    with pytest.raises(CommandError, match="--apriori and --exposure"):
        run(raa_csv, "--method", "bf", "--apriori", "0.7")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("origin,value\n1981,1,5\n", "line 1: the column development is missing"),
        ("origin,development,value\n1981,1,5012\n1981,2,abc\n", "line 3: value 'abc' is not"),
        ("origin,development,value\n1981,x,5\n", "line 2: development 'x' is not a number"),
        ("origin,development,value\n1981,1.5,5\n", "line 2: development 1.5 is not a whole"),
        (
            "origin,development,value\n1981,1,5\n1982,1,6\n1981,1,7\n",
            "line 4: origin 1981, development 1 is given twice (first on line 2)",
        ),
        ("origin,development,value\n", "the triangle is empty"),
        ("origin,development,value\n1981,0,5\n1981,1,6\n", "line 2: development 0 is below 1"),
        ("origin,development,value\n,1,5\n", "line 2: the origin is empty"),
    ],
)
def test_bad_files_are_refused_naming_the_row(tmp_path, text, message):
    path = _csv(tmp_path, "bad.csv", text)
    with pytest.raises(CommandError) as refused:
        run(path, "--method", "mack")
    assert message in str(refused.value)


def test_a_bad_file_exits_non_zero(tmp_path):
    path = _csv(tmp_path, "bad.csv", "origin,development,value\n1981,1,abc\n")
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "reserve_triangle", path, "--method", "mack"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # A command speaks the society's default language (zh-hans):
    # "三角形第 2 行：value 'abc' 不是数字。"
    assert done.returncode != 0
    assert "第 2 行" in done.stderr and "'abc'" in done.stderr
