"""The publications the platform makes itself, from the other apps' approved records.

One service per source; each builds the content from the source app's selectors
(``figures``) and publishes it with ``publication_publish_auto``: the same figures again
are a no-op, new figures a correction (version n + 1 with a note naming what changed).
They are called by the Celery tasks the receivers queue (``disclosure.receivers``), by
the periodic jobs, and by ``disclosure_sync``, the daily catch-up:

- a published meeting → its RESOLUTIONS (``resolutions:meeting-<id>``, with the results of
  its published consultations; a consultation published after the meeting makes a new
  version) and MINUTES (``minutes:meeting-<id>``); a convened meeting → its MEETING_NOTICE;
- a published apportionment period → APPORTIONMENT (``apportionment:<plan>:<cutoff>``);
- an approved assessment at a quarter end under the regime in force → SOLVENCY_SUMMARY
  (``solvency_summary:<regime>:<quarter>``) with the quarterly solvency report attached
  (a PDF in Chinese and one in English, the figures as CSV in each language and as JSON);
- a quarter settled (``SETTLE_DAYS`` after its end) → CLAIMS_STATISTICS,
  COMPLAINTS_STATISTICS and FINANCIAL_STATEMENTS (``claims_statistics:<quarter>``,
  ``complaints_statistics:<quarter>``, ``financial_statements:<quarter>``);
- a year → ANNUAL_REPORT (``annual_report:<year>``) with the annual report attached. The
  rule: published once the year is over and its fourth quarter's solvency assessment
  (31 December, the regime in force) is approved — the last figures the report needs.
  Until then the daily job (and the catch-up) try again and skip;
- a material-event draft of solvency → MATERIAL_EVENT, when compliance publishes it
  (``material_event_publish``; ``material_event_discard`` closes it without publishing);
- each milestone of a mutual aid plan's wind-down → MATERIAL_EVENT
  (``material_event:wind-down-<plan>-<step>``, ``wind_down_step_publish``).

By subject: ``common`` (both languages' texts, the publishing savepoint, the attached
reports), ``meetings``, ``apportionment``, ``solvency`` (the quarterly summary and the
annual report), ``quarterly`` (claims statistics and financial statements of a settled
quarter), ``material_events`` and ``sync`` (the catch-up).
"""

from .apportionment import apportionment_key, apportionment_publication_publish
from .common import AUTOMATIC_KINDS, LANGUAGES, Result
from .material_events import material_event_discard, material_event_key, material_event_publish
from .meetings import (
    consultation_results_publish,
    meeting_notice_publish,
    meeting_publications_publish,
)
from .quarterly import (
    SETTLE_DAYS,
    claims_statistics_publish,
    complaints_statistics_publish,
    financial_statements_publish,
    last_settled_quarter,
    quarter_settled,
    quarterly_publish,
)
from .solvency import (
    annual_report_publish,
    annual_report_publish_due,
    solvency_key,
    solvency_summary_publish,
)
from .surplus import surplus_distribution_publish, surplus_key
from .sync import disclosure_missing, disclosure_sync, source_publish
from .wind_down import wind_down_key, wind_down_step_publish

__all__ = [
    "consultation_results_publish",
    "AUTOMATIC_KINDS",
    "LANGUAGES",
    "Result",
    "SETTLE_DAYS",
    "annual_report_publish",
    "annual_report_publish_due",
    "apportionment_key",
    "apportionment_publication_publish",
    "claims_statistics_publish",
    "complaints_statistics_publish",
    "disclosure_missing",
    "disclosure_sync",
    "financial_statements_publish",
    "last_settled_quarter",
    "material_event_discard",
    "material_event_key",
    "material_event_publish",
    "meeting_notice_publish",
    "meeting_publications_publish",
    "quarter_settled",
    "quarterly_publish",
    "solvency_key",
    "solvency_summary_publish",
    "source_publish",
    "surplus_distribution_publish",
    "surplus_key",
    "wind_down_key",
    "wind_down_step_publish",
]
