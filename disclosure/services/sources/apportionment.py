"""A published apportionment period's APPORTIONMENT."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from claims.selectors.statistics import apportionment_summaries
from mutualsociety.common.display import format_amount, format_date
from mutualsociety.common.exceptions import InvalidInput

from ...models import Kind
from .. import figures as fig
from ..figures.periods import _local_day
from .common import Result, _both, _publish


def apportionment_key(plan_code: str, cutoff: dt.date) -> str:
    return f"apportionment:{plan_code}:{cutoff.isoformat()}"


def apportionment_publication_publish(*, period: int, at: dt.datetime | None = None) -> Result:
    """A published apportionment period (APPORTIONMENT): cases shared, benefits, fee,
    members sharing, the share per member and how a shortfall was met."""
    found = apportionment_summaries().filter(pk=period).first()
    if found is None:
        raise InvalidInput(_("There is no published apportionment period %(id)s.") % {"id": period})
    content = fig.apportionment_figures(found)

    def texts() -> tuple[str, str]:
        values = {
            "plan": found.plan.display_name,
            "start": format_date(found.period_start),
            "cutoff": format_date(found.cutoff),
            "cases": found.claim_count,
            "benefits": format_amount(found.benefits_total),
            "fee": format_amount(found.fee),
            "total": format_amount(found.total),
            "members": found.members_sharing,
            "share": format_amount(found.share_per_member),
        }
        body = (
            _(
                "%(cases)s cases were shared for %(start)s to %(cutoff)s: benefits of "
                "%(benefits)s and a management fee of %(fee)s, %(total)s in all, shared by "
                "%(members)s members, %(share)s each (a few pay one cent more, so that the "
                "shares add up to the total)."
            )
            % values
        )
        return _("%(plan)s: apportionment of %(start)s to %(cutoff)s") % values, body

    return _publish(
        kind=Kind.APPORTIONMENT,
        key=apportionment_key(found.plan.code, found.cutoff),
        source=f"claims.apportionmentperiod:{found.pk}",
        content=content,
        period=found.cutoff.isoformat(),
        period_start=found.period_start,
        period_end=found.cutoff,
        event_day=_local_day(found.published_at) or found.cutoff,
        at=at,
        **_both(texts),
    )
