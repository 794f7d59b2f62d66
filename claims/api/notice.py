"""The public notice and review panels in the API: anyone reads the de-identified cases;
a member objects to a case on notice, sees their panel seats and votes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..models import ReviewPanel
from ..services.notice import claim_object, panel_vote
from .base import Money, member_required


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
    """The public notice: de-identified cases, open to anyone (as on /claims/notices/)."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["claims"], responses={200: NoticeOut(many=True)})
    def get(self, request):
        return Response(NoticeOut(selectors.notices_list(), many=True).data)


class NoticeDetailApi(APIView):
    """One de-identified case, open to anyone; objecting needs a member (``ObjectionApi``)."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["claims"], responses={200: NoticeOut})
    def get(self, request, claim_id: int):
        return Response(NoticeOut(selectors.notice_detail(claim_id)).data)


class ObjectionIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ObjectionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["claims"], request=ObjectionIn, responses={201: NoticeOut})
    def post(self, request, claim_id: int):
        member = member_required(request)
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
        return Response(
            SeatOut(selectors.panel_invitations(member_required(request)), many=True).data
        )


class PanelVoteIn(serializers.Serializer):
    vote = serializers.ChoiceField(choices=ReviewPanel.Outcome.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PanelVoteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["claims"], request=PanelVoteIn, responses={200: SeatOut})
    def post(self, request, panel_id: int):
        member = member_required(request)
        # Only a member seated on the panel learns that it exists: the seat is looked up
        # before the body is read, so that anyone else gets 404 whatever they send.
        selectors.panel_seat_for_member(member, panel_id)
        serializer = PanelVoteIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        seat = panel_vote(panel=panel_id, member=member, **serializer.validated_data)
        return Response(SeatOut(seat).data)
