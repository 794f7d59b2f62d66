"""The orderly wind-down of a mutual aid plan (docs/members.md, "Wind-down of a mutual
aid plan") and the refunds of its members' unused advance payments.

``WindDown`` keeps the decision (the board's resolution, recorded as its reference, date
and minutes document, since members may not import governance) and the dated milestones
of the wind-down: started (the stop date: no new members, no cover for events from that
day), tail window closed (no new claims), final apportionment, refunds, ended. The
milestones are the wind-down's timeline; a milestone is set once and never changed.

``AdvanceRefund``: what one member is refunded of the money they paid in advance, one row
per wind-down and member, written set-based.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ledger.models import JournalEntry
from mutualsociety.common.display import format_date
from mutualsociety.common.money import MoneyField

from .people import Member
from .plans import Plan, localized

#: The project's default tail window (docs/defaults.md): claims for events before the stop
#: date are accepted for 180 days after it.
DEFAULT_TAIL_WINDOW_DAYS = 180


class WindDown(models.Model):
    """A mutual aid plan's wind-down: proposed by one staff member with the board's
    approval, started by a second (four eyes), ended when its last claim is settled."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, awaiting a second person")
        STARTED = "started", _("In wind-down")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled before it started")

    class Step(models.TextChoices):
        """The milestones of a wind-down, each published when it is reached."""

        STARTED = "started", _("Wind-down started")
        TAIL_CLOSED = "tail_closed", _("Claims window closed")
        FINAL_APPORTIONMENT = "final_apportionment", _("Final apportionment")
        REFUNDS = "refunds", _("Advance payments refunded")
        ENDED = "ended", _("Plan ended")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="wind_downs"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    tail_window_days = models.PositiveSmallIntegerField(
        _("claims window after the stop (days)"),
        default=DEFAULT_TAIL_WINDOW_DAYS,
        help_text=_(
            "Claims for events before the stop date are accepted until this many days after it."
        ),
    )
    reason = models.TextField(
        _("reason (Chinese)"), help_text=_("Why the plan is wound down; published.")
    )
    reason_en = models.TextField(_("reason (English)"), blank=True)
    board_resolution_reference = models.CharField(
        _("board resolution"),
        max_length=100,
        help_text=_("The number or title of the board's resolution approving the wind-down."),
    )
    board_resolved_on = models.DateField(_("resolved by the board on"))
    board_minutes_reference = models.CharField(
        _("minutes document"),
        max_length=300,
        help_text=_("Where the minutes of that board meeting are kept (reference or address)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stop_date = models.DateField(
        _("stop date"),
        null=True,
        blank=True,
        help_text=_("The day the wind-down started: no new members, no cover for later events."),
    )
    tail_closed_on = models.DateField(_("claims window closed on"), null=True, blank=True)
    final_apportionment_on = models.DateField(_("final apportionment on"), null=True, blank=True)
    refunds_on = models.DateField(_("refunds made on"), null=True, blank=True)
    refund_members = models.PositiveIntegerField(_("members refunded"), default=0)
    refund_total = MoneyField(_("refunded in all"), default=Decimal("0.00"))
    refund_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("refund ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refunds_paid_on = models.DateField(_("refunds paid out on"), null=True, blank=True)
    refund_paid_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("refund payment ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("plan wind-down")
        verbose_name_plural = _("plan wind-downs")
        permissions = [("manage_wind_down", _("Can propose and start a plan's wind-down"))]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=~Q(status="cancelled"),
                name="wind_down_one_per_plan",
                violation_error_message=_("This plan already has a wind-down."),
            ),
            models.CheckConstraint(
                condition=Q(tail_window_days__gte=1),
                name="wind_down_tail_window_positive",
                violation_error_message=_("The claims window must be at least one day."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Wind-down of %(plan)s") % {"plan": self.plan.display_name})

    @property
    def display_reason(self) -> str:
        return localized(self.reason, self.reason_en)

    @property
    def claims_until(self) -> dt.date | None:
        """The last day a claim (for an event before the stop date) is accepted."""
        if self.stop_date is None:
            return None
        return self.stop_date + dt.timedelta(days=self.tail_window_days)

    @property
    def statement(self) -> str:
        """What members, applicants and the public are told about the plan (its dates)."""
        values = {
            "plan": self.plan.display_name,
            "stop": format_date(self.stop_date),
            "until": format_date(self.claims_until),
            "ended": format_date(self.ended_on),
        }
        if self.status == self.Status.ENDED:
            return gettext("%(plan)s was wound down from %(stop)s and ended on %(ended)s.") % values
        return (
            gettext(
                "%(plan)s is in wind-down since %(stop)s and takes no new members; claims "
                "for events before %(stop)s are accepted until %(until)s."
            )
            % values
        )

    @property
    def is_active(self) -> bool:
        """Started and not yet ended: the plan is winding down."""
        return self.status == self.Status.STARTED

    def timeline(self) -> list[tuple[str, str, dt.date | None]]:
        """The milestones in order: (step, label, date reached or None)."""
        reached = {
            self.Step.STARTED: self.stop_date,
            self.Step.TAIL_CLOSED: self.tail_closed_on,
            self.Step.FINAL_APPORTIONMENT: self.final_apportionment_on,
            self.Step.REFUNDS: self.refunds_on,
            self.Step.ENDED: self.ended_on,
        }
        return [(step.value, step.label, reached[step]) for step in self.Step]


class AdvanceRefund(models.Model):
    """One member's unused advance payments refunded at a wind-down: owed (in the refunds
    payable account) until paid out."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        PAID = "paid", _("Paid out")

    wind_down = models.ForeignKey(
        WindDown, verbose_name=_("wind-down"), on_delete=models.PROTECT, related_name="refunds"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount = MoneyField(_("amount"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="due")
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["wind_down", "member"]
        verbose_name = _("advance refund")
        verbose_name_plural = _("advance refunds")
        constraints = [
            models.UniqueConstraint(fields=["wind_down", "member"], name="advance_refund_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="advance_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.amount}"
