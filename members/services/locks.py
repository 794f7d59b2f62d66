"""Row locks, taken in one order by every write of the members app.

Order: the member row first, then the coverage, then dues and payments. Billing, a
payment and a lifecycle change of the same member therefore queue up behind each other,
and the one that runs second sees the rows the first committed (READ COMMITTED takes a
new snapshot per statement).

``FOR NO KEY UPDATE`` rather than ``FOR UPDATE`` for changes that touch no unique column
of the member: inserting a due or a payment takes ``FOR KEY SHARE`` on the member row,
which conflicts with ``FOR UPDATE`` but not with ``FOR NO KEY UPDATE``, so such a change
neither waits on nor deadlocks with a transaction that only inserted a row referring to
the member.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Coverage, Member


def member_lock(member: Member | int, *, no_key: bool = False) -> Member:
    """Lock the member row and return it fresh (``no_key``: ``FOR NO KEY UPDATE``)."""
    member_id = member.pk if isinstance(member, Member) else member
    return Member.objects.select_for_update(no_key=no_key).get(pk=member_id)


def coverage_lock(coverage: Coverage | int) -> Coverage:
    """Lock one coverage row (``FOR NO KEY UPDATE``), with its plan, version and member
    read alongside but not locked (every member's billing reads the same plan rows;
    locking them would serialise all billing). The caller holds the member's lock."""
    coverage_id = coverage.pk if isinstance(coverage, Coverage) else coverage
    return (
        Coverage.objects.select_for_update(no_key=True, of=("self",))
        .select_related("plan", "plan_version", "member")
        .get(pk=coverage_id)
    )


def coverage_member_id(coverage: Coverage | int) -> int:
    """The member of a coverage, read before its lock is taken (the member comes first)."""
    if isinstance(coverage, Coverage):
        return coverage.member_id
    return Coverage.objects.values_list("member_id", flat=True).get(pk=coverage)


def members_lock(members: QuerySet[Member]) -> list[int]:
    """Lock the members of a batch (``FOR NO KEY UPDATE``, in id order, so that two runs
    over the same batch queue up instead of deadlocking) and return their ids. The caller
    reads their condition again in a later statement: under READ COMMITTED that one sees
    what a transaction that held a lock before this one committed (a payment)."""
    return list(
        members.select_for_update(no_key=True, of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
