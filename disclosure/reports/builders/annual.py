"""The annual report: its overview, then the sections of each subject in their modules
(governance, finances, solvency, claims, complaints)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date

from ..document import Report, Section, integer, money, percent, text
from ..figures import Reader
from .claims import claims_sections
from .common import ANNUAL, Common, build_report, indicator_table
from .complaints import complaints_section
from .finances import finances_section
from .governance import governance_section
from .solvency import solvency_sections


def key_figures(c: Common, block: Reader | None) -> Section:
    paragraphs = [
        _("%(society)s reports on its year %(year)s (%(start)s to %(end)s).")
        % {
            "society": c.society_name,
            "year": c.end.year,
            "start": format_date(c.start),
            "end": format_date(c.end),
        },
        c.currency_note(),
    ]
    tables = []
    if block is not None:
        tables.append(
            indicator_table(
                _("Key figures"),
                [
                    [text(_("Members in force")), integer(block.integer("members_in_force"))],
                    [text(_("Contributions")), money(block.money("contributions"))],
                    [text(_("Claims paid")), money(block.money("claims_paid"))],
                    [text(_("Claims ratio")), percent(block.decimal("claims_ratio"))],
                    [text(_("Expense ratio")), percent(block.decimal("expense_ratio"))],
                ],
            )
        )
    return Section(heading=_("Overview"), paragraphs=paragraphs, tables=tables)


def annual_report(figures: dict[str, Any], *, language: str) -> Report:
    """The annual report: overview, governance (bodies, resolutions and votes), finances
    (balance sheet, income statement), solvency at the year end with its history, claims
    (statistics, by month, apportionment) and complaints. ``figures`` as the
    package's docstring lays out."""
    with translation.override(language):
        c = Common(figures, language)
        root = c.root
        sections = [
            key_figures(c, root.obj("key_figures", required=False)),
            governance_section(c, root.obj("governance", required=False)),
            finances_section(c, root.req_obj("finances")),
            *solvency_sections(
                c,
                root.req_obj("solvency"),
                root.items("history"),
                root.obj("reserves", required=False),
            ),
            *claims_sections(c, root.obj("claims", required=False)),
            complaints_section(c, root.obj("complaints", required=False)),
        ]
        return build_report(
            c,
            kind=ANNUAL,
            title=_("Annual report"),
            subtitle=_("Year %(year)s") % {"year": c.end.year},
            sections=sections,
        )
