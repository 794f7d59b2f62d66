"""The regulator portal's reads: who may read it, and each page's tables.

The portal is read-only and shows records, not publications: a regulator is a supervisor
by law and sees the society's working records whole (claims with the claimant's name and
number, every approved reserve run and assessment, the ledger, meetings with their rolls
and receipts, the audit trail of every app). Each builder returns ``exports.Table``
objects that the page renders and the export writes, so the page and its files show the
same figures. Everything is read through the other apps' selectors; the audit events are
read from every concrete subclass of the one event base (``mutualsociety.common.events``).
"""

from __future__ import annotations

from .events import EventFilter, EventIndex, event_models, event_row, event_types, events_table
from .records import (
    MeetingRecord,
    apportionment_table,
    claim_statistics_table,
    claims_queryset,
    claims_table,
    meeting_record,
    meetings_table,
    quarter_ends,
    trial_balance_table,
)
from .solvency import (
    assessment_get,
    assessment_tables,
    assessments_table,
    reserve_run_get,
    reserve_run_tables,
    reserve_runs_table,
)

#: The permission that opens the portal (given by name only: ``accounts.roles``).
PORTAL_PERM = "disclosure.view_regulator_portal"


def regulator_portal_allowed(user) -> bool:
    """Whether ``user`` may read the regulator portal: the regulator role, and the two
    other oversight roles the permission is given to (the supervisory board and the
    compliance officer, ``accounts.roles``), and superusers."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.has_perm(PORTAL_PERM)
    )


__all__ = [
    "PORTAL_PERM",
    "EventFilter",
    "EventIndex",
    "MeetingRecord",
    "apportionment_table",
    "assessment_get",
    "assessment_tables",
    "assessments_table",
    "claim_statistics_table",
    "claims_queryset",
    "claims_table",
    "event_models",
    "event_row",
    "event_types",
    "events_table",
    "meeting_record",
    "meetings_table",
    "quarter_ends",
    "regulator_portal_allowed",
    "reserve_run_get",
    "reserve_run_tables",
    "reserve_runs_table",
    "trial_balance_table",
]
