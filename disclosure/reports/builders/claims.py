"""The annual report's claims: statistics, claims by plan and month, apportionment."""

from __future__ import annotations

from django.utils.translation import gettext as _

from claims.models import Claim
from mutualsociety.common.display import format_date

from ..document import Section, Table, date, integer, money, month, number, percent, text
from ..figures import Reader
from .common import Common, choice, indicator_table, money_sum, nothing


def claims_sections(c: Common, block: Reader | None) -> list[Section]:
    if block is None:
        return [nothing(_("Claims"))]
    lang = c.language
    sections = []
    stats = block.obj("statistics", required=False)
    tables = []
    if stats is not None:
        tables.append(
            indicator_table(
                _("Claims statistics"),
                [
                    [text(_("Claims submitted")), integer(stats.integer("claims"))],
                    [text(_("Amount claimed")), money(stats.req_money("amount_claimed"))],
                    [text(_("Amount approved")), money(stats.req_money("amount_approved"))],
                    [text(_("Amount paid")), money(stats.req_money("amount_paid"))],
                    [
                        text(_("Days from submission to payment (mean)")),
                        number(stats.decimal("days_to_payment_mean", required=False)),
                    ],
                    [
                        text(_("Days from submission to payment (90th percentile)")),
                        number(stats.decimal("days_to_payment_p90", required=False)),
                    ],
                    [
                        text(_("Rejection rate")),
                        percent(stats.decimal("rejection_rate", required=False)),
                    ],
                    [
                        text(_("Objection rate")),
                        percent(stats.decimal("objection_rate", required=False)),
                    ],
                    [
                        text(_("Overturn rate")),
                        percent(stats.decimal("overturn_rate", required=False)),
                    ],
                    [
                        text(_("Review panels decided")),
                        integer(stats.integer("panels_decided", required=False)),
                    ],
                ],
            )
        )
        by_status = stats.obj("by_status", required=False)
        if by_status is not None:
            tables.append(
                Table(
                    caption=_("Claims by status"),
                    headers=[_("Status"), _("Claims")],
                    rows=[
                        [text(choice(Claim.Status, status)), integer(by_status.integer(status))]
                        for status in by_status.data
                    ],
                )
            )
    months = block.items("by_month")
    if months:
        tables.append(
            Table(
                caption=_("Claims by plan and month of submission"),
                headers=[
                    _("Plan"),
                    _("Month"),
                    _("Claims"),
                    _("Amount claimed"),
                    _("Amount approved"),
                    _("Amount paid"),
                    _("Rejected"),
                ],
                rows=[
                    [
                        text(m.req_label("plan", lang)),
                        month(m.req_date("month")),
                        integer(m.integer("claims")),
                        money(m.req_money("amount_claimed")),
                        money(m.req_money("amount_approved")),
                        money(m.req_money("amount_paid")),
                        integer(m.integer("rejected", required=False)),
                    ]
                    for m in months
                ],
                total=[
                    text(_("Total")),
                    text(""),
                    integer(sum(m.integer("claims") or 0 for m in months)),
                    money(money_sum(months, "amount_claimed")),
                    money(money_sum(months, "amount_approved")),
                    money(money_sum(months, "amount_paid")),
                    integer(sum(m.integer("rejected", required=False) or 0 for m in months)),
                ],
            )
        )
    sections.append(
        Section(
            heading=_("Claims"),
            paragraphs=[
                _("Claims submitted from %(start)s to %(end)s.")
                % {"start": format_date(c.start), "end": format_date(c.end)}
            ],
            tables=tables,
        )
    )
    periods = block.items("apportionments")
    if periods:
        sections.append(
            Section(
                heading=_("Apportionment"),
                tables=[
                    Table(
                        caption=_("Apportionment periods"),
                        headers=[
                            _("Plan"),
                            _("Cut-off"),
                            _("Cases"),
                            _("Benefits shared"),
                            _("Management fee rate"),
                            _("Management fee"),
                            _("Members sharing"),
                            _("Share per member"),
                            _("Shortfall"),
                        ],
                        rows=[
                            [
                                text(p.req_label("plan", lang)),
                                date(p.req_date("cutoff")),
                                integer(p.integer("claim_count")),
                                money(p.req_money("benefits_total")),
                                percent(p.decimal("fee_rate")),
                                money(p.req_money("fee")),
                                integer(p.integer("members_sharing")),
                                money(p.req_money("share_per_member")),
                                money(p.money("shortfall", required=False)),
                            ]
                            for p in periods
                        ],
                    )
                ],
            )
        )
    return sections
