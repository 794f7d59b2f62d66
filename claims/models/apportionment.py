"""Post-funded cost sharing: one ``ApportionmentPeriod`` per plan and cut-off."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import JournalEntry
from members.models import Plan
from mutualsociety.common.display import format_date
from mutualsociety.common.money import MoneyField


class ApportionmentPeriod(models.Model):
    """One apportionment of a mutual aid plan: the claims cleared up to the cut-off, the
    fee, who shared and how much; one per plan and cut-off (idempotency).

    ``status``: *billing* while its shares are written chunk by chunk on the workers
    (``services.apportionment``), *billed* once every chunk is in and the period's ledger
    entry and Merkle root are made; nothing of a period still billing is published."""

    class Status(models.TextChoices):
        BILLING = "billing", _("billing")
        BILLED = "billed", _("billed")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="apportionments"
    )
    period_start = models.DateField(_("period from"))
    cutoff = models.DateField(_("cut-off"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.BILLED,
        help_text=_(
            "Billing while the members' shares are being written on the workers; billed "
            "once all are in, with the period's ledger entry and Merkle root."
        ),
    )
    claim_count = models.PositiveIntegerField(_("cases"))
    benefits_total = MoneyField(_("benefits shared"))
    fee_rate = models.DecimalField(_("management fee rate"), max_digits=9, decimal_places=6)
    fee = MoneyField(_("management fee"))
    total = MoneyField(_("total to share"))
    members_sharing = models.PositiveIntegerField(_("members sharing"))
    share_per_member = MoneyField(_("share per member"))
    extra_cent_members = models.PositiveIntegerField(
        _("members paying one cent more"),
        default=0,
        help_text=_(
            "The rounding remainder: the first members by coverage number pay one cent more."
        ),
    )
    annual_cap = MoneyField(_("annual cap"), null=True, blank=True)
    capped_members = models.PositiveIntegerField(_("members at the cap"), default=0)
    shares_total = MoneyField(_("shares due"))
    shortfall = MoneyField(_("shortfall"), default=Decimal("0.00"))
    shortfall_fee_waived = MoneyField(_("met by waiving the fee"), default=Decimal("0.00"))
    shortfall_from_surplus = MoneyField(_("met from the surplus"), default=Decimal("0.00"))
    ledger_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_final = models.BooleanField(
        _("final apportionment"),
        default=False,
        help_text=_(
            "The last period of a plan in wind-down: no period of the plan is run after it."
        ),
    )
    run_at = models.DateTimeField(_("run at"), default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    merkle_root = models.CharField(
        _("Merkle root"),
        max_length=64,
        blank=True,
        help_text=_(
            "SHA-256 root (hex) of the tree over every member's share in this period, "
            "under a pseudonymous key; members check their share against it."
        ),
    )
    merkle_leaves = models.PositiveIntegerField(
        _("members in the Merkle tree"), null=True, blank=True
    )
    merkle_block_level = models.PositiveSmallIntegerField(
        _("lowest stored tree level"),
        null=True,
        blank=True,
        help_text=_(
            "Nodes are stored from this level up; the levels below it are recomputed "
            "from the shares for a proof."
        ),
    )

    class Meta:
        ordering = ["plan", "-cutoff"]
        verbose_name = _("apportionment period")
        verbose_name_plural = _("apportionment periods")
        constraints = [
            models.UniqueConstraint(fields=["plan", "cutoff"], name="apportionment_once"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.plan.display_name} {format_date(self.period_start)}–{format_date(self.cutoff)}"
        )


class ShareTreeNode(models.Model):
    """A stored node of a period's share tree (docs/claims.md, "Verifiable apportionment
    statements"): only the levels from ``period.merkle_block_level`` up, so a period of
    N members stores about N / 512 rows; the levels below are recomputed for a proof from
    one block of at most 2^level shares. On the lowest stored level, ``first_key`` is the
    pseudonymous key of the block's first leaf (to find a member's block) and
    ``block_members`` the ids of the block's members (to recompute it from their shares
    alone, by the dues' member index, about 8 bytes per member). Staff data:
    the nodes are never shown, only the root and a member's own proof."""

    pk = models.CompositePrimaryKey("period", "level", "position")
    period = models.ForeignKey(
        ApportionmentPeriod,
        verbose_name=_("apportionment period"),
        on_delete=models.CASCADE,
        related_name="tree_nodes",
    )
    level = models.PositiveSmallIntegerField(_("level"))
    position = models.PositiveIntegerField(_("position"))
    hash = models.BinaryField(_("hash"), max_length=32)
    first_key = models.BinaryField(_("first key"), max_length=32, null=True)
    block_members = models.TextField(
        _("members of the block"),
        blank=True,
        help_text=_("The ids of the members whose leaves are in this block, comma-separated."),
    )

    class Meta:
        verbose_name = _("share tree node")
        verbose_name_plural = _("share tree nodes")

    def __str__(self) -> str:
        return f"{self.period_id}/{self.level}/{self.position}"
