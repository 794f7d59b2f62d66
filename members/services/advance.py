"""Settling members' dues from the money they paid ahead (docs/members.md, "Contributions
and payments"): one matching query over the dues and the members' payments with money left
(``ALLOCATIONS``), then bulk writes — the allocations, the payments' allocated amounts,
the dues paid, and one entry per settled due (Dr 2203 / Cr 1122) through one
``ledger.entries_post``. Used when a due is created, by billing, by the apportionment and
by the surplus distribution; the caller holds the members' locks (``locks``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import PREPAID, RECEIVABLE
from ledger.services import Credit, Debit, EntrySpec, entries_post
from mutualsociety.common.money import CENT, ZERO

from ..models import ContributionDue, Payment, PaymentAllocation
from ..transitions import DUE

# Each open due of the set whose member holds unallocated money, with the cents still
# owed and where they fall in that member's dues in id order (from/to, cumulative), and
# each payment with money left, oldest first, likewise: a payment settles the part of a
# due where their ranges overlap — oldest money to the oldest due, as one due at a time
# would. Integer cents; PostgreSQL and SQLite. Parameters: the dues' SQL, twice the
# members' condition (``= ANY(%s)`` or ``IN (...)``, for the dues and the payments).
ALLOCATIONS = """
    SELECT p.id, d.id, d.member_id, d.due_date, d.kind, d.period_start, d.period_end,
           d.amount_cents,
           CAST((CASE WHEN p.upto < d.upto THEN p.upto ELSE d.upto END)
                - (CASE WHEN p.upto - p.cents > d.upto - d.cents
                        THEN p.upto - p.cents ELSE d.upto - d.cents END) AS BIGINT)
    FROM (
        SELECT o.*, CAST(SUM(o.cents) OVER (PARTITION BY o.member_id ORDER BY o.id)
                         AS BIGINT) AS upto
        FROM (SELECT x.id, x.member_id, x.due_date, x.kind, x.period_start, x.period_end,
                     CAST(ROUND(x.amount * 100) AS BIGINT) AS amount_cents,
                     CAST(ROUND((x.amount - x.paid_amount) * 100) AS BIGINT) AS cents
              FROM members_contributiondue x
              WHERE x.id IN ({dues}) AND x.status = 'open' AND x.member_id {members}) o
    ) d
    JOIN (
        SELECT f.*, CAST(SUM(f.cents) OVER (PARTITION BY f.member_id
                                            ORDER BY f.received_on, f.id) AS BIGINT) AS upto
        FROM (SELECT y.id, y.member_id, y.received_on,
                     CAST(ROUND((y.amount - y.allocated_amount) * 100) AS BIGINT) AS cents
              FROM members_payment y
              WHERE y.amount > y.allocated_amount AND y.member_id {members}) f
    ) p ON p.member_id = d.member_id AND p.upto - p.cents < d.upto AND d.upto - d.cents < p.upto
    ORDER BY d.id, p.received_on, p.id
"""


def dues_settle_from_advance(*, dues: QuerySet[ContributionDue]) -> int:
    """Settle open dues (a billing batch's premiums, an apportionment's shares) from money
    their members paid in advance, oldest payment to oldest due. Returns how many were
    settled in full or in part.

    Set-based: the members among the dues' who hold unallocated money are locked in one
    statement (the order in ``locks``: members first, then their payments); one query
    matches their money to their dues (``ALLOCATIONS``), which touches the few who paid
    ahead, not everyone; the allocations are one insert, the payments and dues one
    update each, and every due settled gets its own ledger entry (Dr 2203 advance, Cr
    1122 receivable, dated its due date or today if later), all posted by one
    ``entries_post``.
    """
    dues_sql, dues_params = dues.order_by().values("pk").query.sql_with_params()
    with transaction.atomic():
        # The members of these dues who hold unallocated money: usually a few among many
        # (one query, a list). Everything below is driven by them, so that the work
        # follows the advance payers, not the dues table: matched through a subquery,
        # PostgreSQL could read every open due of the society for each batch (quadratic
        # over a billing run once the table's statistics fell behind its growth).
        members = sorted(
            set(
                Payment.objects.filter(amount__gt=F("allocated_amount"))
                .filter(member_id__in=dues.order_by().values("member_id"))
                .values_list("member_id", flat=True)
            )
        )
        if not members:
            return 0
        members_sql, members_params = _ids_sql(members)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM (SELECT l.id FROM members_member l "  # noqa: S608 - constant SQL; values are parameters
                    f"WHERE l.id {members_sql} ORDER BY l.id FOR NO KEY UPDATE) x",
                    members_params,
                )
                cursor.execute(
                    "SELECT COUNT(*) FROM (SELECT l.id FROM members_payment l "  # noqa: S608 - constant SQL; values are parameters
                    f"WHERE l.member_id {members_sql} ORDER BY l.id FOR NO KEY UPDATE) x",
                    members_params,
                )
        with connection.cursor() as cursor:
            cursor.execute(
                ALLOCATIONS.format(dues=dues_sql, members=members_sql),
                [*dues_params, *members_params, *members_params],
            )
            rows = cursor.fetchall()
        if not rows:
            return 0
        return _allocations_write(rows)


def _ids_sql(ids: list[int]) -> tuple[str, list]:
    """``= ANY(%s)`` with the ids as one array on PostgreSQL, ``IN (%s, ...)`` on SQLite."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [ids]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _allocations_write(rows: list[tuple]) -> int:
    """Write what ``ALLOCATIONS`` matched: allocations, payments, dues, entries."""
    DUE.check(ContributionDue.Status.OPEN, ContributionDue.Status.PAID)
    to_payments: dict[int, Decimal] = {}
    to_dues: dict[int, Decimal] = {}
    labels: dict[int, tuple[dt.date, str]] = {}
    allocations = []
    for payment_id, due_id, _member, due_date, kind, start, end, amount_cents, cents in rows:
        part = CENT * int(cents)
        allocations.append(PaymentAllocation(payment_id=payment_id, due_id=due_id, amount=part))
        to_payments[payment_id] = to_payments.get(payment_id, ZERO) + part
        to_dues[due_id] = to_dues.get(due_id, ZERO) + part
        due_date, start, end = (_as_date(value) for value in (due_date, start, end))
        # ``ContributionDue.memo_label``, from the row.
        label = f"{ContributionDue.Kind(kind).label} {start}–{end}: {CENT * int(amount_cents)}"
        labels[due_id] = (due_date, label)
    PaymentAllocation.objects.bulk_create(allocations)
    _amounts_add(Payment, "allocated_amount", to_payments)
    _amounts_add(ContributionDue, "paid_amount", to_dues)
    today = timezone.localdate()
    entries_post(
        entries=[
            EntrySpec(
                idempotency_key=f"members.credit-applied:{due_id}",
                # Not before the receivable it settles exists (billing may run ahead).
                date=max(labels[due_id][0], today),
                memo=_("Advance payment applied to %(due)s") % {"due": labels[due_id][1]},
                lines=[Debit(PREPAID, applied), Credit(RECEIVABLE, applied)],
                source_type="members.allocation",
                source_id=due_id,
            )
            for due_id, applied in to_dues.items()
        ]
    )
    return len(to_dues)


def _amounts_add(model: type[Payment] | type[ContributionDue], field: str,
                 amounts: dict[int, Decimal]) -> None:  # fmt: skip
    """Add each amount to its row's ``field`` (a payment's allocated amount, a due's paid
    amount; a due paid in full becomes paid). On PostgreSQL one ``UPDATE ... FROM
    unnest(ids, amounts)``: Django's ``bulk_update`` builds a ``CASE`` of one branch per
    row, which PostgreSQL then walks for every row (quadratic in the batch) and Python
    spends longer building than the database running; it took a quarter of a billing
    batch's time for the batch's advance payers alone (docs/scaling.md, "Billing")."""
    if connection.vendor != "postgresql":
        rows: list[Any] = list(model.objects.filter(pk__in=amounts))
        for row in rows:
            setattr(row, field, getattr(row, field) + amounts[row.pk])
            if isinstance(row, ContributionDue) and row.paid_amount == row.amount:
                row.status = ContributionDue.Status.PAID
        fields = [field, "status"] if model is ContributionDue else [field]
        model.objects.bulk_update(rows, fields)
        return
    table, column = model._meta.db_table, field  # the field's column is its name
    status = ""
    if model is ContributionDue:
        status = (
            f", status = CASE WHEN t.{column} + v.amount = t.amount "
            f"THEN '{ContributionDue.Status.PAID}' ELSE t.status END"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} t SET {column} = t.{column} + v.amount{status} "  # noqa: S608 - names from the model; values are parameters
            "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, amount) WHERE t.id = v.id",
            [list(amounts), list(amounts.values())],
        )


def _as_date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
