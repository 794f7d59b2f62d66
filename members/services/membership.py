"""The step every change of a membership's status goes through.

``member_status_set`` moves a locked member through the membership table
(``transitions.MEMBER``), moves their live cover with them (``transitions.COVERAGE``, one
set-based statement whose source statuses come from the table), settles the premiums of
cover that ended (``dues.dues_cancel_after_cover``) and appends the event. The services of
``lifecycle`` (suspend, reinstate, lapse, withdraw, death) and of enrolment and
underwriting (admission, decline, applying again) call it; it calls nothing above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.sql import AddDays

from ..events import member_event
from ..models import ContributionDue, Coverage, Member, MemberEvent, PlanVersion
from ..transitions import COVERAGE, DUE, MEMBER, sources
from .dues import dues_cancel_after_cover, dues_cancel_after_cover_set

#: Days a suspended membership lapses after, when no live cover names a period (the
#: plan versions' default: PRC Insurance Law art. 37, two years).
DEFAULT_LAPSE_DAYS = 730


def member_status_set(
    member: Member,
    new: str,
    *,
    actor,
    reason: str,
    coverages_to: str | None = None,
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> Member:
    """Change the status of a locked member, and of their live cover to ``coverages_to``.

    ``on`` is the day the change takes effect (the suspension day; the first day without
    cover: the withdrawal's effective date, the date of death, the lapse date); ``today``
    the day it is processed (a daily job's day). Both default to today. A suspension sets
    the lapse date (the longest lapse period of the cover in force); leaving suspension
    clears it. Cover that ends or lapses ends on ``on``, and the premiums for periods
    from then on are cancelled (a lapse also writes off the unpaid ones).
    """
    today = today or timezone.localdate()
    on = on or today
    old = MEMBER.move(member, new)
    member.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at"]
    if new == Member.Status.SUSPENDED:
        lapse_days = (
            member.coverages.filter(status=Coverage.Status.IN_FORCE).aggregate(days=_LAPSE_DAYS)[
                "days"
            ]
            or DEFAULT_LAPSE_DAYS
        )
        member.suspended_on = on
        member.lapses_on = on + dt.timedelta(days=lapse_days)
        fields += ["suspended_on", "lapses_on"]
    elif old == Member.Status.SUSPENDED:
        member.suspended_on = None
        member.lapses_on = None
        fields += ["suspended_on", "lapses_on"]
    member.save(update_fields=fields)
    if coverages_to:
        _coverages_move([member.pk], coverages_to, end_date=on)
        if _cover_ends(coverages_to):
            _dues_settle(member, new=new, ends_on=on, today=today, actor=actor)
    member_event(
        member=member, type=MemberEvent.Type.STATUS, actor=actor, old=old, new=new, reason=reason
    )
    return member


#: The lapse period of a member's cover in force: the longest of their plan versions'.
_LAPSE_DAYS = Max("plan_version__lapse_after_days")


def _cover_ends(coverages_to: str) -> bool:
    return coverages_to in (Coverage.Status.ENDED, Coverage.Status.LAPSED)


def _coverages_move(member_ids: Iterable[int] | Subquery, coverages_to: str, *, end_date) -> int:
    """Move the live cover of the members to ``coverages_to`` (every coverage the table
    lets move there); cover that ends or lapses ends on ``end_date`` (a date or an
    expression over the coverage). One statement for one member or a batch."""
    updates: dict[str, object] = {"status": coverages_to}
    if _cover_ends(coverages_to):
        updates["end_date"] = end_date
    return Coverage.objects.filter(
        among(Coverage, member_ids, "member_id"), status__in=sources(COVERAGE, coverages_to)
    ).update(**updates)


def among(model: type[models.Model], ids: Iterable[int] | Subquery, field: str = "pk") -> Q:
    """``field`` in ``ids`` and, for a list, between its smallest and largest: a batch's
    ids are a range of member ids with gaps, and the bounds let PostgreSQL walk the index
    over that range instead of scanning the table. On PostgreSQL the list is one array
    parameter (``= ANY(%s)``) rather than thousands, which Django would compile one by
    one for every statement of a batch."""
    if isinstance(ids, Subquery):
        return Q(**{f"{field}__in": ids})
    ids = list(ids)
    if not ids:
        return Q(**{f"{field}__in": ids})
    bounds = Q(**{f"{field}__gte": min(ids), f"{field}__lte": max(ids)})
    if connection.vendor != "postgresql":
        return bounds & Q(**{f"{field}__in": ids})
    meta = model._meta
    target = meta.pk if field == "pk" else meta.get_field(field)
    column = target.column if isinstance(target, models.Field) else field
    listed = RawSQL(f'"{meta.db_table}"."{column}" = ANY(%s)', [ids], output_field=BooleanField())  # noqa: S611 - names from the model; ids a parameter
    return bounds & Q(listed)


def _dues_settle(member: Member, *, new: str, ends_on: dt.date, today: dt.date, actor) -> None:
    """The premiums of cover that ended on ``ends_on`` (``dues.dues_cancel_after_cover``);
    a lapse writes off the unpaid ones too."""
    lapsed = new == Member.Status.LAPSED
    dues_cancel_after_cover(
        member=member,
        ends_on=ends_on,
        write_off_unpaid=lapsed,
        today=today,
        actor=actor,
        reason=_reason(lapsed),
    )


def _reason(lapsed: bool) -> str:
    return (
        _("The membership lapsed: unpaid premiums written off.")
        if lapsed
        else _("The cover ended: premiums for later periods cancelled.")
    )


def members_status_set(
    members: list[tuple[int, str]] | QuerySet[Member],
    new: str,
    *,
    actor,
    reason: str,
    coverages_to: str | None = None,
    on_field: str | None = None,
    today: dt.date,
) -> int:
    """``member_status_set`` for a batch of locked members, set-based: the same rule
    (the membership table, the dates, the cover moved with them, the premiums of cover
    that ended, one status event each with who and why) in one statement per table.

    ``members`` are (id, current status) pairs read under the caller's lock, or the
    query that reads them (the caller's candidates among the ids it locked): then a
    suspension reads them in its ``UPDATE`` of the members (``_suspend_rereading``),
    and any other move reads them first. The move is checked against the table once
    per distinct current status (``MEMBER.check``): a refused one refuses the batch.
    The day the change takes effect is ``today`` or, with ``on_field``, the member's own
    date in that field (``lapses_on`` for a lapse, ``withdrawal_effective_on`` for a
    withdrawal), never after ``today``. Returns how many members moved.
    """
    if isinstance(members, QuerySet):
        plain = not on_field and not (coverages_to and _cover_ends(coverages_to))
        if new == Member.Status.SUSPENDED and plain and connection.vendor == "postgresql":
            return _suspend_rereading(
                members, actor=actor, reason=reason, coverages_to=coverages_to, today=today
            )
        members = list(members.order_by().values_list("pk", "status"))
    if not members:
        return 0
    by_old: dict[str, list[int]] = {}
    for member_id, old in members:
        by_old.setdefault(old, []).append(member_id)
    for old in by_old:
        MEMBER.check(old, new)
    ids = [member_id for member_id, _old in members]
    if coverages_to and on_field:
        # Before the members' row changes: a lapse clears ``lapses_on``, the end date.
        own_day = Subquery(Member.objects.filter(pk=OuterRef("member_id")).values(on_field)[:1])
        _coverages_move(ids, coverages_to, end_date=own_day)
    if coverages_to and _cover_ends(coverages_to):
        _batch_dues_settle(ids, new=new, on_field=on_field, today=today, actor=actor)
    updates: dict[str, object] = {"status": new, "status_changed_at": timezone.now()}
    if new == Member.Status.SUSPENDED:
        # The lapse date: the suspension day plus the longest lapse period of the cover
        # in force, read before the cover moves with the membership (below). Most cover
        # has the default period, so every member gets it first, as a constant; only the
        # members with cover in force on another period have theirs worked out (a
        # subquery per member, which on all of them would cost as much as the move).
        updates["suspended_on"] = today
        updates["lapses_on"] = today + dt.timedelta(days=DEFAULT_LAPSE_DAYS)
    elif Member.Status.SUSPENDED in by_old:
        for name in ("suspended_on", "lapses_on"):
            updates[name] = Case(
                When(status=Member.Status.SUSPENDED, then=Value(None)), default=F(name)
            )
    moved = Member.objects.filter(among(Member, ids)).update(**updates)
    if new == Member.Status.SUSPENDED:
        _lapse_dates_other_periods(ids, today)
    if coverages_to and not on_field:
        _coverages_move(ids, coverages_to, end_date=today)
    for old, old_ids in by_old.items():
        _status_events(old_ids, old=old, new=new, actor=actor, reason=reason)
    return moved


def _suspend_rereading(
    members: QuerySet[Member], *, actor, reason: str, coverages_to: str | None, today: dt.date
) -> int:
    """A suspension whose members are read again by the ``UPDATE`` that suspends them:
    ``UPDATE ... FROM (<the candidates>) RETURNING`` their id and former status, checked
    against the table afterwards (a refused status raises, and the caller's transaction
    undoes the batch). The caller holds their locks, so the statement's own snapshot,
    taken after them, sees what a payment that held a lock before committed, as a
    separate read would; it saves that read, a tenth of the daily grace job. Then the
    rest of ``members_status_set``'s rule: the lapse dates, the cover, the events."""
    candidates, params = members.order_by().values("pk", "status").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Member._meta.db_table} AS m SET status = %s, status_changed_at = %s, "  # noqa: S608 - names from the model; values are parameters
            f"suspended_on = %s, lapses_on = %s FROM ({candidates}) AS o (id, status) "
            "WHERE m.id = o.id RETURNING o.id, o.status",
            [
                Member.Status.SUSPENDED,
                timezone.now(),
                today,
                today + dt.timedelta(days=DEFAULT_LAPSE_DAYS),
                *params,
            ],
        )
        rows = sorted(cursor.fetchall())
    by_old: dict[str, list[int]] = {}
    for member_id, old in rows:
        by_old.setdefault(old, []).append(member_id)
    for old in by_old:
        MEMBER.check(old, Member.Status.SUSPENDED)
    ids = [member_id for member_id, _old in rows]
    if not ids:
        return 0
    _lapse_dates_other_periods(ids, today)  # the cover below is still in force
    if coverages_to:
        _coverages_move(ids, coverages_to, end_date=today)
    for old, old_ids in by_old.items():
        _status_events(old_ids, old=old, new=Member.Status.SUSPENDED, actor=actor, reason=reason)
    return len(ids)


def _lapse_dates_other_periods(ids: list[int], today: dt.date) -> int:
    """The lapse date of the members just suspended whose cover in force has a lapse
    period other than the default: the suspension day plus the longest of them
    (``member_status_set``'s rule). Runs before their cover is suspended."""
    # The plan versions with another period (a handful, often none): with none, the
    # batch's cover is not read at all.
    versions = list(
        PlanVersion.objects.exclude(lapse_after_days=DEFAULT_LAPSE_DAYS).values_list(
            "pk", flat=True
        )
    )
    if not versions:
        return 0
    lapse_days = (
        Coverage.objects.filter(member_id=OuterRef("pk"), status=Coverage.Status.IN_FORCE)
        .values("member_id")
        .annotate(days=_LAPSE_DAYS)
        .values("days")
    )
    other = set(
        Coverage.objects.filter(
            among(Coverage, ids, "member_id"),
            status=Coverage.Status.IN_FORCE,
            plan_version_id__in=versions,
        )
        .order_by()  # not the model's ordering, which joins the members to sort
        .values_list("member_id", flat=True)
    )
    if not other:
        return 0
    return Member.objects.filter(among(Member, other)).update(
        lapses_on=AddDays(Value(today), Subquery(lapse_days, output_field=IntegerField()))
    )


def _batch_dues_settle(
    ids: list[int], *, new: str, on_field: str | None, today: dt.date, actor
) -> None:
    """The premiums of the batch's cover that ended: only the members with a premium to
    cancel (a period from the end of cover on) or, at a lapse, an open one to write off
    are read (one query), and settled with the entries, keyed per due, and the event one
    member's change makes (``dues.dues_cancel_after_cover_set``: the write-offs of a
    lapse set-based, a member with a premium to cancel one at a time)."""
    ends_on = F(f"member__{on_field}") if on_field else Value(today)
    dues = ContributionDue.objects.filter(
        # A list, not ``among``'s array: this query is used as a subquery, where its
        # table is aliased.
        member_id__in=ids,
        member_id__gte=min(ids),
        member_id__lte=max(ids),
        kind=ContributionDue.Kind.PREMIUM,
        status__in=sources(DUE, ContributionDue.Status.CANCELLED),
    )
    wanted = Q(period_start__gte=ends_on)
    if new == Member.Status.LAPSED:
        wanted |= Q(status=ContributionDue.Status.OPEN)
    settled = Member.objects.filter(pk__in=dues.filter(wanted).values("member_id"))
    if on_field:
        ends = {pk: min(day or today, today) for pk, day in settled.values_list("pk", on_field)}
    else:
        ends = dict.fromkeys(settled.values_list("pk", flat=True), today)
    lapsed = new == Member.Status.LAPSED
    dues_cancel_after_cover_set(members=ends, write_off_unpaid=lapsed, today=today, actor=actor,
                                reason=_reason(lapsed))  # fmt: skip


def _status_events(ids: list[int], *, old: str, new: str, actor, reason: str) -> None:
    """One status event per member of ``ids`` (``old`` → ``new``, who, why), in one
    ``INSERT ... SELECT``: the rows ``member_event`` writes one at a time."""
    table = MemberEvent._meta.db_table
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    if connection.vendor == "postgresql":
        json, where = "CAST(%s AS jsonb)", "id = ANY(%s)"
        id_params: list[Any] = [list(ids)]
    else:
        json, where = "%s", f"id IN ({', '.join(['%s'] * len(ids))})"
        id_params = list(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (member_id, type, at, actor_id, old_value, new_value, "  # noqa: S608
            f"reason, data) SELECT id, %s, %s, %s, %s, %s, %s, {json} "
            f"FROM {Member._meta.db_table} WHERE {where} ORDER BY id",
            [
                MemberEvent.Type.STATUS,
                timezone.now(),
                actor_id,
                old,
                new,
                reason,
                "{}",
                *id_params,
            ],
        )
