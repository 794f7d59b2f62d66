"""Claims in the API: members submit (multipart, with documents), list and read their own
claims, add documents, withdraw, appeal and answer a request for information; staff with
the claims permissions read every claim and make the transitions. Every write is a
service; another member's claim answers 404 exactly like one that does not exist."""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from members.selectors import member_for_user
from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import InvalidInput, NotFound
from mutualsociety.common.fields import IsoDateField
from mutualsociety.common.parsers import DepthLimitedJSONParser

from .. import selectors
from ..models import Claim
from ..services import handling
from ..services.intake import ClaimData, Upload, claim_document_add, claim_submit
from .base import Money, member_required


class ClaimIn(serializers.Serializer):
    coverage = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Claim.Kind.choices)
    event_date = IsoDateField()
    description = serializers.CharField(max_length=5000)
    amount_claimed = Money()
    bank_account_name = serializers.CharField(max_length=100)
    bank_account_number = serializers.CharField(max_length=40)
    documents = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True
    )


class DocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str:
        return reverse("claims:document", args=[document.pk])


class EventOut(serializers.Serializer):
    """A claim's event; ``old_status`` / ``new_status`` are the API's names (a contract)
    of the event's ``old_value`` / ``new_value``."""

    type = serializers.CharField()
    at = serializers.DateTimeField()
    old_status = serializers.CharField(source="old_value")
    new_status = serializers.CharField(source="new_value")
    reason = serializers.CharField()


class ClaimOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    coverage = serializers.IntegerField(source="coverage_id")
    plan = serializers.CharField(source="plan.code")
    kind = serializers.CharField()
    event_date = serializers.DateField()
    description = serializers.CharField()
    amount_claimed = Money()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    assessed_amount = Money(allow_null=True)
    paid_amount = Money()
    rejection_reasons = serializers.CharField()
    appeal_until = serializers.DateField(allow_null=True)
    notice_status = serializers.CharField()
    notice_until = serializers.DateField(allow_null=True)
    days_open = serializers.IntegerField()


class OutcomeOut(serializers.Serializer):
    status = serializers.CharField()
    summary = serializers.CharField(help_text=_("What happened, for the member to read."))
    reasons_label = serializers.CharField()
    reasons = serializers.CharField(help_text=_("Why; empty when there is nothing to add."))
    appeal = serializers.ChoiceField(
        choices=[
            (selectors.APPEAL_OPEN, _("open: the member may appeal once, until appeal_until")),
            (selectors.APPEAL_CLOSED, _("closed: the window ended on appeal_until")),
            (selectors.APPEAL_USED, _("used: the one appeal was decided; final")),
            (selectors.APPEAL_NONE, _("none: paid or withdrawn, nothing to appeal")),
        ]
    )
    appeal_until = serializers.DateField(allow_null=True)
    next_step = serializers.CharField(help_text=_("What the member may still do."))


class ClaimDetailOut(ClaimOut):
    documents = DocumentOut(many=True, source="documents.all")
    events = serializers.SerializerMethodField(help_text=_("The claim's history, oldest first."))
    outcome = serializers.SerializerMethodField(
        help_text=_(
            "For a claim that ended (rejected, withdrawn or paid): why, and the appeal the "
            "rules give; null while the claim is being handled."
        )
    )

    @extend_schema_field(EventOut(many=True))
    def get_events(self, claim: Claim) -> list[dict]:
        return EventOut(selectors.claim_history(claim), many=True).data

    @extend_schema_field(OutcomeOut(allow_null=True))
    def get_outcome(self, claim: Claim) -> dict | None:
        outcome = selectors.claim_outcome(claim)
        return OutcomeOut(outcome).data if outcome else None


class StaffClaimOut(ClaimDetailOut):
    member = serializers.IntegerField(source="member_id")
    checks = serializers.JSONField()
    assessment_reasons = serializers.CharField()
    investigation_summary = serializers.CharField()
    assessed_by = serializers.IntegerField(source="assessed_by_id", allow_null=True)
    first_approved_by = serializers.IntegerField(source="first_approved_by_id", allow_null=True)


def _is_staff(user) -> bool:
    return user.has_perm(selectors.CLAIMS_STAFF_PERM)


def _claim_for(request, claim_id: int) -> Claim:
    if _is_staff(request.user):
        claim = Claim.objects.filter(pk=claim_id).first()
        if claim is None:
            raise NotFound(_("Not found."))
        return claim
    return selectors.claim_for_member(member_for_user(request.user), claim_id)


def _out(request, claim: Claim) -> dict:
    serializer = StaffClaimOut if _is_staff(request.user) else ClaimDetailOut
    return serializer(claim).data


class ClaimListApi(APIView):
    """GET: the member's own claims. POST: submit a claim (multipart for documents)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, DepthLimitedJSONParser]

    @extend_schema(tags=["claims"], responses={200: ClaimOut(many=True)})
    def get(self, request):
        return Response(
            ClaimOut(selectors.claim_list_for_member(member_required(request)), many=True).data
        )

    @extend_schema(tags=["claims"], request=ClaimIn, responses={201: ClaimDetailOut})
    def post(self, request):
        member = member_required(request)
        if not isinstance(request.data, Mapping):
            raise InvalidInput(_("Send the claim as an object of fields (JSON or a form)."))
        data = {k: request.data.get(k) for k in request.data}
        if hasattr(request.data, "getlist"):
            data["documents"] = request.FILES.getlist("documents")
        serializer = ClaimIn(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        claim = claim_submit(
            member=member,
            data=ClaimData(
                coverage=values["coverage"],
                kind=values["kind"],
                event_date=values["event_date"],
                description=values["description"],
                amount_claimed=values["amount_claimed"],
                bank_account_name=values["bank_account_name"],
                bank_account_number=values["bank_account_number"],
            ),
            documents=[Upload.of(f) for f in values.get("documents", [])],
            actor=request.user,
        )
        return Response(ClaimDetailOut(claim).data, status=status.HTTP_201_CREATED)


class ClaimDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["claims"], responses={200: ClaimDetailOut})
    def get(self, request, claim_id: int):
        return Response(_out(request, _claim_for(request, claim_id)))


class DocumentIn(serializers.Serializer):
    file = serializers.FileField()


class ClaimDocumentApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=["claims"], request=DocumentIn, responses={201: DocumentOut})
    def post(self, request, claim_id: int):
        claim = _claim_for(request, claim_id)
        serializer = DocumentIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        document = claim_document_add(claim=claim, upload=Upload.of(upload), actor=request.user)
        return Response(DocumentOut(document).data, status=status.HTTP_201_CREATED)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class AssessIn(serializers.Serializer):
    amount = Money()
    reasons = serializers.CharField(max_length=5000)
    investigation_summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class RejectIn(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)


def _staff_action(name: str, perm: str, serializer_class, call):
    class Action(APIView):
        permission_classes = [require_perms(perm)]

        @extend_schema(tags=["claims"], request=serializer_class, responses={200: StaffClaimOut})
        def post(self, request, claim_id: int):
            claim = _claim_for(request, claim_id)
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            call(claim=claim, actor=request.user, **serializer.validated_data)
            claim.refresh_from_db()
            return Response(_out(request, claim))

    Action.__name__ = Action.__qualname__ = name
    return Action


ReviewApi = _staff_action(
    "ReviewApi",
    "claims.assess_claim",
    ReasonIn,
    lambda claim, actor, reason="": handling.claim_review_start(
        claim=claim, actor=actor, reason=reason
    ),
)
InfoRequestApi = _staff_action(
    "InfoRequestApi",
    "claims.assess_claim",
    ReasonIn,
    lambda claim, actor, reason="": handling.claim_info_request(
        claim=claim, actor=actor, reason=reason
    ),
)
AssessApi = _staff_action(
    "AssessApi",
    "claims.assess_claim",
    AssessIn,
    lambda claim, actor, **kw: handling.claim_assess(claim=claim, actor=actor, **kw),
)
SendBackApi = _staff_action(
    "SendBackApi",
    "claims.change_claim",
    ReasonIn,
    lambda claim, actor, reason="": handling.claim_send_back(
        claim=claim, actor=actor, reason=reason
    ),
)
ApproveApi = _staff_action(
    "ApproveApi",
    "claims.decide_claim",
    ReasonIn,
    lambda claim, actor, reason="": handling.claim_approve(claim=claim, actor=actor, reason=reason),
)
RejectApi = _staff_action(
    "RejectApi",
    "claims.decide_claim",
    RejectIn,
    lambda claim, actor, reasons: handling.claim_reject(claim=claim, actor=actor, reasons=reasons),
)
PayApi = _staff_action(
    "PayApi",
    "claims.pay_claim",
    serializers.Serializer,
    lambda claim, actor: handling.claim_pay(claim=claim, actor=actor),
)


def _member_action(name: str, call):
    class Action(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(tags=["claims"], request=ReasonIn, responses={200: ClaimDetailOut})
        def post(self, request, claim_id: int):
            member = member_required(request)
            claim = selectors.claim_for_member(member, claim_id)
            serializer = ReasonIn(data=request.data)
            serializer.is_valid(raise_exception=True)
            call(claim=claim, member=member, reason=serializer.validated_data.get("reason", ""))
            claim.refresh_from_db()
            return Response(ClaimDetailOut(claim).data)

    Action.__name__ = Action.__qualname__ = name
    return Action


WithdrawApi = _member_action("WithdrawApi", handling.claim_withdraw)
AppealApi = _member_action("AppealApi", handling.claim_appeal)
InfoProvideApi = _member_action("InfoProvideApi", handling.claim_info_provide)
