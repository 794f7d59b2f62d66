"""Claims statistics for staff in the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from members.models import Plan
from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.fields import IsoDateField

from .. import selectors


class StatisticsApi(APIView):
    """Claims statistics for staff: ?plan=<code>&from=YYYY-MM-DD&to=YYYY-MM-DD."""

    permission_classes = [require_perms("claims.view_claim")]

    @extend_schema(tags=["claims"], responses={200: dict})
    def get(self, request):
        query = StatisticsIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        plan = None
        if query.validated_data.get("plan"):
            plan = Plan.objects.filter(code=query.validated_data["plan"]).first()
            if plan is None:
                raise InvalidInput(_("Unknown plan."), field="plan")
        stats = selectors.claim_statistics(
            plan=plan,
            date_from=query.validated_data.get("from"),
            date_to=query.validated_data.get("to"),
        )
        for key in ("amount_claimed", "amount_approved", "amount_paid"):
            stats[key] = str(stats[key])
        return Response(stats)


class StatisticsIn(serializers.Serializer):
    plan = serializers.CharField(required=False)
    to = IsoDateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = IsoDateField(required=False)
        return fields
