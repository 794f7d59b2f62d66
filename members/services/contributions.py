"""What members owe and pay, under the names callers have always imported from here.

The work is in three modules, lowest first:

- ``dues``: an amount due and its ledger entry (``due_create``), settling new dues from
  money paid in advance (``dues_settle_from_advance``, used by the claims part's
  apportionment), and the premiums of cover that ended (``dues_cancel_after_cover``);
- ``billing``: the premiums of a coverage, period by period (``coverage_bill``), and the
  daily job (``premiums_bill``);
- ``payments``: money received, once per idempotency key (``payment_record``).

``lifecycle`` uses ``dues``; ``payments`` uses ``lifecycle`` (a suspended member who pays
the arrears is reinstated). Nothing imports upwards, so there is no import loop.
"""

from __future__ import annotations

from .billing import coverage_bill, premiums_bill
from .dues import due_create, dues_cancel_after_cover, dues_settle_from_advance
from .payments import payment_record

__all__ = [
    "coverage_bill",
    "due_create",
    "dues_cancel_after_cover",
    "dues_settle_from_advance",
    "payment_record",
    "premiums_bill",
]
