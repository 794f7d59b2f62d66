"""The quarterly solvency report and the annual report, built from their figures.

``solvency_quarterly_report(figures, language=...)`` and ``annual_report(figures,
language=...)`` are pure: no database, no clock. Their text is taken through gettext in
``language`` (``"zh-hans"`` or ``"en"``); names that are data (the society, a plan, a
governing body, an account, a risk module, a rung of the solvency ladder) come in the
figures, either as one text or as ``{"zh-hans": "…", "en": "…"}`` (a *label* below).
Conventions of the figures (``..figures``): amounts are strings with their cents
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

from .annual import annual_report
from .common import ANNUAL, SOLVENCY_QUARTERLY
from .solvency import solvency_quarterly_report

__all__ = ["ANNUAL", "SOLVENCY_QUARTERLY", "annual_report", "solvency_quarterly_report"]
