"""Figures in the open-data API: what the public pages chart, as JSON.

The key figures at a glance with the publication each was last disclosed in, the solvency
ratios quarter by quarter, the claims statistics by quarter and the published
apportionment periods. Read live from the other apps' selectors (the same ones the public
pages read), and cached like the public pages (``disclosure.cache``): a publication,
correction or withdrawal clears them at once, otherwise they live 15 minutes at most.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from claims.selectors import (
    apportionment_periods_published,
    apportionment_row,
    claim_statistics_by_quarter,
)
from members.models import Plan
from mutualsociety.common.fields import MoneyField
from solvency.selectors import SolvencySummary, solvency_history

from .. import periods
from ..models import Kind, Publication
from ..selectors.figures import Figure, key_figures
from ..selectors.sources import key_figure_sources
from .publications import TAGS, PublicApi

#: The figures of ``KeyFigures`` the answer carries, in the order of the home page.
FIGURE_NAMES = (
    "members_in_force",
    "contributions",
    "claims_paid",
    "claims_ratio",
    "expense_ratio",
    "contributions_earned",
    "claims_incurred",
    "operating_expenses",
)


def Ratio(**kwargs) -> serializers.DecimalField:  # noqa: N802
    """A solvency ratio in percent with two places, as a decimal string ("187.45")."""
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, allow_null=True, **kwargs
    )


def Rate(**kwargs) -> serializers.DecimalField:  # noqa: N802
    """A rate as a fraction with 6 places, as a decimal string ("0.250000" is 25%)."""
    return serializers.DecimalField(
        max_digits=12, decimal_places=6, coerce_to_string=True, allow_null=True, **kwargs
    )


def _absolute(request: Request | None, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


class SourceOut(serializers.Serializer):
    """The published version a figure was last disclosed in."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    period = serializers.CharField()
    title = serializers.CharField()
    title_en = serializers.CharField()
    published_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    def get_url(self, publication: Publication) -> str:
        path = reverse("disclosure-api:publication", args=[publication.pk])
        return _absolute(self.context.get("request"), path)

    def get_page(self, publication: Publication) -> str:
        path = reverse("disclosure:publication", args=[publication.pk])
        return _absolute(self.context.get("request"), path)


class FigureOut(serializers.Serializer):
    value = serializers.CharField(
        allow_null=True,
        help_text=_(
            'A decimal as a string: an amount to the cent ("2289.30"), a ratio as a '
            'fraction with 6 places ("0.333333"), a count ("2"); null when it cannot be '
            "computed (a ratio over nothing earned)."
        ),
    )
    as_of = serializers.DateField()
    since = serializers.DateField(
        allow_null=True, help_text=_("First day of the period of a flow; null for a count.")
    )
    source = SourceOut(allow_null=True)


class SolvencyOut(serializers.Serializer):
    assessment = serializers.IntegerField()
    valuation_date = serializers.DateField()
    regime = serializers.CharField()
    comprehensive_ratio = Ratio()
    core_ratio = Ratio()
    mcr_ratio = Ratio()
    status = serializers.CharField()
    status_label = serializers.CharField()
    early_warning = serializers.BooleanField()
    source = SourceOut(allow_null=True)


class FiguresOut(serializers.Serializer):
    as_of = serializers.DateField()
    members_in_force = FigureOut()
    contributions = FigureOut()
    claims_paid = FigureOut()
    claims_ratio = FigureOut()
    expense_ratio = FigureOut()
    contributions_earned = FigureOut()
    claims_incurred = FigureOut()
    operating_expenses = FigureOut()
    solvency = SolvencyOut(allow_null=True)


def _value(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _figure(figure: Figure) -> dict:
    return {"value": _value(figure.value), "as_of": figure.as_of, "since": figure.since}


def _solvency(summary: SolvencySummary) -> dict:
    return {
        "assessment": summary.assessment_id,
        "valuation_date": summary.valuation_date,
        "regime": summary.regime_code,
        "comprehensive_ratio": summary.comprehensive_ratio,
        "core_ratio": summary.core_ratio,
        "mcr_ratio": summary.mcr_ratio,
        "status": summary.status,
        "status_label": summary.status_label,
        "early_warning": summary.early_warning,
    }


class FiguresApi(PublicApi):
    """The key figures at a glance, today: each with its value, the day it stands at, the
    first day of its period (flows are year to date) and the publication it was last
    disclosed in; and the latest approved solvency position (the public home page)."""

    @extend_schema(tags=TAGS, responses=FiguresOut)
    def get(self, request: Request) -> Response:
        def build() -> dict:
            figures = key_figures(as_of=timezone.localdate())
            solvency = figures.solvency
            sources = key_figure_sources(
                solvency_date=solvency.valuation_date if solvency is not None else None
            )
            context = {"request": request}
            data: dict = {"as_of": figures.as_of, "solvency": None}
            for name in FIGURE_NAMES:
                data[name] = {
                    **_figure(getattr(figures, name)),
                    "source": sources.get(name),
                }
            if solvency is not None:
                data["solvency"] = {**_solvency(solvency), "source": sources.get("solvency")}
            return FiguresOut(data, context=context).data

        return Response(self.cached(request, "figures", build))


# --- Solvency, quarter by quarter ---------------------------------------------------


class SolvencyHistoryIn(serializers.Serializer):
    quarters = serializers.IntegerField(
        required=False, default=8, min_value=1, max_value=40, help_text=_("From 1 to 40.")
    )


class SolvencyQuarterOut(serializers.Serializer):
    quarter = serializers.CharField(help_text=_('For example "2026Q3".'))
    valuation_date = serializers.DateField()
    comprehensive_ratio = Ratio()
    core_ratio = Ratio()
    mcr_ratio = Ratio()
    status = serializers.CharField()
    status_label = serializers.CharField()
    early_warning = serializers.BooleanField()


class SolvencyHistoryApi(PublicApi):
    """The latest approved solvency position of each of the last ``?quarters=`` quarters
    (8 by default) that have one, oldest first (the public solvency page's chart)."""

    @extend_schema(
        tags=TAGS, parameters=[SolvencyHistoryIn], responses=SolvencyQuarterOut(many=True)
    )
    def get(self, request: Request) -> Response:
        def build() -> list:
            params = SolvencyHistoryIn(data=request.query_params)
            params.is_valid(raise_exception=True)
            history = solvency_history(params.validated_data["quarters"])
            return SolvencyQuarterOut(history, many=True).data

        return Response(self.cached(request, "solvency-history", build))


# --- Claims statistics by quarter ---------------------------------------------------


def _period_parse(value: str) -> periods.Period:
    """A year (``2026``) or a quarter (``2026Q1``), else a validation error."""
    for parse in (periods.year_parse, periods.quarter_parse):
        try:
            return parse(value)
        except periods.PeriodMalformed:
            continue
    raise serializers.ValidationError(_("Write a year (2026) or a quarter (2026Q1)."))


class ClaimStatisticsIn(serializers.Serializer):
    period = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=_("A year (2026) or a quarter (2026Q1); every quarter without it."),
    )

    def validate_period(self, value: str) -> periods.Period | None:
        return _period_parse(value) if value.strip() else None


class ClaimQuarterOut(serializers.Serializer):
    quarter = serializers.CharField(help_text=_('For example "2026Q3".'))
    start = serializers.DateField()
    end = serializers.DateField()
    claims = serializers.IntegerField(help_text=_("Claims submitted in the quarter."))
    amount_claimed = MoneyField()
    amount_approved = MoneyField()
    amount_paid = MoneyField()
    decided = serializers.IntegerField()
    rejected = serializers.IntegerField()
    noticed = serializers.IntegerField()
    objected = serializers.IntegerField()
    panels_decided = serializers.IntegerField()
    overturned = serializers.IntegerField()
    rejection_rate = Rate()
    objection_rate = Rate()
    overturn_rate = Rate()
    paid_claims = serializers.IntegerField()
    days_to_payment_median = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, allow_null=True
    )
    days_to_payment_p90 = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, allow_null=True
    )


class ClaimStatisticsApi(PublicApi):
    """Claims statistics by quarter of submission, oldest first (``?period=`` a year or a
    quarter): cases, amounts to the cent, rejection, objection and overturn rates, days
    to payment (the public claims page)."""

    @extend_schema(tags=TAGS, parameters=[ClaimStatisticsIn], responses=ClaimQuarterOut(many=True))
    def get(self, request: Request) -> Response:
        def build() -> list:
            params = ClaimStatisticsIn(data=request.query_params)
            params.is_valid(raise_exception=True)
            period = params.validated_data.get("period")
            rows = claim_statistics_by_quarter(
                date_from=period.start if period else None,
                date_to=period.end if period else None,
            )
            return ClaimQuarterOut(rows, many=True).data

        return Response(self.cached(request, "claims-statistics", build))


# --- Apportionment periods ----------------------------------------------------------


class ApportionmentPagination(LimitOffsetPagination):
    """``?limit=&offset=``; without a limit, the first 50."""

    default_limit = 50
    max_limit = 500


class ApportionmentFilterIn(serializers.Serializer):
    plan = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text=_("A plan's code.")
    )
    period = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=_("A year (2026): the periods cut off in it."),
    )

    def validate_plan(self, value: str) -> Plan | None:
        if not value:
            return None
        plan = Plan.objects.filter(code=value).first()
        if plan is None:
            raise serializers.ValidationError(_("Unknown plan."))
        return plan

    def validate_period(self, value: str) -> dt.date | None:
        if not value.strip():
            return None
        try:
            return periods.year_parse(value).start
        except periods.PeriodMalformed as error:
            raise serializers.ValidationError(
                _("The year must be written with four digits, like 2026.")
            ) from error


class ApportionmentPeriodOut(serializers.Serializer):
    id = serializers.IntegerField(source="period_id")
    plan = serializers.CharField(source="plan_code")
    plan_name = serializers.CharField()
    period_start = serializers.DateField()
    cutoff = serializers.DateField()
    published_at = serializers.DateTimeField()
    claim_count = serializers.IntegerField(help_text=_("Cases shared."))
    benefits_total = MoneyField()
    fee_rate = Rate()
    fee = MoneyField()
    total = MoneyField(help_text=_("Benefits and fee."))
    members_sharing = serializers.IntegerField()
    share_per_member = MoneyField(
        help_text=_("The base share; extra_cent_members paid one cent more.")
    )
    extra_cent_members = serializers.IntegerField()
    annual_cap = MoneyField(allow_null=True)
    capped_members = serializers.IntegerField()
    shares_total = MoneyField(help_text=_("What the members were asked for."))
    shortfall = MoneyField()
    shortfall_fee_waived = MoneyField()
    shortfall_from_surplus = MoneyField()
    merkle_root = serializers.CharField(
        help_text=_(
            "SHA-256 root (hex) of the tree over every member's share, which members check "
            "their share against; empty for a period run before the tree."
        )
    )
    merkle_leaves = serializers.IntegerField(
        allow_null=True, help_text=_("How many shares the tree covers.")
    )


class ApportionmentPeriodListApi(PublicApi):
    """The published apportionment periods of the mutual aid plans, newest first
    (``?plan=`` a plan's code, ``?period=`` a year), with the Merkle root of the members'
    shares."""

    # Read by drf-spectacular: the answer is the paginated envelope, not a bare array.
    pagination_class = ApportionmentPagination

    @extend_schema(
        tags=TAGS, parameters=[ApportionmentFilterIn], responses=ApportionmentPeriodOut(many=True)
    )
    def get(self, request: Request) -> Response:
        def build() -> dict:
            params = ApportionmentFilterIn(data=request.query_params)
            params.is_valid(raise_exception=True)
            year = params.validated_data.get("period")
            queryset = apportionment_periods_published(
                plan=params.validated_data.get("plan"), year=year.year if year else None
            )
            paginator = self.pagination_class()
            page = paginator.paginate_queryset(queryset, request, view=self)
            data = ApportionmentPeriodOut([apportionment_row(p) for p in page], many=True).data
            return paginator.get_paginated_response(data).data

        return Response(self.cached(request, "apportionment-periods", build))
