"""API face of the ledger: the statements for staff, manual entries for finance."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.api import require_perms
from mutualsociety.common.fields import IsoDateField, MoneyField

from . import selectors, services
from .models import Account, JournalEntry


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ("code", "name", "name_en", "type", "is_active", "manual_postings_allowed")


class AccountListApi(ListAPIView):
    """The chart of accounts."""

    permission_classes = [require_perms("ledger.view_account")]
    serializer_class = AccountSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.account_list()


class PostingOutSerializer(serializers.Serializer):
    account = serializers.CharField(source="account.code")
    amount = MoneyField()


class EntryOutSerializer(serializers.ModelSerializer):
    postings = PostingOutSerializer(many=True)
    reverses = serializers.IntegerField(
        source="reverses_id", allow_null=True, read_only=True, help_text=_("The entry reversed.")
    )

    class Meta:
        model = JournalEntry
        fields = (
            "id",
            "idempotency_key",
            "date",
            "memo",
            "currency",
            "source_type",
            "source_id",
            "reverses",
            "created_at",
            "postings",
        )


class LineInSerializer(serializers.Serializer):
    account = serializers.CharField(max_length=20, help_text=_("Account code."))
    debit = MoneyField(required=False, default=None, allow_null=True)
    credit = MoneyField(required=False, default=None, allow_null=True)

    def validate(self, attrs):
        debit, credit = attrs.get("debit"), attrs.get("credit")
        if (debit is None) == (credit is None):
            raise serializers.ValidationError(_("Give either a debit or a credit, not both."))
        return attrs


class EntryInSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(
        max_length=services.MANUAL_KEY_MAX_LENGTH,
        help_text=_(
            "Your key for this entry; posting it again returns the same entry. It is stored "
            "and shown back as manual:<key>."
        ),
    )
    date = IsoDateField(help_text=_("From the society's founding to the end of the current month."))
    memo = serializers.CharField(max_length=500)
    lines = LineInSerializer(many=True, allow_empty=False)


class EntryPagination(LimitOffsetPagination):
    """``?limit=&offset=``; without a limit, the first 50 (DRF has no default page size)."""

    default_limit = 50
    max_limit = 500


def _posted(retry: str) -> dict:
    """The answers of a post that is idempotent: 201 the entry posted now, 200 (``retry``
    describes it) the one posted before."""
    return {
        201: EntryOutSerializer,
        200: OpenApiResponse(EntryOutSerializer, description=retry),
    }


class EntryListApi(APIView):
    """List journal entries (staff who may view the ledger) or post a manual entry (finance).

    A manual entry is refused with 400 when it does not balance, has a zero line, an
    unknown account or a line on an account that takes no manual entries (a control
    account such as 1122), a line over the society's largest single amount, or a date
    before the society was founded or after the current month. Amounts are strings of
    ASCII digits with at most two decimals ("100.00"); a JSON number is refused. The key
    is stored, and shown back, as ``manual:<key>`` so that it never takes a key of the
    system. Posting the same ``idempotency_key`` again returns
    the first entry with 200; reusing the key for other lines answers 409.
    """

    # Read by drf-spectacular: the list is the paginated envelope, not a bare array.
    pagination_class = EntryPagination

    def get_permissions(self):
        if self.request.method == "POST":
            return [require_perms("ledger.view_journalentry", "ledger.add_journalentry")()]
        return [require_perms("ledger.view_journalentry")()]

    @extend_schema(
        responses=EntryOutSerializer(many=True),
        parameters=[
            OpenApiParameter("account", str, description="Only entries touching this account"),
            OpenApiParameter("source_type", str),
            OpenApiParameter("date_from", dt.date),
            OpenApiParameter("date_to", dt.date),
        ],
    )
    def get(self, request):
        params = DateRangeSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.entry_list(
            account=request.query_params.get("account") or None,
            source_type=request.query_params.get("source_type") or None,
            date_from=params.validated_data.get("date_from"),
            date_to=params.validated_data.get("date_to"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(EntryOutSerializer(page, many=True).data)

    @extend_schema(
        request=EntryInSerializer,
        responses=_posted(_("A retry: the entry posted before with this key.")),
    )
    def post(self, request):
        data = EntryInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lines = [
            services.Debit(line["account"], line["debit"])
            if line.get("debit") is not None
            else services.Credit(line["account"], line["credit"])
            for line in values["lines"]
        ]
        entry = services.entry_post_manual(
            idempotency_key=values["idempotency_key"],
            date=values["date"],
            memo=values["memo"],
            lines=lines,
            actor=request.user,
        )
        return Response(
            EntryOutSerializer(entry).data,
            status=status.HTTP_200_OK if entry.replayed else status.HTTP_201_CREATED,
        )


class ReverseInSerializer(serializers.Serializer):
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)
    date = IsoDateField(required=False)


class EntryReverseApi(APIView):
    """Reverse a manual entry: post its mirror (201); reversing again returns it (200).

    An entry another part of the system posted (a due, a payment) answers 400 on "entry":
    it is corrected there, not in the ledger.
    """

    permission_classes = [require_perms("ledger.view_journalentry", "ledger.add_journalentry")]

    @extend_schema(
        request=ReverseInSerializer,
        responses=_posted(_("Reversed before: the reversal posted then.")),
    )
    def post(self, request, entry_id: int):
        data = ReverseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.entry_reverse_manual(
            entry=entry_id,
            memo=data.validated_data.get("memo", ""),
            date=data.validated_data.get("date"),
            actor=request.user,
        )
        return Response(
            EntryOutSerializer(entry).data,
            status=status.HTTP_200_OK if entry.replayed else status.HTTP_201_CREATED,
        )


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)


class DateRangeSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()

    def validate(self, attrs):
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": _("The end is before the start.")})
        return attrs


def _money(value) -> str:
    return f"{value:.2f}"


class TrialBalanceApi(APIView):
    """The trial balance at the end of ``as_of`` (default today)."""

    permission_classes = [require_perms("ledger.view_posting")]

    @extend_schema(parameters=[AsOfSerializer], responses={200: dict})
    def get(self, request):
        params = AsOfSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        as_of = params.validated_data.get("as_of") or timezone.localdate()
        tb = selectors.trial_balance(as_of=as_of)
        return Response(
            {
                "as_of": as_of,
                "rows": [
                    {
                        "account": r.account.code,
                        "name": r.account.display_name,
                        "type": r.account.type,
                        "debit": _money(r.debit_balance),
                        "credit": _money(r.credit_balance),
                    }
                    for r in tb.rows
                ],
                "total_debits": _money(tb.total_debits),
                "total_credits": _money(tb.total_credits),
            }
        )


def _section(section) -> dict:
    return {
        "title": section.title,
        "rows": [
            {"account": a.code if a else None, "name": label, "amount": _money(amount)}
            for a, label, amount in section.rows
        ],
        "total": _money(section.total),
    }


class BalanceSheetApi(APIView):
    permission_classes = [require_perms("ledger.view_posting")]

    @extend_schema(parameters=[AsOfSerializer], responses={200: dict})
    def get(self, request):
        params = AsOfSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        as_of = params.validated_data.get("as_of") or timezone.localdate()
        sheet = selectors.balance_sheet(as_of=as_of)
        return Response(
            {
                "as_of": as_of,
                "assets": _section(sheet.assets),
                "liabilities": _section(sheet.liabilities),
                "equity": _section(sheet.equity),
            }
        )


class IncomeStatementApi(APIView):
    permission_classes = [require_perms("ledger.view_posting")]

    @extend_schema(parameters=[PeriodSerializer], responses={200: dict})
    def get(self, request):
        params = PeriodSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        statement = selectors.income_statement(**params.validated_data)
        return Response(
            {
                "start": statement.start,
                "end": statement.end,
                "income": _section(statement.income),
                "expenses": _section(statement.expenses),
                "net_result": _money(statement.net_result),
            }
        )
