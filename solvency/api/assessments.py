"""Solvency assessments in the API, read-only: the list (paginated, newest first), one
assessment with its breakdown and inputs, and the per-quarter history of the approved
ones. Who reads drafts is decided in ``selectors.assessments_visible_to``: an assessment
a caller may not read answers 404 like one that does not exist."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import InvalidInput, NotFound
from mutualsociety.common.fields import MoneyField

from .. import selectors
from ..models import AssessmentLine, SolvencyAssessment

VIEW = "solvency.view_solvencyassessment"


def Ratio(**kwargs) -> serializers.DecimalField:  # noqa: N802
    """A ratio in percent with two places, as a decimal string ("125.00" is 125%)."""
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, allow_null=True, **kwargs
    )


class SolvencyPagination(LimitOffsetPagination):
    """``?limit=&offset=``; without a limit, the first 50."""

    default_limit = 50
    max_limit = 500


class ThresholdsOut(serializers.Serializer):
    comprehensive = Ratio(help_text=_("Comprehensive ratio: at least (%)."))
    core = Ratio(help_text=_("Core ratio: at least (%); null when the regime has none."))
    mcr = Ratio(help_text=_("MCR ratio: at least (%); null when the regime has no MCR."))
    rating = serializers.CharField(help_text=_("The rating at least required; empty: none."))
    early_warning_points = Ratio()


class AssessmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    valuation_date = serializers.DateField()
    regime = serializers.CharField(source="regime.code")
    version = serializers.IntegerField()
    state = serializers.ChoiceField(choices=SolvencyAssessment.State.choices)
    actual_capital = MoneyField()
    core_capital = MoneyField()
    minimum_capital = MoneyField(help_text=_("Solvency II: the SCR."))
    mcr = MoneyField(allow_null=True)
    comprehensive_ratio = Ratio()
    core_ratio = Ratio()
    mcr_ratio = Ratio()
    status = serializers.CharField(
        source="ladder_status", help_text=_("adequate, early_warning, or a rung's status.")
    )
    early_warning = serializers.BooleanField()
    rating = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    computed_at = serializers.DateTimeField()
    approved_at = serializers.DateTimeField(allow_null=True)


class LineOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AssessmentLine.Kind.choices)
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    amount = MoneyField()


class AssessmentDetailOut(AssessmentOut):
    supplementary_capital = MoneyField(help_text=_("Before the regime's limits."))
    admitted_supplementary = MoneyField()
    undiversified_requirement = MoneyField(help_text=_("The sum of the module charges."))
    diversified_requirement = MoneyField()
    adjustments_total = MoneyField()
    status_label = serializers.SerializerMethodField()
    thresholds = serializers.SerializerMethodField()
    lines = LineOut(many=True, source="lines.all")
    computed_by = serializers.IntegerField(source="computed_by_id")
    approved_by = serializers.IntegerField(source="approved_by_id", allow_null=True)
    approval_note = serializers.CharField()
    inputs = serializers.JSONField(
        help_text=_(
            "Everything the computation used: the regime's data, capital lines, premiums, "
            "reserves, holdings (amounts as decimal strings)."
        )
    )
    inputs_digest = serializers.CharField()

    def get_status_label(self, assessment: SolvencyAssessment) -> str:
        return selectors.status_label(assessment.ladder_status, regime=assessment.regime)

    @extend_schema_field(ThresholdsOut)
    def get_thresholds(self, assessment: SolvencyAssessment) -> dict:
        """The thresholds the assessment was judged by (copied into its inputs)."""
        return ThresholdsOut(selectors.assessment_thresholds(assessment)).data


class HistoryIn(serializers.Serializer):
    quarters = serializers.IntegerField(
        required=False, default=8, min_value=1, max_value=40, help_text=_("From 1 to 40.")
    )
    regime = serializers.SlugField(
        required=False, help_text=_("A regime's code; the default regime without it.")
    )


class HistoryPointOut(serializers.Serializer):
    quarter = serializers.CharField(help_text=_('For example "2026Q3".'))
    valuation_date = serializers.DateField()
    comprehensive_ratio = Ratio()
    core_ratio = Ratio()
    mcr_ratio = Ratio()
    status = serializers.CharField()
    status_label = serializers.CharField()
    early_warning = serializers.BooleanField()
    assessment = serializers.IntegerField(source="assessment_id")


class AssessmentListApi(APIView):
    """Solvency assessments, newest first (``?regime=`` a code, ``?state=``)."""

    permission_classes = [require_perms(VIEW)]
    # Read by drf-spectacular: the answer is the paginated envelope, not a bare array.
    pagination_class = SolvencyPagination

    class FilterIn(serializers.Serializer):
        regime = serializers.SlugField(required=False)
        state = serializers.ChoiceField(choices=SolvencyAssessment.State.choices, required=False)

    @extend_schema(tags=["solvency"], parameters=[FilterIn], responses=AssessmentOut(many=True))
    def get(self, request):
        params = self.FilterIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.assessments_visible_to(request.user)
        if params.validated_data.get("regime"):
            qs = qs.filter(regime__code=params.validated_data["regime"])
        if params.validated_data.get("state"):
            qs = qs.filter(state=params.validated_data["state"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AssessmentOut(page, many=True).data)


class AssessmentDetailApi(APIView):
    """One assessment: figures, module and adjustment lines, status, thresholds, inputs."""

    permission_classes = [require_perms(VIEW)]

    @extend_schema(tags=["solvency"], responses=AssessmentDetailOut)
    def get(self, request, assessment_id: int):
        assessment = (
            selectors.assessments_visible_to(request.user)
            .prefetch_related("lines", "regime__rungs")
            .filter(pk=assessment_id)
            .first()
        )
        if assessment is None:
            raise NotFound(
                gettext("There is no solvency assessment #%(id)s.") % {"id": assessment_id}
            )
        return Response(AssessmentDetailOut(assessment).data)


class HistoryApi(APIView):
    """The approved ratios of the last ``quarters`` quarters that have one, oldest first
    (each quarter's latest approved valuation date)."""

    permission_classes = [require_perms(VIEW)]

    @extend_schema(tags=["solvency"], parameters=[HistoryIn], responses=HistoryPointOut(many=True))
    def get(self, request):
        params = HistoryIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        regime = None
        code = params.validated_data.get("regime")
        if code:
            regime = selectors.regime_get(code=code)
            if regime is None:
                raise InvalidInput(gettext("There is no such solvency regime."), field="regime")
        history = selectors.solvency_history(params.validated_data["quarters"], regime=regime)
        return Response(HistoryPointOut(history, many=True).data)
