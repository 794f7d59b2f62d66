"""Reserve runs in the API, read-only: the list (paginated, newest valuation date first)
and one run with its parameters, totals, the projection per origin period, the
development factors and the triangles it was computed from. Who reads drafts is decided
in ``selectors.reserve_runs_visible_to`` (the rule of the assessments): a run a caller
may not read answers 404 like one that does not exist."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import NotFound
from mutualsociety.common.fields import MoneyField

from .. import selectors
from ..models import Grain, ReserveRun, ReservingMethod
from .assessments import SolvencyPagination

VIEW = "solvency.view_reserverun"


class ReserveRunOut(serializers.Serializer):
    id = serializers.IntegerField()
    valuation_date = serializers.DateField()
    version = serializers.IntegerField()
    state = serializers.ChoiceField(choices=ReserveRun.State.choices)
    method = serializers.ChoiceField(choices=ReservingMethod.choices)
    grain = serializers.ChoiceField(choices=Grain.choices)
    upr = MoneyField(help_text=_("Unearned premium reserve."))
    outstanding = MoneyField(help_text=_("Outstanding claims reserve (case reserves)."))
    ibnr = MoneyField(help_text=_("Incurred but not reported reserve."))
    total = MoneyField(help_text=_("UPR + outstanding + IBNR."))
    created_by = serializers.CharField(
        source="created_by.username",
        allow_null=True,
        help_text=_("Who ran it; null for the monthly run."),
    )
    created_at = serializers.DateTimeField()
    approved_by = serializers.CharField(source="approved_by.username", allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)


class ParametersOut(serializers.Serializer):
    apriori = serializers.CharField(
        allow_null=True, help_text=_("Bornhuetter-Ferguson: the a-priori loss ratio.")
    )
    tail = serializers.CharField(allow_null=True, help_text=_("The tail factor; null: none."))
    exposure = serializers.DictField(
        child=serializers.CharField(),
        help_text=_("Bornhuetter-Ferguson: the premiums billed per origin period."),
    )


class OriginOut(serializers.Serializer):
    origin = serializers.CharField(help_text=_("The first day of the origin period."))
    latest = MoneyField(help_text=_("Incurred to date."))
    ultimate = MoneyField()
    ibnr = MoneyField()
    std_err = MoneyField(allow_null=True, help_text=_("Mack only; null for the other methods."))


class CellOut(serializers.Serializer):
    origin = serializers.CharField()
    lag = serializers.IntegerField(help_text=_("Development period, from 1."))
    value = MoneyField(help_text=_("Cumulative amount."))


class TrianglesOut(serializers.Serializer):
    paid = CellOut(many=True)
    incurred = CellOut(many=True)


def _cells(rows: list[list[Any]]) -> list[dict[str, Any]]:
    return [{"origin": origin, "lag": lag, "value": value} for origin, lag, value in rows]


class ReserveRunDetailOut(ReserveRunOut):
    parameters = serializers.SerializerMethodField()
    latest_total = MoneyField(help_text=_("Incurred to date, every origin period."))
    ultimate_total = MoneyField()
    std_err_total = MoneyField(allow_null=True, help_text=_("Mack only."))
    origins = OriginOut(many=True, source="origins.all")
    factors = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("The age-to-age development factors, as decimal strings."),
    )
    triangles = serializers.SerializerMethodField()
    inputs_digest = serializers.CharField()

    @extend_schema_field(ParametersOut)
    def get_parameters(self, run: ReserveRun) -> dict:
        params = run.parameters or {}
        return ParametersOut(
            {
                "apriori": params.get("apriori"),
                "tail": params.get("tail"),
                "exposure": params.get("exposure") or {},
            }
        ).data

    @extend_schema_field(TrianglesOut)
    def get_triangles(self, run: ReserveRun) -> dict:
        """The cumulative paid and incurred triangles the run used."""
        triangles = run.triangles or {}
        return TrianglesOut(
            {
                "paid": _cells(triangles.get("paid", [])),
                "incurred": _cells(triangles.get("incurred", [])),
            }
        ).data


class ReserveRunListApi(APIView):
    """Reserve runs, newest valuation date first (``?state=``)."""

    permission_classes = [require_perms(VIEW)]
    # Read by drf-spectacular: the answer is the paginated envelope, not a bare array.
    pagination_class = SolvencyPagination

    class FilterIn(serializers.Serializer):
        state = serializers.ChoiceField(choices=ReserveRun.State.choices, required=False)

    @extend_schema(tags=["solvency"], parameters=[FilterIn], responses=ReserveRunOut(many=True))
    def get(self, request):
        params = self.FilterIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.reserve_runs_visible_to(request.user)
        if params.validated_data.get("state"):
            qs = qs.filter(state=params.validated_data["state"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ReserveRunOut(page, many=True).data)


class ReserveRunDetailApi(APIView):
    """One reserve run: parameters, totals, results per origin, factors, triangles."""

    permission_classes = [require_perms(VIEW)]

    @extend_schema(tags=["solvency"], responses=ReserveRunDetailOut)
    def get(self, request, run_id: int):
        run = (
            selectors.reserve_runs_visible_to(request.user)
            .prefetch_related("origins")
            .filter(pk=run_id)
            .first()
        )
        if run is None:
            raise NotFound(gettext("There is no reserve run #%(id)s.") % {"id": run_id})
        return Response(ReserveRunDetailOut(run).data)
