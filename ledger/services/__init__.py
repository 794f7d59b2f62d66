"""Every write to the ledger, by subject; the public names are re-exported here.

- ``posting``: ``entry_post``, the one way money moves (a balanced entry, once per
  idempotency key), ``entry_reverse``, its mirror, and ``entries_post``, many entries
  at once with a fixed number of statements. Other apps post through these only.
- ``manual``: the faces (API and admin) post and reverse for people through
  ``entry_post_manual`` and ``entry_reverse_manual``: a person's entry stays off the
  control accounts that another part of the system keeps, lives in its own key
  namespace, and a person reverses only entries that people posted.
- ``integrity``: the daily check that the whole ledger balances, and its alert.

``manual`` builds on ``posting``; ``integrity`` on neither.
"""

from .integrity import (
    HALF_CENT,
    INTEGRITY_CHECK_FAILURES,
    integrity_check_alert,
    integrity_check_run,
)
from .manual import (
    MANUAL_KEY_MAX_LENGTH,
    MANUAL_KEY_PREFIX,
    MANUAL_SOURCE,
    MANUALLY_REVERSIBLE_SOURCES,
    entry_post_manual,
    entry_reverse_manual,
    manual_idempotency_key,
)
from .posting import (
    KEY_MAX_LENGTH,
    Credit,
    Debit,
    EntrySpec,
    Line,
    entries_post,
    entry_post,
    entry_reverse,
    lines_normalise,
)

__all__ = [
    "EntrySpec",
    "entries_post",
    "HALF_CENT",
    "INTEGRITY_CHECK_FAILURES",
    "KEY_MAX_LENGTH",
    "MANUALLY_REVERSIBLE_SOURCES",
    "MANUAL_KEY_MAX_LENGTH",
    "MANUAL_KEY_PREFIX",
    "MANUAL_SOURCE",
    "Credit",
    "Debit",
    "Line",
    "entry_post",
    "entry_post_manual",
    "entry_reverse",
    "entry_reverse_manual",
    "integrity_check_alert",
    "integrity_check_run",
    "lines_normalise",
    "manual_idempotency_key",
]
