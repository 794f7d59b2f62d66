"""Every write of the ground floor, by subject; the public names are re-exported here.

- ``limits``: the largest single amount and the window of dates people may enter;
- ``outbox``: work for Celery recorded in the caller's transaction, then relayed;
- ``society``: the society's settings, each changed by its owner;
- ``bank_account``: the bank account members pay into, by maker-checker (above ``society``);
- ``sequences``: named counters for member and claim numbers;
- ``housekeeping``: the worker's heartbeat and expired sessions;
- ``batches``: long batch jobs split into chunks of ids, run on every worker (above
  ``outbox``).

The modules import one another in one direction only (``bank_account`` uses ``society``,
``batches`` uses ``outbox``).
"""

from .bank_account import (
    society_bank_account_approve,
    society_bank_account_propose,
    society_bank_account_reject,
    society_bank_account_withdraw,
)
from .batches import (
    BatchTotalsMismatch,
    batch_chunk_run,
    batch_dispatch,
    batch_finish,
    batch_job_register,
    batch_resume,
    batch_start,
    batches_resume_stalled,
    id_ranges,
)
from .housekeeping import sessions_clear_expired, worker_heartbeat_record
from .limits import amount_ceiling_check, date_window_check
from .outbox import (
    PUBLISH_RETRY_POLICY,
    outbox_enqueue,
    outbox_forget_sent,
    outbox_publish,
    outbox_relay,
)
from .sequences import sequence_next
from .society import (
    PAYMENT_PERM,
    SECURITY_PERM,
    society_event,
    society_limit_change,
    society_security_change,
    society_update,
)

__all__ = [
    "BatchTotalsMismatch",
    "batch_chunk_run",
    "batch_dispatch",
    "batch_finish",
    "batch_job_register",
    "batch_resume",
    "batch_start",
    "batches_resume_stalled",
    "id_ranges",
    "PAYMENT_PERM",
    "PUBLISH_RETRY_POLICY",
    "SECURITY_PERM",
    "amount_ceiling_check",
    "date_window_check",
    "outbox_enqueue",
    "outbox_forget_sent",
    "outbox_publish",
    "outbox_relay",
    "sequence_next",
    "sessions_clear_expired",
    "society_bank_account_approve",
    "society_bank_account_propose",
    "society_bank_account_reject",
    "society_bank_account_withdraw",
    "society_event",
    "society_limit_change",
    "society_security_change",
    "society_update",
    "worker_heartbeat_record",
]
