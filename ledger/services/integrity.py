"""The daily integrity check of the whole ledger, and its alert to the admins."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.mail import mail_admins
from django.db import DatabaseError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.money import ZERO, quantize_money
from mutualsociety.common.services import outbox_enqueue

from ..models import IntegrityCheck, JournalEntry, Posting

logger = logging.getLogger("ledger.services")

HALF_CENT = Decimal("0.005")

#: What can stop the daily check from computing or storing its result: a database error
#: (an overflow, a timeout), an arithmetic one (a sum Decimal cannot represent), a value it
#: cannot read. The check is then kept as failed, with the reason, and the admins alerted.
INTEGRITY_CHECK_FAILURES = (DatabaseError, ArithmeticError, ValueError, TypeError)


def _integrity_totals() -> dict:
    """Count and add up the whole ledger in two set-based queries (no row into Python)."""
    totals = Posting.objects.aggregate(
        postings=Count("id"),
        debits=Sum("amount", filter=Q(amount__gt=0), default=ZERO),
        credits=Sum("amount", filter=Q(amount__lt=0), default=ZERO),
    )
    # SQLite adds decimals as binary floats (0.10 + 0.20 - 0.30 is not exactly 0 there):
    # sums are rounded to the cent, and an entry is unbalanced when it misses zero by half
    # a cent or more (amounts are whole cents, so a real difference is at least one).
    debits, credits = quantize_money(totals["debits"]), -quantize_money(totals["credits"])
    unbalanced = (
        Posting.objects.values("entry_id")
        .annotate(total=Sum("amount"))
        .filter(Q(total__gte=HALF_CENT) | Q(total__lte=-HALF_CENT))
        .count()
    )
    reasons = []
    if unbalanced:
        reasons.append(
            _("%(n)d journal entries do not balance.") % {"n": unbalanced},
        )
    if debits != credits:
        reasons.append(
            _("Total debits %(debits)s differ from total credits %(credits)s.")
            % {"debits": debits, "credits": credits}
        )
    return {
        "entries": JournalEntry.objects.count(),
        "postings": totals["postings"],
        "total_debits": debits,
        "total_credits": credits,
        "unbalanced_entries": unbalanced,
        "ok": not reasons,
        "reason": " ".join(reasons),
    }


def integrity_check_run(*, on: dt.date | None = None) -> IntegrityCheck:
    """Check the whole ledger in two set-based queries and keep the day's result.

    The ledger is sound when every entry's postings sum to zero (and so the trial balance
    is zero). One result per day: running it again the same day returns that result.

    The check never crashes on what it cannot compute: whatever stops it from adding up
    the ledger or storing the result (``INTEGRITY_CHECK_FAILURES``) is caught in a
    savepoint, so the transaction stays usable, and the day's result is kept as failed
    with the reason (the counts and totals it could not get left empty). A failed check,
    computed or not, e-mails the admins once, after commit.
    """
    on = on or timezone.localdate()
    existing = IntegrityCheck.objects.filter(checked_on=on).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            check, created = IntegrityCheck.objects.get_or_create(
                checked_on=on, defaults=_integrity_totals()
            )
    except INTEGRITY_CHECK_FAILURES as exc:
        logger.exception("The ledger integrity check of %s could not be computed.", on)
        reason = _("The check could not be computed: %(error)s") % {
            "error": f"{type(exc).__name__}: {str(exc).strip()}"
        }
        # A concurrent run that stored the day's result first wins (created is False).
        check, created = IntegrityCheck.objects.get_or_create(
            checked_on=on, defaults={"ok": False, "reason": reason}
        )
    if created and not check.ok:
        from ..tasks import alert_integrity_failure

        # The result is kept with the alert to send: a mail server or broker that is
        # down delays the e-mail, it does not lose it.
        outbox_enqueue(
            task=alert_integrity_failure,
            args=[check.pk],
            key=f"ledger.alert_integrity_failure:{check.pk}",
        )
    return check


def integrity_check_alert(*, check_id: int) -> bool:
    """E-mail ``ADMINS`` that the day's integrity check failed (outside any transaction).
    False when the check passed."""
    check = IntegrityCheck.objects.get(pk=check_id)
    if check.ok:
        return False
    if check.unbalanced_entries is None:
        message = (
            f"The ledger integrity check of {check.checked_on} could not be computed, so "
            f"the ledger is unchecked until it is fixed.\n\n{check.reason}"
        )
    else:
        message = (
            f"{check.unbalanced_entries} journal entries do not balance; total debits "
            f"{check.total_debits}, total credits {check.total_credits} over "
            f"{check.postings} postings in {check.entries} entries.\n\n{check.reason}"
        )
    mail_admins(subject=f"Ledger integrity check failed on {check.checked_on}", message=message)
    return True
