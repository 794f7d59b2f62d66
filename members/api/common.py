"""What the members API's endpoints share: the error shape for the schema, money fields,
renaming a service's fields to their path in the request, and the output serializers of
coverages, profiles, dues and payments."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination

from mutualsociety.common.exceptions import DomainError, NotFound
from mutualsociety.common.fields import MoneyField

from .. import selectors
from ..models import Coverage, Member, Payment, Plan
from ..regions import PROVINCE_CHOICES

FREQUENCY_CHOICES = [
    ("monthly", _("Monthly")),
    ("quarterly", _("Quarterly")),
    ("annual", _("Annual")),
]
IDEMPOTENCY_HEADER = "Idempotency-Key"


def Money(**kwargs) -> MoneyField:  # noqa: N802 - reads as a field type
    """An amount of money as a decimal string ("128.00"), in and out: any sum is written
    in full (a total is not held to the 18 digits of one amount), and what is read must be
    a string of ASCII digits with at most two decimals (``common.fields.MoneyField``)."""
    return MoneyField(**kwargs)


def renamed(exc: DomainError, names: Iterable[str], prefix: str = "", to: str = "") -> None:
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


def member_or_404(request) -> Member:
    member = selectors.member_for_user(request.user)
    if member is None:
        raise NotFound(gettext("You have no membership. Enrol first."))
    return member


class StaffPagination(LimitOffsetPagination):
    """``?limit=&offset=``; without a limit, the first 50."""

    default_limit = 50
    max_limit = 500
