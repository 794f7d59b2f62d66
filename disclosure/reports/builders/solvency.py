"""The quarterly solvency report, and its solvency sections the annual report repeats at
the year end: key indicators, actual and minimum capital, reserves, history."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date

from ..document import Cell, Report, Section, Table, date, money, percent, text
from ..figures import Reader
from .common import SOLVENCY_QUARTERLY, Common, build_report, pct, quarter_label, yes_no


def solvency_sections(
    c: Common, block: Reader, history: list[Reader], reserves: Reader | None
) -> list[Section]:
    lang = c.language
    thresholds = block.req_obj("thresholds")
    capital = block.req_obj("capital")
    regime = block.req_obj("regime")
    valuation = block.req_date("valuation_date")
    status_label = block.req_label("status_label", lang)
    rating = block.text("rating", required=False) or ""

    paragraphs = [
        _(
            "Solvency as at %(date)s under %(regime)s, from the approved assessment. "
            "Status: %(status)s."
        )
        % {
            "date": format_date(valuation),
            "regime": regime.req_label("name", lang),
            "status": status_label,
        }
    ]
    approved_on = block.date("approved_on", required=False)
    if approved_on:
        paragraphs.append(_("Approved on %(date)s.") % {"date": format_date(approved_on)})
    notes: list[str] = []
    if block.flag("early_warning"):
        notes.append(
            _("Early warning: a ratio is within %(points)s percentage points of its minimum.")
            % {"points": thresholds.decimal("early_warning_points")}
        )
    deadline = block.date("deadline", required=False)
    if deadline:
        notes.append(
            _("The measures the status requires are due by %(date)s.")
            % {"date": format_date(deadline)}
        )

    indicator_rows: list[list[Cell]] = [
        [
            text(_("Comprehensive solvency adequacy ratio")),
            percent(pct(block.decimal("comprehensive_ratio", required=False))),
            percent(pct(thresholds.decimal("comprehensive", required=False))),
        ],
        [
            text(_("Core solvency adequacy ratio")),
            percent(pct(block.decimal("core_ratio", required=False))),
            percent(pct(thresholds.decimal("core", required=False))),
        ],
    ]
    if block.has("mcr_ratio") or thresholds.has("mcr"):
        indicator_rows.append(
            [
                text(_("MCR ratio")),
                percent(pct(block.decimal("mcr_ratio", required=False))),
                percent(pct(thresholds.decimal("mcr", required=False))),
            ]
        )
    indicator_rows += [
        [
            text(_("Integrated risk rating")),
            text(rating or "—"),
            text(thresholds.text("rating", required=False) or "—"),
        ],
        [text(_("Status")), text(status_label), text("")],
        [text(_("Early warning")), text(yes_no(block.flag("early_warning"))), text("")],
    ]
    indicators = Table(
        caption=_("Key solvency indicators"),
        headers=[_("Indicator"), _("This period"), _("Minimum")],
        rows=indicator_rows,
    )

    capital_rows = [
        [text(_("Core capital")), money(capital.req_money("core"))],
        [text(_("Supplementary capital (before limits)")), money(capital.money("supplementary"))],
        [text(_("Supplementary capital admitted")), money(capital.money("admitted_supplementary"))],
    ]
    capital_table = Table(
        caption=_("Actual capital"),
        headers=[_("Item"), _("Amount")],
        rows=capital_rows,
        total=[text(_("Actual capital")), money(capital.req_money("actual"))],
    )
    lines = block.items("capital_lines")
    capital_tables = [capital_table]
    if lines:
        capital_tables.append(
            Table(
                caption=_("Capital items"),
                headers=[_("Item"), _("Tier"), _("Amount")],
                rows=[
                    [
                        text(line.req_label("name", lang)),
                        text(line.text("tier", required=False) or ""),
                        money(line.req_money("amount")),
                    ]
                    for line in lines
                ],
            )
        )

    requirement_rows = [
        [text(m.req_label("name", lang)), money(m.req_money("amount"))]
        for m in block.items("modules")
    ]
    requirement = block.obj("requirement", required=False)
    if requirement is not None:
        requirement_rows += [
            [text(_("Sum of module charges")), money(requirement.money("modules_total"))],
            [text(_("Diversified requirement")), money(requirement.money("diversified"))],
        ]
    requirement_rows += [
        [text(a.req_label("name", lang)), money(a.req_money("amount"))]
        for a in block.items("adjustments")
    ]
    if capital.has("mcr"):
        requirement_rows.append([text(_("MCR")), money(capital.money("mcr"))])
    minimum_table = Table(
        caption=_("Minimum capital by risk module"),
        headers=[_("Item"), _("Amount")],
        rows=requirement_rows,
        total=[text(_("Minimum capital")), money(capital.req_money("minimum"))],
    )

    sections = [
        Section(
            heading=_("Solvency"),
            paragraphs=paragraphs,
            tables=[indicators],
            notes=notes,
        ),
        Section(heading=_("Actual capital"), tables=capital_tables),
        Section(heading=_("Minimum capital"), tables=[minimum_table]),
    ]
    if reserves is not None:
        upr = reserves.req_money("upr")
        outstanding = reserves.req_money("outstanding")
        ibnr = reserves.req_money("ibnr")
        sections.append(
            Section(
                heading=_("Technical reserves"),
                paragraphs=[
                    _("From the approved reserve run as at %(date)s.")
                    % {"date": format_date(reserves.req_date("valuation_date"))}
                ],
                tables=[
                    Table(
                        caption=_("Technical reserves"),
                        headers=[_("Reserve"), _("Amount")],
                        rows=[
                            [text(_("Unearned premium reserve")), money(upr)],
                            [text(_("Outstanding claims reserve")), money(outstanding)],
                            [text(_("IBNR reserve")), money(ibnr)],
                        ],
                        total=[text(_("Total")), money(upr + outstanding + ibnr)],
                    )
                ],
            )
        )
    if history:
        sections.append(
            Section(
                heading=_("Solvency history"),
                tables=[
                    Table(
                        caption=_("Solvency by quarter"),
                        headers=[
                            _("Quarter"),
                            _("Valuation date"),
                            _("Comprehensive solvency adequacy ratio"),
                            _("Core solvency adequacy ratio"),
                            _("Status"),
                        ],
                        rows=[
                            [
                                text(point.req_text("quarter")),
                                date(point.req_date("valuation_date")),
                                percent(pct(point.decimal("comprehensive_ratio", required=False))),
                                percent(pct(point.decimal("core_ratio", required=False))),
                                text(point.req_label("status_label", lang)),
                            ]
                            for point in history
                        ],
                    )
                ],
            )
        )
    return sections


def solvency_quarterly_report(figures: dict[str, Any], *, language: str) -> Report:
    """The quarterly solvency report (C-ROSS quarterly summary): key indicators against
    their minimums, actual capital, minimum capital by risk module, the reserves and the
    history by quarter. ``figures`` as the package's docstring lays out."""
    with translation.override(language):
        c = Common(figures, language)
        sections = [
            Section(
                heading=_("Basic information"),
                paragraphs=[
                    _("%(society)s reports its solvency for %(period)s (%(start)s to %(end)s).")
                    % {
                        "society": c.society_name,
                        "period": quarter_label(c.end),
                        "start": format_date(c.start),
                        "end": format_date(c.end),
                    },
                    c.currency_note(),
                ],
            ),
            *solvency_sections(
                c,
                c.root.req_obj("solvency"),
                c.root.items("history"),
                c.root.obj("reserves", required=False),
            ),
        ]
        return build_report(
            c,
            kind=SOLVENCY_QUARTERLY,
            title=_("Quarterly solvency report"),
            subtitle=quarter_label(c.end),
            sections=sections,
        )
