"""The members' daily jobs: suspension and lapse after the grace and lapse periods,
withdrawals that take effect, cover whose term ends without renewal.

Each job picks its candidates with one set-based query (statuses from the tables in
``transitions``), then puts each through a service that locks the row and checks the
condition again (a member may have paid, been reinstated or withdrawn since the query).
A member or coverage whose change is refused (a ``DomainError``) is logged with its id
and counted as failed; the others are still processed. Running a job twice on the same
day changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import DomainError

from ..events import member_event
from ..models import Coverage, Member, MemberEvent
from ..selectors import overdue_member_ids
from ..transitions import COVERAGE, MEMBER, sources
from .dues import dues_cancel_after_cover
from .locks import coverage_lock, coverage_member_id, member_lock
from .membership import member_status_set

logger = logging.getLogger(__name__)


@transaction.atomic
def member_suspend_if_overdue(
    *, member: Member | int, today: dt.date, actor=None, reason: str
) -> bool:
    """Suspend an active member if, under the lock, an amount is still unpaid after its
    grace period on ``today``; otherwise change nothing. Returns whether it suspended.

    The daily job picks its candidates before taking any lock; a member who paid, was
    suspended or withdrew in between is left as they are.
    """
    member = member_lock(member, no_key=True)
    if (
        not MEMBER.allowed(member.status, Member.Status.SUSPENDED)
        or not overdue_member_ids(today=today).filter(member_id=member.pk).exists()
    ):
        return False
    member_status_set(
        member,
        Member.Status.SUSPENDED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.SUSPENDED,
        today=today,
    )
    return True


@transaction.atomic
def member_lapse_if_due(*, member: Member | int, today: dt.date, actor=None, reason: str) -> bool:
    """Lapse a member if, under the lock, they are still suspended and their lapse date
    has come on ``today``; otherwise change nothing. Returns whether it lapsed."""
    member = member_lock(member, no_key=True)
    if (
        not MEMBER.allowed(member.status, Member.Status.LAPSED)
        or member.lapses_on is None
        or member.lapses_on > today
    ):
        return False
    member_status_set(
        member,
        Member.Status.LAPSED,
        actor=actor,
        reason=reason,
        coverages_to=Coverage.Status.LAPSED,
        on=member.lapses_on,
        today=today,
    )
    return True


def run_each(
    ids: list[int], action: Callable[[int], object], *, done: str, what: str
) -> dict[str, int]:
    """Run ``action`` for each id of a daily job, each in its own transaction.

    An action that returns something truthy counts as ``done``; one refused by a
    ``DomainError`` is logged with its id and counted as ``failed``, and the job goes on.
    """
    counts = {done: 0, "failed": 0}
    for id_ in ids:
        try:
            if action(id_):
                counts[done] += 1
        except DomainError as exc:
            counts["failed"] += 1
            logger.warning("%s %s failed: %s", what, id_, exc)
    return counts


def memberships_enforce_grace(*, today: dt.date | None = None, actor=None) -> dict[str, int]:
    """Daily: suspend members whose dues are unpaid past the grace period, and lapse
    members suspended past the lapse period (PRC Insurance Law arts. 36 and 37).

    The candidates are found by two set-based queries; each member then goes through a
    service that locks them and checks the condition again (they may have paid, been
    reinstated or withdrawn since the query). A member whose transition is refused
    (a ``DomainError``) is logged with their id and counted as failed; the others are
    still processed. Running it twice on the same day changes nothing the second time.
    """
    today = today or timezone.localdate()
    to_suspend = list(
        Member.objects.filter(
            status__in=sources(MEMBER, Member.Status.SUSPENDED),
            pk__in=overdue_member_ids(today=today),
        ).values_list("pk", flat=True)
    )
    suspended = run_each(
        to_suspend,
        lambda member_id: member_suspend_if_overdue(
            member=member_id,
            today=today,
            actor=actor,
            reason=_("A contribution is unpaid after the grace period."),
        ),
        done="suspended",
        what="Suspending member",
    )
    to_lapse = list(
        Member.objects.filter(
            status__in=sources(MEMBER, Member.Status.LAPSED), lapses_on__lte=today
        ).values_list("pk", flat=True)
    )
    lapsed = run_each(
        to_lapse,
        lambda member_id: member_lapse_if_due(
            member=member_id,
            today=today,
            actor=actor,
            reason=_("Not reinstated within the lapse period after suspension."),
        ),
        done="lapsed",
        what="Lapsing member",
    )
    return {
        "suspended": suspended["suspended"],
        "lapsed": lapsed["lapsed"],
        "failed": suspended["failed"] + lapsed["failed"],
    }


@transaction.atomic
def member_withdrawal_complete(*, member: Member | int, today: dt.date) -> bool:
    """Withdraw a member whose withdrawal takes effect on ``today`` or earlier, if under
    the lock they are still active or suspended; cover ends on the effective date, and
    the premiums for periods from then on are cancelled. Returns whether it withdrew."""
    member = member_lock(member, no_key=True)
    effective = member.withdrawal_effective_on
    if (
        not MEMBER.allowed(member.status, Member.Status.WITHDRAWN)
        or effective is None
        or effective > today
    ):
        return False
    member_status_set(
        member,
        Member.Status.WITHDRAWN,
        actor=None,
        reason=_("Withdrawal took effect."),
        coverages_to=Coverage.Status.ENDED,
        on=effective,
        today=today,
    )
    return True


def withdrawals_complete(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: withdraw the members whose withdrawal takes effect today or earlier.

    One transaction per member; a refused one is logged and counted as failed.
    """
    today = today or timezone.localdate()
    due = list(
        Member.objects.filter(
            status__in=sources(MEMBER, Member.Status.WITHDRAWN),
            withdrawal_effective_on__lte=today,
        ).values_list("pk", flat=True)
    )
    return run_each(
        due,
        lambda member_id: member_withdrawal_complete(member=member_id, today=today),
        done="withdrawn",
        what="Completing the withdrawal of member",
    )


@transaction.atomic
def coverage_expire(*, coverage: Coverage | int, today: dt.date) -> bool:
    """End one coverage whose term ended before ``today`` under a plan version that does
    not renew: status ended, ``end_date`` the term's last day, an event row, and the
    premiums for periods after the term cancelled. The member is not otherwise changed
    (they stay a member without that cover). Returns whether it ended the coverage.

    Locks the member, then the coverage (the order of billing and payments).
    """
    member = member_lock(coverage_member_id(coverage), no_key=True)
    coverage = coverage_lock(coverage)
    if (
        not COVERAGE.allowed(coverage.status, Coverage.Status.ENDED)
        or coverage.term_end is None
        or coverage.term_end >= today
        or coverage.plan_version.auto_renew
    ):
        return False
    old = COVERAGE.move(coverage, Coverage.Status.ENDED)
    coverage.end_date = coverage.term_end
    coverage.next_due_date = None
    coverage.save(update_fields=["status", "end_date", "next_due_date"])
    member_event(
        member=member,
        type=MemberEvent.Type.COVERAGE,
        old=old,
        new=Coverage.Status.ENDED,
        reason=_("The term of %(plan)s ended on %(date)s and does not renew.")
        % {"plan": coverage.plan.display_name, "date": format_date(coverage.term_end)},
        data={"coverage": coverage.pk},
    )
    dues_cancel_after_cover(
        member=member,
        ends_on=coverage.term_end + dt.timedelta(days=1),
        coverages=[coverage.pk],
        today=today,
        reason=_("The cover ended: premiums for later periods cancelled."),
    )
    return True


def coverages_expire(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: end the live coverages whose term ended before today under a plan version
    that does not renew (``coverage_expire``). Idempotent: ended cover is not picked
    again. A refused one is logged and counted as failed."""
    today = today or timezone.localdate()
    ids = list(
        Coverage.objects.filter(
            status__in=sources(COVERAGE, Coverage.Status.ENDED),
            term_end__lt=today,
            plan_version__auto_renew=False,
        ).values_list("pk", flat=True)
    )
    return run_each(
        ids,
        lambda coverage_id: coverage_expire(coverage=coverage_id, today=today),
        done="ended",
        what="Ending coverage",
    )
