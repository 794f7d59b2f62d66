"""The figures of the automatic publications, read from the other apps' selectors.

Each function returns the ``content`` a publication stores (JSON: amounts as strings with
their cents, dates as ISO strings, ``jsonable``). The content must depend on the approved
records only, never on the clock or on the request: ``publication_publish_auto`` compares
it with the published version to tell "nothing changed" (a no-op) from "new figures" (a
correction). So every date in it comes from the records (a meeting's publication, an
assessment's approval), and a quarter's history is cut at that quarter.

The quarterly solvency report and the annual report take their figures in the layout
``disclosure.reports.builders`` documents; the same dict is the publication's content.

By subject: ``periods`` (quarters and the helpers every block shares), ``governance``
(a meeting's notice, resolutions and minutes; the annual report's governance block),
``claims`` (apportionment periods, claims statistics), ``finances`` (balance sheet and
income statement), ``solvency`` (an assessment's block, history and reserves; the
quarterly report) and ``annual`` (the annual report, complaints hook, key figures).
"""

from .annual import annual_figures, complaints_block, complaints_figures, key_figures_block
from .claims import apportionment_figures, claims_figures
from .finances import finances_figures
from .governance import (
    governance_figures,
    meeting_head,
    meeting_notice_figures,
    minutes_figures,
    resolution_figures,
)
from .periods import is_quarter_end, quarter_bounds, quarter_label
from .solvency import (
    HISTORY_DEPTH,
    HISTORY_QUARTERS,
    reserves_block,
    solvency_block,
    solvency_history_until,
    solvency_quarterly_figures,
)

__all__ = [
    "HISTORY_DEPTH",
    "HISTORY_QUARTERS",
    "annual_figures",
    "apportionment_figures",
    "claims_figures",
    "complaints_block",
    "complaints_figures",
    "finances_figures",
    "governance_figures",
    "is_quarter_end",
    "key_figures_block",
    "meeting_head",
    "meeting_notice_figures",
    "minutes_figures",
    "quarter_bounds",
    "quarter_label",
    "reserves_block",
    "resolution_figures",
    "solvency_block",
    "solvency_history_until",
    "solvency_quarterly_figures",
]
