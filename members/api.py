"""API face of membership: enrolment for new people, ``me`` for a member, staff endpoints.

Every write goes through a service; the serializers here only check the shape of a
request (types, required fields, lengths, choices). The rules (a valid identity number
that agrees with the date of birth, entry ages, one person one membership, consents, the
password policy, amounts in whole cents...) are the services', so the portal and the API
refuse the same things with the same messages.

Field errors are named by their path in the request body: ``person.id_number``,
``answers.12``, ``amount``; a header by its name (``Idempotency-Key``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import DomainError, InvalidInput, NotFound
from mutualsociety.common.fields import IsoDateField, MoneyField
from mutualsociety.common.throttling import DEFAULT_THROTTLES, ScopedRateThrottle

from . import selectors
from .models import Application, Coverage, Member, Payment, Plan
from .providers import provider_get
from .regions import PROVINCE_CHOICES
from .services.enrolment import (
    EnrolmentData,
    PersonData,
    application_accept,
    application_decline,
    enrolment_submit,
)
from .services.profile import CONTACT_FIELDS, member_update_contact

FREQUENCY_CHOICES = [
    ("monthly", _("Monthly")),
    ("quarterly", _("Quarterly")),
    ("annual", _("Annual")),
]
PERSON_FIELDS = frozenset(PersonData.__dataclass_fields__)
IDEMPOTENCY_HEADER = "Idempotency-Key"


def Money(**kwargs) -> MoneyField:  # noqa: N802 - reads as a field type
    """An amount of money as a decimal string ("128.00"), in and out: any sum is written
    in full (a total is not held to the 18 digits of one amount), and what is read must be
    a string of ASCII digits with at most two decimals (``common.fields.MoneyField``)."""
    return MoneyField(**kwargs)


def _renamed(exc: DomainError, names: Iterable[str], prefix: str = "", to: str = "") -> None:
    """Rename the fields of a service's error to their names in the request.

    With ``prefix``, each of ``names`` becomes ``prefix + name``; with ``to``, they all
    become ``to``. The message is kept as the service wrote it.
    """
    names = set(names)
    renamed: dict[str, list[str]] = {}
    for name, messages in exc.fields.items():
        key = (to or f"{prefix}{name}") if name in names else name
        renamed.setdefault(key, []).extend(messages)
    exc.fields = renamed


# --- The error shape, for the schema ---


class ErrorDetailOut(serializers.Serializer):
    code = serializers.CharField(help_text=_("A stable, machine-readable code, e.g. invalid."))
    message = serializers.CharField(help_text=_("What went wrong, for a person to read."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Messages by field, named by their path in the request body."),
    )


class ErrorOut(serializers.Serializer):
    error = ErrorDetailOut()


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: _("Invalid input: the fields that are wrong and why."),
        403: _("Not signed in, or not allowed to do this."),
        404: _("Not found."),
        409: _("The request conflicts with the current state (decided already, a key reused)."),
        429: _("Too many requests; try again later."),
    }
    return {code: OpenApiResponse(ErrorOut, description=descriptions[code]) for code in codes}


# --- Output pieces shared by the endpoints ---


class CoverageOut(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.CharField(source="plan.code")
    plan_name = serializers.CharField(source="plan.display_name")
    plan_kind = serializers.ChoiceField(source="plan.kind", choices=Plan.Kind.choices)
    plan_version = serializers.IntegerField(source="plan_version.number")
    status = serializers.ChoiceField(choices=Coverage.Status.choices)
    start_date = serializers.DateField()
    waiting_period_end = serializers.DateField(help_text=_("Illness is covered from this date on."))
    waiting_days_left = serializers.SerializerMethodField()
    accidents_covered_from_start = serializers.BooleanField(
        source="plan_version.accidents_exempt_from_waiting"
    )
    term_end = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    sum_assured = Money()
    premium = Money(allow_null=True)
    payment_frequency = serializers.CharField(allow_blank=True)
    next_due_date = serializers.DateField(allow_null=True)

    @extend_schema_field(OpenApiTypes.INT)
    def get_waiting_days_left(self, coverage: Coverage) -> int:
        return coverage.waiting_days_left()


class ProfileOut(serializers.Serializer):
    id = serializers.IntegerField()
    member_number = serializers.CharField(allow_null=True)
    legal_name = serializers.CharField()
    id_type = serializers.ChoiceField(choices=Member.IdType.choices)
    id_number = serializers.SerializerMethodField(
        help_text=_(
            "Masked (first 3 and last 4 characters) unless the reader may see identity numbers."
        )
    )
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Member.Sex.choices)
    phone = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    region = serializers.ChoiceField(choices=PROVINCE_CHOICES)
    address = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Member.Status.choices)
    joined_on = serializers.DateField(allow_null=True)
    suspended_on = serializers.DateField(allow_null=True)
    lapses_on = serializers.DateField(allow_null=True)
    withdrawal_effective_on = serializers.DateField(allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_id_number(self, member: Member) -> str:
        if self.context.get("full_id_number"):
            return member.id_number
        return member.masked_id_number


class DueOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    plan = serializers.CharField(source="coverage.plan.code")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_date = serializers.DateField()
    grace_ends_on = serializers.DateField()
    amount = Money()
    paid_amount = Money()
    outstanding = Money()
    status = serializers.CharField()


class PaymentOut(serializers.Serializer):
    id = serializers.IntegerField()
    amount = Money()
    received_on = serializers.DateField()
    provider = serializers.ChoiceField(choices=Payment.Provider.choices)
    reference = serializers.CharField(allow_blank=True)
    allocated_amount = Money()
    unallocated = Money(help_text=_("Held as an advance; settles later amounts due."))
    created_at = serializers.DateTimeField()


def _member_or_404(request) -> Member:
    member = selectors.member_for_user(request.user)
    if member is None:
        raise NotFound(gettext("You have no membership. Enrol first."))
    return member


# --- Enrolment (anonymous) ---


class EnrolmentThrottle(ScopedRateThrottle):
    """The ``enrolment`` scope (``API_THROTTLE_ENROLMENT``), on top of the default rates."""


class PersonIn(serializers.Serializer):
    legal_name = serializers.CharField(max_length=100)
    id_type = serializers.ChoiceField(
        choices=Member.IdType.choices, default=Member.IdType.RESIDENT_ID
    )
    id_number = serializers.CharField(
        max_length=32,
        help_text=_(
            "For a resident identity card, the 18-character number: it is checked (region, "
            "date of birth, check character) and must agree with date_of_birth and sex."
        ),
    )
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Member.Sex.choices)
    phone = serializers.CharField(max_length=20)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    region = serializers.ChoiceField(choices=PROVINCE_CHOICES)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EnrolmentIn(serializers.Serializer):
    plan = serializers.CharField(max_length=32, help_text=_("The plan's code."))
    person = PersonIn()
    answers = serializers.DictField(
        child=serializers.BooleanField(),
        required=False,
        default=dict,
        help_text=_("The health declaration: question id → answered yes. Every question."),
    )
    articles_version = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The version of the articles of association consented to (the current one)."),
    )
    privacy_version = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The version of the privacy notice consented to (the current one)."),
    )
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    payment_frequency = serializers.ChoiceField(
        choices=FREQUENCY_CHOICES,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Premium plans only: how often the premium is paid."),
    )


class EnrolmentOut(serializers.Serializer):
    application = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=Application.Status.choices)
    reasons = serializers.ListField(child=serializers.CharField())
    plan = serializers.CharField(source="plan_version.plan.code")
    plan_version = serializers.IntegerField(source="plan_version.number")
    submitted_at = serializers.DateTimeField()
    member_number = serializers.CharField(
        source="member.member_number",
        allow_null=True,
        help_text=_("Given when the application is accepted."),
    )
    coverage = serializers.SerializerMethodField()

    @extend_schema_field(CoverageOut(allow_null=True))
    def get_coverage(self, application: Application) -> dict | None:
        coverage = (
            Coverage.objects.select_related("plan", "plan_version")
            .filter(application=application)
            .first()
        )
        return CoverageOut(coverage).data if coverage else None


class EnrolmentApi(APIView):
    """Enrol a new person: login, membership, consents, application and underwriting.

    Anonymous and throttled (scope ``enrolment``). Answers 201 with the application
    whatever the underwriting decided: ``accepted`` (with the member number and the
    coverage), ``referred`` to an underwriter, or ``declined``, each with its reasons.

    Refused with 400 and every field error at once, nothing saved, for the same reasons as
    the portal's enrolment: an unknown or closed plan; an invalid identity number, or one
    that disagrees with the date of birth or sex; an age outside the plan's entry ages; an
    existing membership for the identity number (add a coverage to it instead); an
    unanswered question; a missing consent or one to a version not in force; a taken user
    name or a weak password. Fields are named by their path in the body:
    ``person.id_number``, ``person.date_of_birth``, ``answers.<question id>``,
    ``articles_version``, ``username``...
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [*DEFAULT_THROTTLES, EnrolmentThrottle]
    throttle_scope = "enrolment"

    @extend_schema(
        tags=["enrolment"],
        request=EnrolmentIn,
        responses={201: EnrolmentOut, **errors(400, 429)},
    )
    def post(self, request):
        data = EnrolmentIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        enrolment = EnrolmentData(
            plan=values["plan"],
            person=PersonData(**values["person"]),
            answers=values["answers"],
            articles_version=values["articles_version"],
            privacy_version=values["privacy_version"],
            username=values["username"],
            password=values["password"],
            payment_frequency=values["payment_frequency"],
        )
        try:
            application = enrolment_submit(data=enrolment, channel=Application.Channel.API)
        except DomainError as exc:
            _renamed(exc, PERSON_FIELDS, prefix="person.")
            raise
        return Response(EnrolmentOut(application).data, status=status.HTTP_201_CREATED)


# --- The signed-in member's own data ---


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
        return Response(ProfileOut(_member_or_404(request)).data)

    @extend_schema(
        tags=["me"], request=ContactIn, responses={200: ProfileOut, **errors(400, 403, 404)}
    )
    def patch(self, request):
        member = _member_or_404(request)
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
        member = _member_or_404(request)
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
        statement = selectors.member_statement(_member_or_404(request))
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
        statement = selectors.member_statement(_member_or_404(request))
        return Response(
            PaymentsOut(
                {
                    "total_paid": statement.total_paid,
                    "advance": statement.advance,
                    "payments": statement.payments,
                }
            ).data
        )


# --- Staff: applications ---


class StaffPagination(LimitOffsetPagination):
    """``?limit=&offset=``; without a limit, the first 50."""

    default_limit = 50
    max_limit = 500


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


# --- Staff: members and payments ---


def _full_id_number(request) -> bool:
    return request.user.has_perm("members.view_identity_number")


class MemberSearchIn(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            "Member number, part of the name, the start of the phone, or the identity number."
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
            _renamed(exc, ["idempotency_key"], to=IDEMPOTENCY_HEADER)
            raise
        # The service says whether this call recorded the payment (exact under concurrent
        # retries: it serialises the payments of one member).
        answer = status.HTTP_200_OK if payment.replayed else status.HTTP_201_CREATED
        payment = Payment.objects.prefetch_related("allocations").get(pk=payment.pk)
        return Response(PaymentRecordedOut(payment).data, status=answer)
