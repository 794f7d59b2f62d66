"""Staff endpoints: the applications queue and its decisions, member search and detail,
and recording a payment (once per ``Idempotency-Key``)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import DomainError, InvalidInput, NotFound
from mutualsociety.common.fields import IsoDateField

from .. import selectors
from ..models import Application, Member, Payment
from ..providers import provider_get
from ..services.enrolment import application_accept, application_decline
from .common import (
    IDEMPOTENCY_HEADER,
    CoverageOut,
    Money,
    PaymentOut,
    ProfileOut,
    StaffPagination,
    errors,
    renamed,
)


class ApplicationMemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    member_number = serializers.CharField(allow_null=True)
    legal_name = serializers.CharField()
    status = serializers.CharField()


class ApplicationOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Application.Status.choices)
    channel = serializers.ChoiceField(choices=Application.Channel.choices)
    member = ApplicationMemberOut()
    plan = serializers.CharField(source="plan_version.plan.code")
    plan_version = serializers.IntegerField(source="plan_version.number")
    payment_frequency = serializers.CharField(allow_blank=True)
    answers = serializers.DictField(child=serializers.BooleanField())
    reasons = serializers.ListField(child=serializers.CharField())
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)


class ApplicationFilterIn(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Application.Status.choices,
        required=False,
        help_text=_(
            "referred: the underwriters' queue, oldest first. Without it: all, newest first."
        ),
    )


class ApplicationListApi(APIView):
    """Applications; ``?status=referred`` is the queue waiting for an underwriter."""

    permission_classes = [require_perms("members.view_application")]
    # Read by drf-spectacular: the answer is the paginated envelope, not a bare array.
    pagination_class = StaffPagination

    @extend_schema(
        tags=["staff: applications"],
        parameters=[ApplicationFilterIn],
        responses={200: ApplicationOut(many=True), **errors(400, 403)},
    )
    def get(self, request):
        params = ApplicationFilterIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        wanted = params.validated_data.get("status")
        if wanted == Application.Status.REFERRED:
            qs = selectors.application_queue().select_related("decided_by")
        else:
            qs = Application.objects.select_related(
                "member", "plan_version__plan", "decided_by"
            ).order_by("-submitted_at", "-id")
            if wanted:
                qs = qs.filter(status=wanted)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ApplicationOut(page, many=True).data)


class DecisionIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, allow_blank=True, help_text=_("Why; required, kept in the history.")
    )


def _decide(request, application_id: int, decide) -> Response:
    if not Application.objects.filter(pk=application_id).exists():
        raise NotFound(gettext("There is no application #%(id)s.") % {"id": application_id})
    data = DecisionIn(data=request.data)
    data.is_valid(raise_exception=True)
    decide(application=application_id, actor=request.user, reason=data.validated_data["reason"])
    application = Application.objects.select_related(
        "member", "plan_version__plan", "decided_by"
    ).get(pk=application_id)
    return Response(ApplicationOut(application).data)


DECISION_PERMS = require_perms("members.view_application", "members.change_application")


class ApplicationAcceptApi(APIView):
    """An underwriter accepts a referred application (a reason is required).

    The applicant becomes a member with a member number and the coverage starts today;
    409 when the application was decided already.
    """

    permission_classes = [DECISION_PERMS]

    @extend_schema(
        tags=["staff: applications"],
        request=DecisionIn,
        responses={200: ApplicationOut, **errors(400, 403, 404, 409)},
    )
    def post(self, request, application_id: int):
        return _decide(request, application_id, application_accept)


class ApplicationDeclineApi(APIView):
    """An underwriter declines a referred application (a reason is required); 409 when
    the application was decided already."""

    permission_classes = [DECISION_PERMS]

    @extend_schema(
        tags=["staff: applications"],
        request=DecisionIn,
        responses={200: ApplicationOut, **errors(400, 403, 404, 409)},
    )
    def post(self, request, application_id: int):
        return _decide(request, application_id, application_decline)


def _full_id_number(request) -> bool:
    return request.user.has_perm("members.view_identity_number")


class MemberSearchIn(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            "A whole member number or identity number, the start of a phone number, or a "
            "name: any part of it from three characters on, its start when shorter."
        ),
    )


class MemberListApi(APIView):
    """Search members. Identity numbers are masked unless the reader holds
    ``members.view_identity_number``."""

    permission_classes = [require_perms("members.view_member")]
    pagination_class = StaffPagination

    @extend_schema(
        tags=["staff: members"],
        parameters=[MemberSearchIn],
        responses={200: ProfileOut(many=True), **errors(403)},
    )
    def get(self, request):
        params = MemberSearchIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.member_search(params.validated_data.get("q", "")).order_by(
            "-created_at", "-id"
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        context = {"full_id_number": _full_id_number(request)}
        return paginator.get_paginated_response(ProfileOut(page, many=True, context=context).data)


class MemberDetailOut(ProfileOut):
    coverages = CoverageOut(many=True)
    outstanding = Money(source="statement.outstanding", help_text=_("What is still owed."))
    total_paid = Money(source="statement.total_paid")
    advance = Money(source="statement.advance", help_text=_("Paid in advance, not yet used."))


class MemberDetailApi(APIView):
    """One member: profile, coverages and the balance of their account."""

    permission_classes = [require_perms("members.view_member")]

    @extend_schema(tags=["staff: members"], responses={200: MemberDetailOut, **errors(403, 404)})
    def get(self, request, member_id: int):
        member = selectors.member_detail(member_id)
        if member is None:
            raise NotFound(gettext("There is no member #%(id)s.") % {"id": member_id})
        # Read by the serializer beside the member's own fields.
        member.statement = selectors.member_statement(member)
        context = {"full_id_number": _full_id_number(request)}
        return Response(MemberDetailOut(member, context=context).data)


class PaymentIn(serializers.Serializer):
    amount = Money(
        help_text=_(
            "More than zero, in whole cents, at most the society's largest single amount; "
            'a string such as "45.00".'
        )
    )
    received_on = IsoDateField(
        help_text=_("Not in the future, and not before the society was founded.")
    )
    provider = serializers.ChoiceField(
        choices=Payment.Provider.choices, default=Payment.Provider.BANK_TRANSFER
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AllocationOut(serializers.Serializer):
    due = serializers.IntegerField(source="due_id")
    amount = Money()


class PaymentRecordedOut(PaymentOut):
    member = serializers.IntegerField(source="member_id")
    allocations = AllocationOut(many=True)


class MemberPaymentApi(APIView):
    """Record money received from a member, once per ``Idempotency-Key``.

    The payment settles the member's open amounts due oldest first; the rest is held as
    an advance. 201 when recorded; a retry with the same key and the same payment answers
    200 with the payment recorded the first time; the same key with another member,
    amount or date answers 409. The header is required (400 naming ``Idempotency-Key``).
    """

    permission_classes = [require_perms("members.add_payment")]

    @extend_schema(
        tags=["staff: members"],
        request=PaymentIn,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                location=OpenApiParameter.HEADER,
                required=True,
                description=_("A key unique to this payment; a retry sends the same key."),
            )
        ],
        responses={
            201: PaymentRecordedOut,
            200: OpenApiResponse(
                PaymentRecordedOut, description=_("A retry: the payment recorded before.")
            ),
            **errors(400, 403, 404, 409),
        },
    )
    def post(self, request, member_id: int):
        if not Member.objects.filter(pk=member_id).exists():
            raise NotFound(gettext("There is no member #%(id)s.") % {"id": member_id})
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if not key:
            raise InvalidInput(
                gettext("Send an Idempotency-Key header: a key unique to this payment."),
                field=IDEMPOTENCY_HEADER,
            )
        if len(key) > Payment._meta.get_field("idempotency_key").max_length:
            raise InvalidInput(
                gettext("The Idempotency-Key is longer than 200 characters."),
                field=IDEMPOTENCY_HEADER,
            )
        data = PaymentIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            values = dict(data.validated_data)
            payment = provider_get(values.pop("provider")).confirm(
                member=Member.objects.get(pk=member_id),
                idempotency_key=key,
                actor=request.user,
                **values,
            )
        except DomainError as exc:
            renamed(exc, ["idempotency_key"], to=IDEMPOTENCY_HEADER)
            raise
        # The service says whether this call recorded the payment (exact under concurrent
        # retries: it serialises the payments of one member).
        answer = status.HTTP_200_OK if payment.replayed else status.HTTP_201_CREATED
        payment = Payment.objects.prefetch_related("allocations").get(pk=payment.pk)
        return Response(PaymentRecordedOut(payment).data, status=answer)
