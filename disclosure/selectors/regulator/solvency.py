"""The solvency workings: reserve runs with their report, assessments with their
module charges, inputs and stress results."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from solvency.selectors import (
    ReserveRunReport,
    assessments_visible_to,
    reserve_runs_visible_to,
    stress_results_latest,
)

from ...exports import Column, Table


def reserve_runs_table(user) -> Table:
    runs = reserve_runs_visible_to(user)
    return Table(
        slug="reserve-runs",
        caption=_("Reserve runs"),
        columns=(
            Column("id", _("run"), "int"),
            Column("valuation_date", _("valuation date"), "date"),
            Column("version", _("version"), "int"),
            Column("state", _("state")),
            Column("method", _("method")),
            Column("upr", _("unearned premium reserve"), "money"),
            Column("outstanding", _("outstanding claims reserve"), "money"),
            Column("ibnr", _("IBNR"), "money"),
            Column("std_err_total", _("standard error"), "money"),
            Column("approved_at", _("approved at"), "datetime"),
        ),
        rows=[
            (
                r.pk,
                r.valuation_date,
                r.version,
                r.get_state_display(),
                r.get_method_display(),
                r.upr,
                r.outstanding,
                r.ibnr,
                r.std_err_total,
                r.approved_at,
            )
            for r in runs
        ],
    )


def reserve_run_get(user, run_id: int):
    """A run ``user`` may read, or None."""
    return reserve_runs_visible_to(user).filter(pk=run_id).first()


def reserve_run_tables(report: ReserveRunReport) -> list[Table]:
    """A run's report as tables: totals, results by origin, factors, the two triangles."""
    run = report.run
    tables = [
        Table(
            slug="totals",
            caption=_("Reserves of the run"),
            columns=(Column("item", _("item")), Column("amount", _("amount"), "money")),
            rows=[
                ("upr", run.upr),
                ("outstanding", run.outstanding),
                ("ibnr", run.ibnr),
                ("std_err_total", run.std_err_total),
            ],
        ),
        Table(
            slug="origins",
            caption=_("Results by origin"),
            columns=(
                Column("origin", _("origin")),
                Column("latest", _("incurred to date"), "money"),
                Column("ultimate", _("ultimate"), "money"),
                Column("ibnr", _("IBNR"), "money"),
                Column("std_err", _("standard error"), "money"),
            ),
            rows=[
                (o.label, o.latest, o.ultimate, o.ibnr, o.std_err)  # type: ignore[attr-defined]
                for o in report.origins
            ],
            total=("total", run.latest_total, run.ultimate_total, run.ibnr, run.std_err_total),
        ),
        Table(
            slug="factors",
            caption=_("Development factors"),
            columns=(Column("step", _("development")), Column("factor", _("factor"), "decimal")),
            rows=[(f"{i}-{i + 1}", Decimal(str(f))) for i, f in enumerate(run.factors, start=1)],
        ),
    ]
    for triangle in report.triangles:
        lags = triangle["lags"]
        tables.append(
            Table(
                slug=f"triangle-{triangle['key']}",
                caption=triangle["label"],
                columns=(
                    Column("origin", _("origin")),
                    *(Column(f"lag_{lag}", str(lag), "money") for lag in lags),
                ),
                rows=[
                    (row["label"], *(cell["value"] for cell in row["cells"]))
                    for row in triangle["rows"]
                ],
            )
        )
    return tables


def assessments_table(user) -> Table:
    assessments = assessments_visible_to(user)
    return Table(
        slug="assessments",
        caption=_("Solvency assessments"),
        columns=(
            Column("id", _("assessment"), "int"),
            Column("regime", _("regime")),
            Column("valuation_date", _("valuation date"), "date"),
            Column("version", _("version"), "int"),
            Column("state", _("state")),
            Column("actual_capital", _("actual capital"), "money"),
            Column("core_capital", _("core capital"), "money"),
            Column("minimum_capital", _("minimum capital"), "money"),
            Column("comprehensive_ratio", _("comprehensive ratio (%)"), "decimal"),
            Column("core_ratio", _("core ratio (%)"), "decimal"),
            Column("rating", _("rating")),
            Column("approved_at", _("approved at"), "datetime"),
        ),
        rows=[
            (
                a.pk,
                a.regime.display_name,
                a.valuation_date,
                a.version,
                a.get_state_display(),
                a.actual_capital,
                a.core_capital,
                a.minimum_capital,
                a.comprehensive_ratio,
                a.core_ratio,
                a.rating,
                a.approved_at,
            )
            for a in assessments
        ],
    )


def assessment_get(user, assessment_id: int):
    """An assessment ``user`` may read, or None."""
    return assessments_visible_to(user).filter(pk=assessment_id).first()


def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """A JSON document as (path, value) pairs: ``claims.paid_12m`` → ``"1234.50"``."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _flatten(item, f"{prefix}[{i}]")
    else:
        yield prefix, value


def assessment_tables(assessment) -> list[Table]:
    """An assessment's module charges and adjustments, its inputs, its stress results."""
    lines = list(assessment.lines.all())
    stress = stress_results_latest(assessment)
    return [
        Table(
            slug="lines",
            caption=_("Module charges and adjustments"),
            columns=(
                Column("kind", _("kind")),
                Column("code", _("code")),
                Column("name", _("name")),
                Column("amount", _("amount"), "money"),
            ),
            rows=[(x.get_kind_display(), x.code, x.display_name, x.amount) for x in lines],
            total=(
                "",
                "",
                _("minimum capital"),
                assessment.minimum_capital,
            ),
        ),
        Table(
            slug="inputs",
            caption=_("Inputs used"),
            columns=(Column("input", _("input")), Column("value", _("value"))),
            rows=[
                (path, "" if value is None else str(value))
                for path, value in _flatten(assessment.inputs)
            ],
            note=_("SHA-256 of the inputs: %(digest)s") % {"digest": assessment.inputs_digest},
        ),
        Table(
            slug="stress",
            caption=_("Stress results"),
            columns=(
                Column("scenario", _("scenario")),
                Column("claims_loss", _("loss from claims"), "money"),
                Column("reserve_loss", _("loss from reserve deterioration"), "money"),
                Column("asset_loss", _("loss on assets"), "money"),
                Column("actual_capital", _("actual capital"), "money"),
                Column("minimum_capital", _("minimum capital"), "money"),
                Column("comprehensive_ratio", _("comprehensive ratio (%)"), "decimal"),
                Column("core_ratio", _("core ratio (%)"), "decimal"),
                Column("status", _("status on the ladder")),
                Column("computed_at", _("computed at"), "datetime"),
            ),
            rows=[
                (
                    r.scenario.display_name,
                    r.claims_loss,
                    r.reserve_loss,
                    r.asset_loss,
                    r.actual_capital,
                    r.minimum_capital,
                    r.comprehensive_ratio,
                    r.core_ratio,
                    r.status,
                    r.computed_at,
                )
                for r in stress
            ],
        ),
    ]
