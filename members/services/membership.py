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

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..events import member_event
from ..models import Coverage, Member, MemberEvent
from ..transitions import COVERAGE, MEMBER, sources
from .dues import dues_cancel_after_cover

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
            member.coverages.filter(status=Coverage.Status.IN_FORCE).aggregate(
                days=Max("plan_version__lapse_after_days")
            )["days"]
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
        updates: dict[str, object] = {"status": coverages_to}
        ends = coverages_to in (Coverage.Status.ENDED, Coverage.Status.LAPSED)
        if ends:
            updates["end_date"] = on
        # Set-based: every live coverage of the member the table lets move there.
        member.coverages.filter(status__in=sources(COVERAGE, coverages_to)).update(**updates)
        if ends:
            lapsed = new == Member.Status.LAPSED
            dues_cancel_after_cover(
                member=member,
                ends_on=on,
                write_off_unpaid=lapsed,
                today=today,
                actor=actor,
                reason=(
                    _("The membership lapsed: unpaid premiums written off.")
                    if lapsed
                    else _("The cover ended: premiums for later periods cancelled.")
                ),
            )
    member_event(
        member=member, type=MemberEvent.Type.STATUS, actor=actor, old=old, new=new, reason=reason
    )
    return member
