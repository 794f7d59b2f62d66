"""Solvency regimes in the API, read-only: each with its modules and factors, the
correlation matrix, the capital limits, the thresholds and the ladder of intervention.
The actuary edits them in the admin."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import NotFound
from mutualsociety.common.fields import MoneyField

from .. import selectors
from ..models import LadderRung, RiskFactor

VIEW = "solvency.view_regime"


def Rate(**kwargs) -> serializers.DecimalField:  # noqa: N802
    return serializers.DecimalField(
        max_digits=12, decimal_places=6, coerce_to_string=True, **kwargs
    )


def Percent(**kwargs) -> serializers.DecimalField:  # noqa: N802
    return serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=True, **kwargs)


class FactorOut(serializers.Serializer):
    exposure = serializers.ChoiceField(choices=RiskFactor.Exposure.choices)
    asset_class = serializers.CharField()
    rating = serializers.CharField()
    by_duration = serializers.BooleanField()
    rate = Rate()
    source = serializers.CharField()


class ModuleOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    factors = FactorOut(many=True, source="factors.all")


class RungOut(serializers.Serializer):
    severity = serializers.IntegerField()
    measure = serializers.ChoiceField(choices=LadderRung.Measure.choices)
    below = Percent(allow_null=True)
    rating_at_or_below = serializers.CharField()
    status = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    requires = serializers.CharField()
    requires_en = serializers.CharField()
    deadline_days = serializers.IntegerField(allow_null=True)


class RegimeOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    is_default = serializers.BooleanField()
    comprehensive_min = Percent()
    core_min = Percent(allow_null=True)
    has_mcr = serializers.BooleanField()
    mcr_min = Percent(allow_null=True)
    rating_min = serializers.CharField()
    early_warning_points = Percent()


class RegimeDetailOut(RegimeOut):
    description = serializers.CharField()
    correlation = serializers.JSONField(help_text=_('{"modules": [...], "matrix": [[...]]}'))
    requirement_multiplier = Rate()
    control_risk_rate = Rate()
    operational_premium_rate = Rate()
    operational_cap_rate = Rate(allow_null=True)
    mcr_floor_rate = Rate()
    mcr_cap_rate = Rate()
    mcr_absolute_floor = MoneyField()
    mcr_premium_rate = Rate()
    mcr_reserve_rate = Rate()
    supplementary_limit_of_core = Rate(allow_null=True)
    supplementary_limit_of_requirement = Rate(allow_null=True)
    mcr_supplementary_limit = Rate(allow_null=True)
    modules = ModuleOut(many=True, source="modules.all")
    rungs = RungOut(many=True, source="rungs.all")


class RegimeListApi(APIView):
    """The regimes (three presets unless the actuary added one), the default first."""

    permission_classes = [require_perms(VIEW)]

    @extend_schema(tags=["solvency"], responses=RegimeOut(many=True))
    def get(self, request):
        return Response(RegimeOut(selectors.regime_list(), many=True).data)


class RegimeDetailApi(APIView):
    """One regime with its modules, factors, limits, thresholds and ladder."""

    permission_classes = [require_perms(VIEW)]

    @extend_schema(tags=["solvency"], responses=RegimeDetailOut)
    def get(self, request, regime_code: str):
        regime = selectors.regime_loaded(code=regime_code)
        if regime is None:
            raise NotFound(gettext("There is no solvency regime %(code)s.") % {"code": regime_code})
        return Response(RegimeDetailOut(regime).data)
