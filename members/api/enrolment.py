"""``POST /api/v1/enrolment/``: a new person enrols (anonymous, throttled)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.exceptions import DomainError
from mutualsociety.common.fields import IsoDateField
from mutualsociety.common.throttling import DEFAULT_THROTTLES, ScopedRateThrottle

from ..models import Application, Coverage, Member
from ..regions import PROVINCE_CHOICES
from ..services.enrolment import EnrolmentData, PersonData, enrolment_submit
from .common import FREQUENCY_CHOICES, CoverageOut, errors, renamed

PERSON_FIELDS = frozenset(PersonData.__dataclass_fields__)


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
    date_of_birth = IsoDateField()
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
            renamed(exc, PERSON_FIELDS, prefix="person.")
            raise
        return Response(EnrolmentOut(application).data, status=status.HTTP_201_CREATED)
