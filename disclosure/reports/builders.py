"""The quarterly solvency report and the annual report, built from their figures.

``solvency_quarterly_report(figures, language=...)`` and ``annual_report(figures,
language=...)`` are pure: no database, no clock. Their text is taken through gettext in
``language`` (``"zh-hans"`` or ``"en"``); names that are data (the society, a plan, a
governing body, an account, a risk module, a rung of the solvency ladder) come in the
figures, either as one text or as ``{"zh-hans": "…", "en": "…"}`` (a *label* below).
Conventions of the figures (``figures.py``): amounts are strings with their cents
(``"1234567.89"``), dates ISO strings, counts JSON integers; solvency ratios and their
thresholds are in **percent** as ``SolvencyAssessment`` and ``Thresholds`` hold them
(``"185.43"`` is 185.43%); claims rates are **fractions** as ``claim_statistics``
returns them (``0.1234`` is 12.34%); ``null`` or an absent optional key is "not
given". A bad or missing value raises ``FiguresError`` naming its path.

Common to both (top level)::

    "schema": 1,                              # optional; this package reads layout 1
    "society": {"name": "示例相互保险社", "name_en": "Example Mutual"},  # name_en optional
    "currency": "CNY",                        # settings.SOCIETY_CURRENCY
    "period": {"start": "2026-07-01", "end": "2026-09-30"},
    "generated_on": "2026-10-20",             # the day the figures were taken: shown in
                                              # the footer and the PDF's creation date

Quarterly solvency report, in addition::

    "solvency": SOLVENCY,                     # required: the quarter's approved assessment
    "history": [HISTORY_POINT, ...],          # optional: solvency_history(8), oldest first
    "reserves": RESERVES,                     # optional: the approved reserve run counted

    SOLVENCY = {                              # solvency_summary(a) + the assessment's figures
      "assessment_id": 42, "version": 1,      # optional
      "valuation_date": "2026-09-30",
      "approved_on": "2026-10-15",            # optional: a.approved_at, local date
      "regime": {"code": "cross", "name": LABEL},     # a.regime.code, name / name_en
      "comprehensive_ratio": "185.43",        # percent; null when there is no requirement
      "core_ratio": "120.10",
      "mcr_ratio": null,                      # only regimes with an MCR
      "rating": "A",                          # "" when not rated
      "status": "adequate",                   # a.ladder_status
      "status_label": LABEL,                  # summaries.status_label, in each language
      "early_warning": false,
      "deadline": null,                       # what the reached rung requires, by
      "thresholds": {"comprehensive": "100.00", "core": "50.00", "mcr": null,
                     "rating": "B", "early_warning_points": "20.00"},   # Thresholds
      "capital": {"core": "…", "supplementary": "…", "admitted_supplementary": "…",
                  "actual": "…", "minimum": "…", "mcr": null},   # a.core_capital, …
      "requirement": {"modules_total": "…", "diversified": "…", "adjustments": "…"},
                                              # optional: a.undiversified_requirement,
                                              # a.diversified_requirement, a.adjustments_total
      "modules": [{"code": "insurance", "name": LABEL, "amount": "…"}],     # lines, kind module
      "adjustments": [{"code": "…", "name": LABEL, "amount": "…"}],        # kind adjustment
      "capital_lines": [{"code": "…", "name": LABEL, "tier": "core", "amount": "…"}],
                                              # optional: Dashboard.capital_lines
    }
    HISTORY_POINT = {"quarter": "2026Q2", "valuation_date": "2026-06-30",
                     "comprehensive_ratio": "…", "core_ratio": "…", "mcr_ratio": null,
                     "status": "adequate", "status_label": LABEL, "early_warning": false}
    RESERVES = {"valuation_date": "2026-09-30", "upr": "…", "outstanding": "…", "ibnr": "…"}
                                              # run.valuation_date + reserve_totals(run)

Annual report, in addition (every block but ``finances`` and ``solvency`` optional; an
absent block is a section saying that nothing was reported)::

    "key_figures": {"members_in_force": 1200, "contributions": "…", "claims_paid": "…",
                    "claims_ratio": 0.62, "expense_ratio": 0.08},      # fractions
    "governance": {
      "bodies": [{"kind": "board", "name": LABEL, "seats": 7,          # Body
                  "mandates": [{"name": "张三", "role": "chair",   # body_mandates(body, on=end)
                                "starts_on": "2025-06-01", "ends_on": "2028-05-31"}]}],
      "meetings": [{"title": "2026年度会员大会", "body": LABEL,         # published_meetings()
                    "closed_on": "2026-05-20",         # voting_closed_at, local date
                    "roll_size": 1200, "roll_hash": "…",                # optional
                    "motions": [{"number": 1, "title": "…", "kind": "ordinary",  # meeting_results()
                                 "eligible": 1200, "participants": 800,
                                 "votes_for": 700, "votes_against": 60, "abstentions": 40,
                                 "outcome": "adopted",
                                 "elected": ["李四"]}]}],               # candidates elected
    },
    "finances": {                                                      # required
      "balance_sheet": {"as_of": "2026-12-31",                         # balance_sheet(as_of=end)
                        "assets": [LINE], "liabilities": [LINE], "equity": [LINE]},
      "income_statement": {"start": "2026-01-01", "end": "2026-12-31",  # income_statement()
                           "income": [LINE], "expenses": [LINE]},
    },
    LINE = {"code": "1001", "name": LABEL, "amount": "…"}   # Section.rows: (account, label,
                                              # amount); code null for "result not yet
                                              # appropriated"
    "solvency": SOLVENCY, "history": [HISTORY_POINT], "reserves": RESERVES,  # as above,
                                              # at the year's last quarter end
    "claims": {
      "statistics": {...},                    # claim_statistics(date_from=start,
                                              # date_to=end), Decimals as strings
      "by_month": [{"plan": LABEL, "month": "2026-01-01", "claims": 10,
                    "amount_claimed": "…", "amount_approved": "…", "amount_paid": "…",
                    "rejected": 1}],          # claim_statistics_by_month (plan__code →
                                              # plan, the plan's name or code)
      "apportionments": [{"plan": LABEL, "period_start": "…", "cutoff": "…",
                          "claim_count": 12, "benefits_total": "…", "fee_rate": "0.080000",
                          "fee": "…", "total": "…", "members_sharing": 100000,
                          "share_per_member": "…", "shortfall": "0.00"}],
                                              # apportionment_summaries() in the year
    },
    "complaints": {"received": 12, "resolved": 11, "pending": 1,
                   "resolved_in_time": 10,    # optional
                   "by_category": [{"category": LABEL, "received": 5, "resolved": 5}]},
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from claims.models import Claim
from governance.models import Mandate, Motion
from mutualsociety.common.display import format_date, format_money, punctuation
from mutualsociety.common.money import quantize_rate

from .document import (
    Cell,
    Report,
    Section,
    Table,
    date,
    integer,
    money,
    month,
    number,
    percent,
    text,
)
from .figures import SCHEMA, FiguresError, Reader, jsonable

HUNDRED = Decimal(100)

SOLVENCY_QUARTERLY = "solvency_quarterly"
ANNUAL = "annual"


def _pct(points: Decimal | None) -> Decimal | None:
    """A ratio in percent (``185.43``) as the fraction a cell holds (``1.8543``)."""
    return None if points is None else points / HUNDRED


def _choice(choices: Any, value: str | None) -> str:
    """The label of ``value`` among a model's TextChoices (the value itself if unknown)."""
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


class _Common:
    """What both reports read first: the schema version, society, period, date."""

    def __init__(self, figures: dict[str, Any], language: str) -> None:
        self.figures = jsonable(figures)
        self.language = language
        root = Reader(self.figures)
        schema = root.integer("schema", required=False)
        if schema is not None and schema != SCHEMA:
            raise FiguresError(
                f"schema {schema} is not a layout this version reads ({SCHEMA}).", field="schema"
            )
        self.root = root
        society = root.req_obj("society")
        name = society.req_text("name")
        name_en = society.text("name_en", required=False)
        self.society_name = name_en if language.startswith("en") and name_en else name
        self.currency = root.req_text("currency")
        period = root.req_obj("period")
        self.start = period.req_date("start")
        self.end = period.req_date("end")
        if self.start > self.end:
            raise FiguresError("period.start is after period.end.", field="period.start")
        self.generated_on = root.req_date("generated_on")

    def currency_note(self) -> str:
        return _("Amounts are in %(currency)s, to the cent.") % {"currency": self.currency}


def _quarter_label(end: dt.date) -> str:
    quarter = (end.month - 1) // 3 + 1
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": end.year}


# --- Solvency --------------------------------------------------------------------------


def _solvency_sections(
    c: _Common, block: Reader, history: list[Reader], reserves: Reader | None
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
            percent(_pct(block.decimal("comprehensive_ratio", required=False))),
            percent(_pct(thresholds.decimal("comprehensive", required=False))),
        ],
        [
            text(_("Core solvency adequacy ratio")),
            percent(_pct(block.decimal("core_ratio", required=False))),
            percent(_pct(thresholds.decimal("core", required=False))),
        ],
    ]
    if block.has("mcr_ratio") or thresholds.has("mcr"):
        indicator_rows.append(
            [
                text(_("MCR ratio")),
                percent(_pct(block.decimal("mcr_ratio", required=False))),
                percent(_pct(thresholds.decimal("mcr", required=False))),
            ]
        )
    indicator_rows += [
        [
            text(_("Integrated risk rating")),
            text(rating or "—"),
            text(thresholds.text("rating", required=False) or "—"),
        ],
        [text(_("Status")), text(status_label), text("")],
        [text(_("Early warning")), text(_yes_no(block.flag("early_warning"))), text("")],
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
                                percent(_pct(point.decimal("comprehensive_ratio", required=False))),
                                percent(_pct(point.decimal("core_ratio", required=False))),
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
    history by quarter. ``figures`` as the module's docstring lays out."""
    with translation.override(language):
        c = _Common(figures, language)
        sections = [
            Section(
                heading=_("Basic information"),
                paragraphs=[
                    _("%(society)s reports its solvency for %(period)s (%(start)s to %(end)s).")
                    % {
                        "society": c.society_name,
                        "period": _quarter_label(c.end),
                        "start": format_date(c.start),
                        "end": format_date(c.end),
                    },
                    c.currency_note(),
                ],
            ),
            *_solvency_sections(
                c,
                c.root.req_obj("solvency"),
                c.root.items("history"),
                c.root.obj("reserves", required=False),
            ),
        ]
        return Report(
            kind=SOLVENCY_QUARTERLY,
            language=language,
            title=_("Quarterly solvency report"),
            subtitle=_quarter_label(c.end),
            society_name=c.society_name,
            period_label=_("%(start)s to %(end)s")
            % {"start": format_date(c.start), "end": format_date(c.end)},
            generated_on=c.generated_on,
            currency=c.currency,
            sections=sections,
            figures=c.figures,
        )


# --- Annual report ---------------------------------------------------------------------


def _nothing(heading: str) -> Section:
    return Section(heading=heading, paragraphs=[_("Nothing was reported for this period.")])


def _key_figures(c: _Common, block: Reader | None) -> Section:
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
            Table(
                caption=_("Key figures"),
                headers=[_("Indicator"), _("Value")],
                rows=[
                    [text(_("Members in force")), integer(block.integer("members_in_force"))],
                    [text(_("Contributions")), money(block.money("contributions"))],
                    [text(_("Claims paid")), money(block.money("claims_paid"))],
                    [text(_("Claims ratio")), percent(block.decimal("claims_ratio"))],
                    [text(_("Expense ratio")), percent(block.decimal("expense_ratio"))],
                ],
            )
        )
    return Section(heading=_("Overview"), paragraphs=paragraphs, tables=tables)


def _governance(c: _Common, block: Reader | None) -> Section:
    if block is None:
        return _nothing(_("Governance"))
    lang = c.language
    tables: list[Table] = []
    for body in block.items("bodies"):
        name = body.req_label("name", lang)
        tables.append(
            Table(
                caption=name,
                headers=[pgettext("person", "Name"), _("Role"), _("Term starts"), _("Term ends")],
                rows=[
                    [
                        text(m.req_text("name")),
                        text(_choice(Mandate.Role, m.text("role", required=False))),
                        date(m.date("starts_on", required=False)),
                        date(m.date("ends_on", required=False)),
                    ]
                    for m in body.items("mandates")
                ],
            )
        )
    rows: list[list[Cell]] = []
    notes: list[str] = []
    for meeting in block.items("meetings"):
        title = meeting.req_text("title")
        body_name = meeting.label("body", lang, required=False)
        shown = f"{title}{punctuation('(')}{body_name}{punctuation(')')}" if body_name else title
        closed_on = meeting.date("closed_on", required=False)
        roll_hash = meeting.text("roll_hash", required=False)
        if roll_hash:
            notes.append(
                _("Voter roll of %(meeting)s: %(size)s voters, fingerprint %(hash)s.")
                % {
                    "meeting": title,
                    "size": meeting.integer("roll_size", required=False) or 0,
                    "hash": roll_hash,
                }
            )
        for motion in meeting.items("motions"):
            eligible = motion.integer("eligible", required=False)
            participants = motion.integer("participants", required=False)
            turnout = (
                Decimal(participants) / Decimal(eligible)
                if eligible and participants is not None
                else None
            )
            outcome = _choice(Motion.Outcome, motion.text("outcome", required=False))
            elected = motion.strings("elected")
            if elected:
                outcome = f"{outcome}{punctuation(':')}{punctuation('、').join(elected)}"
            rows.append(
                [
                    text(shown),
                    date(closed_on),
                    text(f"{motion.integer('number')}. {motion.req_text('title')}"),
                    integer(motion.integer("votes_for", required=False)),
                    integer(motion.integer("votes_against", required=False)),
                    integer(motion.integer("abstentions", required=False)),
                    percent(quantize_rate(turnout) if turnout is not None else None),
                    text(outcome),
                ]
            )
    if rows:
        tables.append(
            Table(
                caption=_("Resolutions and vote results"),
                headers=[
                    _("Meeting"),
                    _("Voting closed on"),
                    _("Motion"),
                    _("For"),
                    _("Against"),
                    _("Abstentions"),
                    _("Turnout"),
                    _("Outcome"),
                ],
                rows=rows,
            )
        )
    paragraphs = [
        _("Governing bodies: %(bodies)s. Meetings whose results were published: %(meetings)s.")
        % {
            "bodies": punctuation("、").join(
                body.req_label("name", lang) for body in block.items("bodies")
            )
            or "—",
            "meetings": len(block.items("meetings")),
        }
    ]
    return Section(heading=_("Governance"), paragraphs=paragraphs, tables=tables, notes=notes)


def _lines(c: _Common, lines: list[Reader]) -> list[list[Cell]]:
    return [
        [
            text(line.text("code", required=False) or ""),
            text(line.req_label("name", c.language)),
            money(line.req_money("amount")),
        ]
        for line in lines
    ]


def _sum(lines: list[Reader]) -> Decimal:
    return sum((line.req_money("amount") for line in lines), Decimal("0.00"))


def _finances(c: _Common, block: Reader) -> Section:
    sheet = block.req_obj("balance_sheet")
    statement = block.req_obj("income_statement")
    headers = [_("Account"), pgettext("ledger", "Account name"), _("Amount")]
    tables = []
    for key, caption in (
        ("assets", _("Assets")),
        ("liabilities", _("Liabilities")),
        ("equity", _("Equity")),
    ):
        lines = sheet.items(key)
        tables.append(
            Table(
                caption=caption,
                headers=headers,
                rows=_lines(c, lines),
                total=[text(""), text(_("Total")), money(_sum(lines))],
            )
        )
    income = statement.items("income")
    expenses = statement.items("expenses")
    tables += [
        Table(
            caption=_("Income"),
            headers=headers,
            rows=_lines(c, income),
            total=[text(""), text(_("Total")), money(_sum(income))],
        ),
        Table(
            caption=_("Expenses"),
            headers=headers,
            rows=_lines(c, expenses),
            total=[text(""), text(_("Total")), money(_sum(expenses))],
        ),
    ]
    net = _sum(income) - _sum(expenses)
    paragraphs = [
        _("Balance sheet as at %(date)s; income statement from %(start)s to %(end)s.")
        % {
            "date": format_date(sheet.req_date("as_of")),
            "start": format_date(statement.req_date("start")),
            "end": format_date(statement.req_date("end")),
        },
        (
            _("Surplus of the period: %(amount)s.")
            if net >= 0
            else _("Deficit of the period: %(amount)s.")
        )
        % {"amount": format_money(abs(net), c.currency)},
    ]
    notes = []
    claims_on_assets = _sum(sheet.items("liabilities")) + _sum(sheet.items("equity"))
    if _sum(sheet.items("assets")) != claims_on_assets:
        notes.append(
            _("The balance sheet does not balance: assets differ from liabilities and equity.")
        )
    return Section(heading=_("Finances"), paragraphs=paragraphs, tables=tables, notes=notes)


def _claims(c: _Common, block: Reader | None) -> list[Section]:
    if block is None:
        return [_nothing(_("Claims"))]
    lang = c.language
    sections = []
    stats = block.obj("statistics", required=False)
    tables = []
    if stats is not None:
        tables.append(
            Table(
                caption=_("Claims statistics"),
                headers=[_("Indicator"), _("Value")],
                rows=[
                    [text(_("Claims submitted")), integer(stats.integer("claims"))],
                    [text(_("Amount claimed")), money(stats.req_money("amount_claimed"))],
                    [text(_("Amount approved")), money(stats.req_money("amount_approved"))],
                    [text(_("Amount paid")), money(stats.req_money("amount_paid"))],
                    [
                        text(_("Days from submission to payment (mean)")),
                        number(stats.decimal("days_to_payment_mean", required=False)),
                    ],
                    [
                        text(_("Days from submission to payment (90th percentile)")),
                        number(stats.decimal("days_to_payment_p90", required=False)),
                    ],
                    [
                        text(_("Rejection rate")),
                        percent(stats.decimal("rejection_rate", required=False)),
                    ],
                    [
                        text(_("Objection rate")),
                        percent(stats.decimal("objection_rate", required=False)),
                    ],
                    [
                        text(_("Overturn rate")),
                        percent(stats.decimal("overturn_rate", required=False)),
                    ],
                    [
                        text(_("Review panels decided")),
                        integer(stats.integer("panels_decided", required=False)),
                    ],
                ],
            )
        )
        by_status = stats.obj("by_status", required=False)
        if by_status is not None:
            tables.append(
                Table(
                    caption=_("Claims by status"),
                    headers=[_("Status"), _("Claims")],
                    rows=[
                        [text(_choice(Claim.Status, status)), integer(by_status.integer(status))]
                        for status in by_status.data
                    ],
                )
            )
    months = block.items("by_month")
    if months:
        tables.append(
            Table(
                caption=_("Claims by plan and month of submission"),
                headers=[
                    _("Plan"),
                    _("Month"),
                    _("Claims"),
                    _("Amount claimed"),
                    _("Amount approved"),
                    _("Amount paid"),
                    _("Rejected"),
                ],
                rows=[
                    [
                        text(m.req_label("plan", lang)),
                        month(m.req_date("month")),
                        integer(m.integer("claims")),
                        money(m.req_money("amount_claimed")),
                        money(m.req_money("amount_approved")),
                        money(m.req_money("amount_paid")),
                        integer(m.integer("rejected", required=False)),
                    ]
                    for m in months
                ],
                total=[
                    text(_("Total")),
                    text(""),
                    integer(sum(m.integer("claims") or 0 for m in months)),
                    money(sum((m.req_money("amount_claimed") for m in months), Decimal("0.00"))),
                    money(sum((m.req_money("amount_approved") for m in months), Decimal("0.00"))),
                    money(sum((m.req_money("amount_paid") for m in months), Decimal("0.00"))),
                    integer(sum(m.integer("rejected", required=False) or 0 for m in months)),
                ],
            )
        )
    sections.append(
        Section(
            heading=_("Claims"),
            paragraphs=[
                _("Claims submitted from %(start)s to %(end)s.")
                % {"start": format_date(c.start), "end": format_date(c.end)}
            ],
            tables=tables,
        )
    )
    periods = block.items("apportionments")
    if periods:
        sections.append(
            Section(
                heading=_("Apportionment"),
                tables=[
                    Table(
                        caption=_("Apportionment periods"),
                        headers=[
                            _("Plan"),
                            _("Cut-off"),
                            _("Cases"),
                            _("Benefits shared"),
                            _("Management fee rate"),
                            _("Management fee"),
                            _("Members sharing"),
                            _("Share per member"),
                            _("Shortfall"),
                        ],
                        rows=[
                            [
                                text(p.req_label("plan", lang)),
                                date(p.req_date("cutoff")),
                                integer(p.integer("claim_count")),
                                money(p.req_money("benefits_total")),
                                percent(p.decimal("fee_rate")),
                                money(p.req_money("fee")),
                                integer(p.integer("members_sharing")),
                                money(p.req_money("share_per_member")),
                                money(p.money("shortfall", required=False)),
                            ]
                            for p in periods
                        ],
                    )
                ],
            )
        )
    return sections


def _complaints(c: _Common, block: Reader | None) -> Section:
    if block is None:
        return _nothing(_("Complaints"))
    rows = [
        [text(_("Complaints received")), integer(block.integer("received"))],
        [text(_("Complaints resolved")), integer(block.integer("resolved"))],
        [text(_("Complaints pending")), integer(block.integer("pending", required=False))],
    ]
    if block.has("resolved_in_time"):
        rows.append(
            [text(_("Resolved within the time limit")), integer(block.integer("resolved_in_time"))]
        )
    tables = [Table(caption=_("Complaints"), headers=[_("Indicator"), _("Value")], rows=rows)]
    categories = block.items("by_category")
    if categories:
        tables.append(
            Table(
                caption=_("Complaints by category"),
                headers=[_("Category"), _("Received"), _("Resolved")],
                rows=[
                    [
                        text(k.req_label("category", c.language)),
                        integer(k.integer("received")),
                        integer(k.integer("resolved", required=False)),
                    ]
                    for k in categories
                ],
            )
        )
    return Section(heading=_("Complaints"), tables=tables)


def annual_report(figures: dict[str, Any], *, language: str) -> Report:
    """The annual report: overview, governance (bodies, resolutions and votes), finances
    (balance sheet, income statement), solvency at the year end with its history, claims
    (statistics, by month, apportionment) and complaints. ``figures`` as the module's
    docstring lays out."""
    with translation.override(language):
        c = _Common(figures, language)
        root = c.root
        sections = [
            _key_figures(c, root.obj("key_figures", required=False)),
            _governance(c, root.obj("governance", required=False)),
            _finances(c, root.req_obj("finances")),
            *_solvency_sections(
                c,
                root.req_obj("solvency"),
                root.items("history"),
                root.obj("reserves", required=False),
            ),
            *_claims(c, root.obj("claims", required=False)),
            _complaints(c, root.obj("complaints", required=False)),
        ]
        return Report(
            kind=ANNUAL,
            language=language,
            title=_("Annual report"),
            subtitle=_("Year %(year)s") % {"year": c.end.year},
            society_name=c.society_name,
            period_label=_("%(start)s to %(end)s")
            % {"start": format_date(c.start), "end": format_date(c.end)},
            generated_on=c.generated_on,
            currency=c.currency,
            sections=sections,
            figures=c.figures,
        )
