"""Alerts of the ladder of intervention (docs/solvency.md, "Alerts and the ladder").

When an assessment is approved (``assessment_approve`` calls ``alerts_on_approval`` in its
transaction) and on the daily monitoring run (``monitoring_run``), the position is read
against the regime's thresholds and ladder (``calculations.recheck.findings``):

- a rung reached, or a threshold missed that no rung covers → a **breach**, with the
  rung's status, what it requires and its deadline (valuation date + the rung's days);
- a ratio within the early-warning margin above its threshold → an **early warning**.

``alerts_sync`` keeps one standing (open or acknowledged) alert per finding: a finding
already standing adds nothing; a new one opens an alert, its history event and a
material-event draft, and queues (outbox, after commit) the e-mail to the compliance
officers and the directors; a standing alert the new position no longer shows is closed
with the reason. While any alert stands, fund repayment and surplus distribution are
blocked (``selectors.distribution_blocked``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.selectors import role_emails
from mutualsociety.common.services import outbox_enqueue

from .. import selectors
from ..calculations import recheck as rc
from ..calculations import regimes as calc
from ..events import alert_event
from ..models import (
    AlertEvent,
    LadderRung,
    MaterialEventDraft,
    SolvencyAlert,
    SolvencyAssessment,
)
from ..transitions import ALERT, MATERIAL_EVENT
from .access import permission_require
from .capital import capital_position
from .evaluation import json_ready

AL = SolvencyAlert.Status
#: Who is e-mailed when an alert opens (roles of ``accounts.roles``).
ALERT_ROLES = ("compliance_officer", "director")


@dataclass
class SyncResult:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    standing: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"opened": self.opened, "closed": self.closed, "standing": self.standing}


def _rung_row(assessment: SolvencyAssessment, rung: calc.Rung | None) -> LadderRung | None:
    if rung is None:
        return None
    return (
        LadderRung.objects.filter(
            regime_id=assessment.regime_id,
            severity=rung.severity,
            measure=rung.measure,
            status=rung.status,
        )
        .order_by("id")
        .first()
    )


def _texts(alert: SolvencyAlert) -> tuple[str, str]:
    """The title and text of the material event, in the active language."""
    values = {
        "measure": alert.get_measure_display(),
        "ratio": alert.ratio if alert.ratio is not None else "—",
        "threshold": alert.threshold if alert.threshold is not None else "—",
        "rating": alert.rating or "—",
        "date": alert.valuation_date.isoformat(),
        "status": alert.ladder_status,
    }
    if alert.kind == SolvencyAlert.Kind.EARLY_WARNING:
        title = _("Solvency early warning: %(measure)s") % values
        body = (
            _(
                "On %(date)s the %(measure)s was %(ratio)s%%, within the early-warning "
                "margin (below %(threshold)s%%)."
            )
            % values
        )
    else:
        title = _("Solvency below a threshold: %(measure)s") % values
        if alert.measure == calc.RATING:
            body = _("On %(date)s the integrated risk rating was %(rating)s.") % values
        else:
            body = _("On %(date)s the %(measure)s was %(ratio)s%%, below %(threshold)s%%.") % values
        body += " " + _("Status on the ladder: %(status)s.") % values
    requires = alert.requires_en if translation.get_language() == "en" else alert.requires
    if requires:
        body += " " + _("Required: %(requires)s") % {"requires": requires}
    if alert.deadline:
        body += " " + _("Deadline: %(date)s.") % {"date": alert.deadline.isoformat()}
    return title, body


def _draft(alert: SolvencyAlert) -> MaterialEventDraft:
    with translation.override("zh-hans"):
        title, body = _texts(alert)
    with translation.override("en"):
        title_en, body_en = _texts(alert)
    kind = (
        MaterialEventDraft.Kind.SOLVENCY_EARLY_WARNING
        if alert.kind == SolvencyAlert.Kind.EARLY_WARNING
        else MaterialEventDraft.Kind.SOLVENCY_BREACH
    )
    return MaterialEventDraft.objects.create(
        kind=kind,
        title=title[:200],
        title_en=title_en[:200],
        body=body,
        body_en=body_en,
        source_alert=alert,
        data=json_ready(
            {
                "kind": alert.kind,
                "measure": alert.measure,
                "ratio": alert.ratio,
                "threshold": alert.threshold,
                "rating": alert.rating,
                "ladder_status": alert.ladder_status,
                "valuation_date": alert.valuation_date,
                "deadline": alert.deadline,
                "assessment": alert.assessment_id,
            }
        ),
    )


def _open(
    finding: rc.Finding,
    *,
    assessment: SolvencyAssessment,
    valuation_date: dt.date,
    origin: str,
    rating: str,
    actor,
) -> SolvencyAlert:
    row = _rung_row(assessment, finding.rung)
    deadline = None
    if finding.rung is not None and finding.rung.deadline_days is not None:
        deadline = valuation_date + dt.timedelta(days=finding.rung.deadline_days)
    alert = SolvencyAlert.objects.create(
        key=finding.key,
        kind=finding.kind,
        origin=origin,
        measure=finding.measure,
        ladder_status=finding.ladder_status,
        ratio=finding.ratio,
        threshold=finding.threshold,
        rating=rating if finding.measure == calc.RATING else "",
        rung=row,
        requires=row.requires if row else "",
        requires_en=row.requires_en if row else "",
        valuation_date=valuation_date,
        deadline=deadline,
        assessment=assessment,
    )
    alert_event(
        alert=alert,
        type="opened",
        actor=actor,
        new_value=AL.OPEN,
        data=json_ready({"ratio": finding.ratio, "threshold": finding.threshold}),
    )
    _draft(alert)
    from ..tasks import alert_notify_task

    outbox_enqueue(task=alert_notify_task, args=[alert.pk], key=f"solvency.alert_notify:{alert.pk}")
    return alert


def alerts_sync(
    *,
    assessment: SolvencyAssessment,
    found: list[rc.Finding],
    valuation_date: dt.date,
    origin: str,
    reason: str,
    actor=None,
) -> SyncResult:
    """Make the standing alerts those of ``found`` (see the module's docstring);
    ``reason`` is recorded on the alerts it closes. Idempotent: the same findings again
    change nothing."""
    result = SyncResult()
    with transaction.atomic():
        standing = {
            a.key: a
            for a in SolvencyAlert.objects.select_for_update().filter(
                status__in=(AL.OPEN, AL.ACKNOWLEDGED)
            )
        }
        keys = set()
        for finding in found:
            keys.add(finding.key)
            if finding.key in standing:
                result.standing.append(standing[finding.key].pk)
                continue
            alert = _open(
                finding,
                assessment=assessment,
                valuation_date=valuation_date,
                origin=origin,
                rating=assessment.rating,
                actor=actor,
            )
            result.opened.append(alert.pk)
        for key, alert in standing.items():
            if key in keys:
                continue
            old = ALERT.move(alert, AL.CLOSED)
            alert.closed_at = timezone.now()
            alert.closed_reason = reason
            alert.save(update_fields=["status", "closed_at", "closed_reason"])
            alert_event(
                alert=alert,
                type="closed",
                actor=actor,
                old_value=old,
                new_value=AL.CLOSED,
                reason=reason,
            )
            result.closed.append(alert.pk)
    return result


def _rules(assessment: SolvencyAssessment) -> rc.Rules:
    return rc.rules_from_snapshot(assessment.inputs.get("regime") or {})


def assessment_findings(assessment: SolvencyAssessment) -> list[rc.Finding]:
    """What an assessment's own figures call for."""
    rules = _rules(assessment)
    position = rc.recheck(
        rules=rules,
        minimum_capital=assessment.minimum_capital,
        mcr=assessment.mcr,
        core=assessment.core_capital,
        supplementary=assessment.supplementary_capital,
        rating=assessment.rating,
    )
    return rc.findings(position, rules.thresholds, assessment.rating)


def alerts_on_approval(*, assessment: SolvencyAssessment, actor) -> SyncResult | None:
    """Called by ``assessment_approve`` in its transaction: when ``assessment`` is now the
    latest approved one of its regime's default, its findings become the standing alerts.
    An approved correction of an older date changes no alert."""
    latest = selectors.assessment_latest_approved(regime=assessment.regime)
    if latest is None or latest.pk != assessment.pk or not assessment.regime.is_default:
        return None
    return alerts_sync(
        assessment=assessment,
        found=assessment_findings(assessment),
        valuation_date=assessment.valuation_date,
        origin=SolvencyAlert.Origin.APPROVAL,
        reason=_("Assessment %(a)s no longer shows it.") % {"a": assessment},
        actor=actor,
    )


def monitoring_run(*, today: dt.date | None = None) -> dict[str, Any]:
    """The daily check: the latest approved assessment's requirement against today's
    capital from the ledger (``capital_position``); opens and closes alerts as
    ``alerts_sync`` does, dated ``today`` (the deadlines count from it)."""
    today = today or timezone.localdate()
    assessment = selectors.assessment_latest_approved()
    if assessment is None:
        return {"assessment": None}
    rules = _rules(assessment)
    capital = capital_position(valuation_date=today)
    position = rc.recheck(
        rules=rules,
        minimum_capital=assessment.minimum_capital,
        mcr=assessment.mcr,
        core=capital.core,
        supplementary=capital.supplementary,
        rating=assessment.rating,
    )
    result = alerts_sync(
        assessment=assessment,
        found=rc.findings(position, rules.thresholds, assessment.rating),
        valuation_date=today,
        origin=SolvencyAlert.Origin.MONITORING,
        reason=_("The daily check of %(date)s no longer shows it.") % {"date": today.isoformat()},
    )
    return json_ready(
        {
            "assessment": assessment.pk,
            "core_capital": capital.core,
            "actual_capital": position.actual_capital,
            "comprehensive_ratio": position.comprehensive_ratio,
            "core_ratio": position.core_ratio,
            **result.as_json(),
        }
    )


def alert_notify(*, alert_id: int) -> int:
    """E-mail the compliance officers and the directors about an alert (outside any
    transaction; the outbox calls it after the commit). Returns how many were sent to."""
    from django.core.mail import send_mail

    alert = SolvencyAlert.objects.select_related("material_event").filter(pk=alert_id).first()
    if alert is None:
        return 0
    recipients = role_emails(*ALERT_ROLES)
    if not recipients:
        return 0
    draft = alert.material_event
    send_mail(
        f"{draft.title} / {draft.title_en}",
        f"{draft.body}\n\n{draft.body_en}",
        None,
        recipients,
    )
    return len(recipients)


def alert_acknowledge(*, alert: SolvencyAlert | int, actor, note: str = "") -> SolvencyAlert:
    """The compliance officer has seen the alert (``solvency.acknowledge_solvencyalert``).
    It stays standing (and blocking) until a later position closes it. Acknowledging an
    acknowledged alert again is a no-op."""
    permission_require(actor, "solvency.acknowledge_solvencyalert")
    pk = alert.pk if isinstance(alert, SolvencyAlert) else alert
    with transaction.atomic():
        row = SolvencyAlert.objects.select_for_update().get(pk=pk)
        if row.status == AL.ACKNOWLEDGED:
            return row
        old = ALERT.move(row, AL.ACKNOWLEDGED)
        row.acknowledged_by = actor
        row.acknowledged_at = timezone.now()
        row.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        alert_event(
            alert=row,
            type="acknowledged",
            actor=actor,
            old_value=old,
            new_value=AL.ACKNOWLEDGED,
            reason=(note or "").strip(),
        )
    return row


#: Who decides a material-event draft: the compliance officer, who handles the alerts.
MATERIAL_EVENT_PERMISSION = "solvency.acknowledge_solvencyalert"


def material_event_draft_close(
    *, draft: MaterialEventDraft | int, status: str, actor, reason: str = ""
) -> MaterialEventDraft:
    """Mark an alert's material-event draft ``published`` (the disclosure app published
    it) or ``discarded`` (compliance decided it is not disclosed, saying why), through
    ``MATERIAL_EVENT``; the decision is a history event of the alert, with who and why.

    Needs ``solvency.acknowledge_solvencyalert`` (the compliance officer). Closing a
    draft again with the status it has is a no-op; any other change of a closed draft is
    refused (``TransitionNotAllowed``)."""
    permission_require(actor, MATERIAL_EVENT_PERMISSION)
    pk = draft.pk if isinstance(draft, MaterialEventDraft) else draft
    with transaction.atomic():
        row = MaterialEventDraft.objects.select_for_update().get(pk=pk)
        if row.status == status and status != MaterialEventDraft.Status.DRAFT:
            return row
        old = MATERIAL_EVENT.move(row, status)
        row.save(update_fields=["status"])
        event_type = (
            AlertEvent.Type.EVENT_PUBLISHED
            if status == MaterialEventDraft.Status.PUBLISHED
            else AlertEvent.Type.EVENT_DISCARDED
        )
        alert_event(
            alert=row.source_alert,
            type=event_type,
            actor=actor,
            old_value=old,
            new_value=status,
            reason=(reason or "").strip(),
            data={"material_event": row.pk},
        )
    return row
