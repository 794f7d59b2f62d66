"""A surplus distribution credited to the members, as a MATERIAL_EVENT publication (重大事项):
the year, the amount, how many members, the basis of the shares and the assembly's
resolution that adopted it (docs/solvency.md, "Surplus distribution")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_amount, format_rate
from mutualsociety.common.exceptions import InvalidInput
from solvency.models import SurplusDistribution

from ...models import Kind
from .common import Result, _both, _publish

#: The keys of the distributions' publications start so (the catch-up reads them at once).
SURPLUS_KEY_PREFIX = "material_event:surplus-"


def surplus_key(distribution_id: int) -> str:
    return f"{SURPLUS_KEY_PREFIX}{distribution_id}"


def surplus_distribution_publish(*, distribution: int, at: dt.datetime | None = None) -> Result:
    """Publish a distribution that was run (its shares credited): the same figures again
    are a no-op (``publication_publish_auto``)."""
    row = (
        SurplusDistribution.objects.select_related("resolution__meeting")
        .filter(pk=distribution, run_at__isnull=False)
        .first()
    )
    if row is None:
        raise InvalidInput(
            _("Surplus distribution %(id)s has not been credited to the members.")
            % {"id": distribution}
        )
    day = timezone.localdate(row.run_at)
    mixed = row.basis == SurplusDistribution.Basis.MIX
    motion = row.resolution  # a run distribution was adopted (``distribution_run``)
    resolution = motion.title if motion is not None else ""
    meeting = motion.meeting.title if motion is not None else ""
    content = {
        "year": row.year,
        "as_of": row.as_of.isoformat(),
        "basis": row.basis,
        "contributions_weight": str(row.contributions_weight) if mixed else None,
        "amount": str(row.amount),
        "members": row.members_count,
        "resolution": resolution,
        "meeting": meeting,
        "credited_on": day.isoformat(),
    }

    def texts() -> tuple[str, str]:
        values = {
            "year": row.year,
            "amount": format_amount(row.amount),
            "members": row.members_count,
            "basis": SurplusDistribution.Basis(row.basis).label,
            "weight": format_rate(row.contributions_weight),
            "resolution": resolution,
            "meeting": meeting,
        }
        title = (
            _("Surplus distribution for %(year)s: %(amount)s credited to %(members)s members")
            % values
        )
        lines = [
            _(
                "The general assembly adopted the distribution by the special resolution "
                "“%(resolution)s” (%(meeting)s). The actuary's figures showed the surplus "
                "left after the reserves and the initial fund, and solvency above every "
                "threshold after the distribution."
            )
            % values,
            _("Shares: %(basis)s.") % values
            + (" " + _("Contributions paid weigh %(weight)s.") % values if mixed else ""),
            _(
                "Each member's share is credited as an advance payment towards their next "
                "contributions; members see their amount and how it was computed in the portal."
            ),
        ]
        return title, "\n\n".join(lines)

    return _publish(
        kind=Kind.MATERIAL_EVENT,
        key=surplus_key(row.pk),
        source=f"solvency.surplusdistribution:{row.pk}",
        content=content,
        period=day.isoformat(),
        event_day=day,
        at=at,
        **_both(texts),
    )
