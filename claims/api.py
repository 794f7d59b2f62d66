"""API face of claims under /api/v1/claims/.

Members: submit (multipart, with documents), list and read their own claims, add
documents, withdraw, appeal, answer a request for information, object to a case on
notice, see and vote in their review panels. Staff with the claims permissions: every
claim, the transitions, statistics. Every write is a service; another member's claim
answers 404 exactly like one that does not exist.
"""

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

from members.models import Plan
from members.selectors import member_for_user
from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import InvalidInput, NotFound
from mutualsociety.common.fields import IsoDateField, MoneyField
from mutualsociety.common.parsers import DepthLimitedJSONParser

from . import selectors
from .models import Claim, ReviewPanel
from .services import handling
from .services.intake import Upload, claim_document_add, claim_submit
from .services.notice import claim_object, panel_vote


def Money(**kwargs) -> MoneyField:  # noqa: N802
    """Money as a decimal string in and out (``common.fields.MoneyField``)."""
    return MoneyField(**kwargs)


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


def _member(request):
    member = member_for_user(request.user)
    if member is None:
        raise NotFound(_("You have no membership."))
    return member


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
        return Response(ClaimOut(selectors.claim_list_for_member(_member(request)), many=True).data)

    @extend_schema(tags=["claims"], request=ClaimIn, responses={201: ClaimDetailOut})
    def post(self, request):
        member = _member(request)
        if not isinstance(request.data, Mapping):
            raise InvalidInput(_("Send the claim as an object of fields (JSON or a form)."))
        data = {k: request.data.get(k) for k in request.data}
        if hasattr(request.data, "getlist"):
            data["documents"] = request.FILES.getlist("documents")
        serializer = ClaimIn(data=data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        files = values.pop("documents", [])
        claim = claim_submit(
            member=member,
            data=values,
            documents=[Upload.of(f) for f in files],
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
            member = _member(request)
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


class PanelOut(serializers.Serializer):
    round = serializers.IntegerField()
    trigger = serializers.CharField()
    seed = serializers.CharField()
    size = serializers.IntegerField()
    quorum = serializers.IntegerField()
    eligible_count = serializers.IntegerField()
    roll_sha256 = serializers.CharField()
    eligibility_as_of = serializers.DateField(allow_null=True)
    min_tenure_days = serializers.IntegerField(allow_null=True)
    drawn_at = serializers.DateTimeField()
    vote_until = serializers.DateField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    uphold_votes = serializers.IntegerField()
    overturn_votes = serializers.IntegerField()
    reasons = serializers.CharField()


class NoticeOut(serializers.Serializer):
    """De-identified: no name, identity number or date of birth, by construction."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    plan = serializers.CharField()
    age_band = serializers.CharField()
    region = serializers.CharField()
    kind = serializers.CharField()
    amount = Money(allow_null=True)
    investigation_summary = serializers.CharField()
    notice_status = serializers.CharField()
    notice_from = serializers.DateField(allow_null=True)
    notice_until = serializers.DateField(allow_null=True)
    objections = serializers.IntegerField()
    open_for_objections = serializers.BooleanField()
    panels = PanelOut(many=True)


class NoticeListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["claims"], responses={200: NoticeOut(many=True)})
    def get(self, request):
        if not _is_staff(request.user):
            _member(request)
        return Response(NoticeOut(selectors.notices_list(), many=True).data)


class NoticeDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["claims"], responses={200: NoticeOut})
    def get(self, request, claim_id: int):
        if not _is_staff(request.user):
            _member(request)
        return Response(NoticeOut(selectors.notice_detail(claim_id)).data)


class ObjectionIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ObjectionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["claims"], request=ObjectionIn, responses={201: NoticeOut})
    def post(self, request, claim_id: int):
        member = _member(request)
        selectors.notice_detail(claim_id)  # 404 unless the case is on notice
        serializer = ObjectionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim_object(claim=claim_id, member=member, reason=serializer.validated_data["reason"])
        return Response(
            NoticeOut(selectors.notice_detail(claim_id)).data, status=status.HTTP_201_CREATED
        )


class SeatOut(serializers.Serializer):
    panel = serializers.IntegerField(source="panel_id")
    case = serializers.IntegerField(source="panel.claim_id")
    trigger = serializers.CharField(source="panel.trigger")
    status = serializers.CharField(source="panel.status")
    vote_until = serializers.DateField(source="panel.vote_until")
    vote = serializers.CharField()


class PanelListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["claims"], responses={200: SeatOut(many=True)})
    def get(self, request):
        return Response(SeatOut(selectors.panel_invitations(_member(request)), many=True).data)


class PanelVoteIn(serializers.Serializer):
    vote = serializers.ChoiceField(choices=ReviewPanel.Outcome.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PanelVoteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["claims"], request=PanelVoteIn, responses={200: SeatOut})
    def post(self, request, panel_id: int):
        member = _member(request)
        if not ReviewPanel.objects.filter(pk=panel_id).exists():
            raise NotFound(_("Not found."))
        serializer = PanelVoteIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        seat = panel_vote(panel=panel_id, member=member, **serializer.validated_data)
        return Response(SeatOut(seat).data)


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
    to = serializers.DateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields
