"""The alerts of the ladder and the register of the fund with its repayments."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from mutualsociety.common.money import ZERO

from ..models import (
    FundRepayment,
    FundTranche,
    MaterialEventDraft,
    SolvencyAlert,
)
from .assessments import assessment_latest_approved
from .summaries import status_label

# --- Alerts and the fund ---------------------------------------------------------------


def alert_status_label(alert: SolvencyAlert) -> str:
    """The alert's status on the ladder as people read it (the rung's name in the
    page's language), judged under the regime of the assessment that found it."""
    if alert.assessment_id is None:
        return alert.ladder_status
    return status_label(alert.ladder_status, regime=alert.assessment.regime)


def alerts_standing() -> QuerySet[SolvencyAlert]:
    """The alerts that stand (open or acknowledged), most recent first: the admin's
    banner, the blocks on repayment and distribution."""
    return SolvencyAlert.objects.filter(
        status__in=(SolvencyAlert.Status.OPEN, SolvencyAlert.Status.ACKNOWLEDGED)
    ).order_by("-opened_at", "-id")


def alerts_standing_on(as_of: dt.date) -> QuerySet[SolvencyAlert]:
    """The alerts that stood at the end of ``as_of``: opened by then and not closed by
    then."""
    return SolvencyAlert.objects.filter(opened_at__date__lte=as_of).filter(
        Q(closed_at__isnull=True) | Q(closed_at__date__gt=as_of)
    )


def material_event_drafts(*, status: str | None = None) -> QuerySet[MaterialEventDraft]:
    """The material-event drafts the alerts raised, newest first, with their alert (and
    its assessment): what compliance publishes or discards (the disclosure app)."""
    drafts = MaterialEventDraft.objects.select_related(
        "source_alert", "source_alert__assessment"
    ).order_by("-created_at", "-id")
    return drafts.filter(status=status) if status else drafts


def distribution_blocked(as_of: dt.date) -> tuple[bool, list[str]]:
    """Whether a surplus distribution (or a repayment of the fund) is blocked at
    ``as_of``, and why: a standing alert of the ladder (a breach or an early warning),
    or no approved solvency assessment to show the society can afford it."""
    reasons = [
        _("%(kind)s of the %(measure)s since %(date)s (status: %(status)s).")
        % {
            "kind": alert.get_kind_display(),
            "measure": alert.get_measure_display(),
            "date": alert.valuation_date.isoformat(),
            "status": alert_status_label(alert),
        }
        for alert in alerts_standing_on(as_of).order_by("opened_at", "id")
    ]
    if assessment_latest_approved() is None:
        reasons.append(_("There is no approved solvency assessment."))
    return bool(reasons), reasons


def tranches_with_repayments(*, as_of: dt.date | None = None) -> QuerySet[FundTranche]:
    """The register with each tranche's ``repaid`` total (repayments on or before
    ``as_of``; all when None) and ``outstanding`` amount, one query."""
    repayments = FundRepayment.objects.filter(tranche=OuterRef("pk"))
    if as_of is not None:
        repayments = repayments.filter(repaid_on__lte=as_of)
    total = repayments.values("tranche").annotate(t=Sum("amount")).values("t")
    money = DecimalField(max_digits=40, decimal_places=2)
    return FundTranche.objects.annotate(
        repaid=Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money)
    ).annotate(outstanding=ExpressionWrapper(F("amount") - F("repaid"), output_field=money))
