"""``/api/v1/me/...``: the signed-in member's own profile, cover, dues and payments."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..services.profile import CONTACT_FIELDS, member_update_contact
from .common import CoverageOut, DueOut, Money, PaymentOut, ProfileOut, errors, member_or_404


class ContactIn(serializers.Serializer):
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    region = serializers.CharField(max_length=2, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MeApi(APIView):
    """The signed-in member's profile; PATCH changes contact details only.

    Phone, e-mail, region and address can be changed here (each change is kept in the
    membership's history); name, identity document and date of birth are changed by staff
    after checking documents, and sending them is refused with 400 naming the field.
    404 when the signed-in person has no membership.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["me"], responses={200: ProfileOut, **errors(403, 404)})
    def get(self, request):
        return Response(ProfileOut(member_or_404(request)).data)

    @extend_schema(
        tags=["me"], request=ContactIn, responses={200: ProfileOut, **errors(400, 403, 404)}
    )
    def patch(self, request):
        member = member_or_404(request)
        data = ContactIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        # Anything else is refused by the service, which names each field.
        changes.update({k: request.data[k] for k in request.data if k not in CONTACT_FIELDS})
        member = member_update_contact(member=member, actor=request.user, changes=changes)
        return Response(ProfileOut(member).data)


class MeCoveragesApi(APIView):
    """The signed-in member's coverages, with the days left in each waiting period."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["me"], responses={200: CoverageOut(many=True), **errors(403, 404)})
    def get(self, request):
        member = member_or_404(request)
        coverages = member.coverages.select_related("plan", "plan_version").order_by(
            "start_date", "id"
        )
        return Response(CoverageOut(coverages, many=True).data)


class ContributionsOut(serializers.Serializer):
    total_due = Money(help_text=_("Everything that fell due so far."))
    outstanding = Money(help_text=_("What is still owed."))
    advance = Money(help_text=_("Paid in advance, not yet used."))
    dues = DueOut(many=True, help_text=_("Newest first."))


class MeContributionsApi(APIView):
    """What the signed-in member owes: premiums and shares due, paid and outstanding."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["me"], responses={200: ContributionsOut, **errors(403, 404)})
    def get(self, request):
        statement = selectors.member_statement(member_or_404(request))
        return Response(
            ContributionsOut(
                {
                    "total_due": statement.total_due,
                    "outstanding": statement.outstanding,
                    "advance": statement.advance,
                    "dues": statement.dues,
                }
            ).data
        )


class PaymentsOut(serializers.Serializer):
    total_paid = Money()
    advance = Money(help_text=_("Paid in advance, not yet used."))
    payments = PaymentOut(many=True, help_text=_("Newest first."))


class MePaymentsApi(APIView):
    """The payments the signed-in member made."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["me"], responses={200: PaymentsOut, **errors(403, 404)})
    def get(self, request):
        statement = selectors.member_statement(member_or_404(request))
        return Response(
            PaymentsOut(
                {
                    "total_paid": statement.total_paid,
                    "advance": statement.advance,
                    "payments": statement.payments,
                }
            ).data
        )
