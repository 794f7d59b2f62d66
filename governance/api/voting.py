"""Casting ballots and proxies; receipts: checking one, and the published list of a
closed motion (receipt code → choice, no voters)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.exceptions import DomainError, InvalidInput, NotFound
from mutualsociety.common.throttling import AnonRateThrottle, UserRateThrottle

from .. import selectors
from ..models import Meeting, Motion, Proxy
from ..services.voting import ballots_cast, proxy_appoint, proxy_revoke
from .common import KEY_MAX, meeting_for_request, member_by_number, member_of_request


class VoteIn(serializers.Serializer):
    motion = serializers.IntegerField(min_value=1, max_value=KEY_MAX)
    choice = serializers.ChoiceField(
        choices=["for", "against", "abstain"], required=False, allow_null=True
    )
    candidates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=KEY_MAX),
        required=False,
        allow_empty=True,
    )


class BallotIn(serializers.Serializer):
    votes = VoteIn(many=True, allow_empty=False)
    on_behalf_of = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Member number of the member whose proxy you hold."),
    )


class ReceiptOut(serializers.Serializer):
    motion = serializers.IntegerField(source="motion_id")
    receipt = serializers.CharField()
    changed = serializers.BooleanField()


class BallotApi(APIView):
    """Cast a ballot on one or more motions of a meeting (all or nothing). Answers the
    receipt code of each ballot: keep it to check the published list after the close."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=BallotIn, responses={201: ReceiptOut(many=True)})
    def post(self, request, meeting_id: int):
        member = member_of_request(request)
        # Eligibility is the service's (the frozen roll); a voter not on it gets 403.
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None:
            raise NotFound(gettext("There is no meeting #%(id)s.") % {"id": meeting_id})
        data = BallotIn(data=request.data)
        data.is_valid(raise_exception=True)
        voter, holder = member, None
        if data.validated_data.get("on_behalf_of"):
            voter = member_by_number(data.validated_data["on_behalf_of"], "on_behalf_of")
            holder = member
        choices: dict[int, object] = {}
        motions = dict(meeting.motions.values_list("pk", "kind"))
        for i, vote in enumerate(data.validated_data["votes"]):
            kind = motions.get(vote["motion"])
            if kind is None:
                raise InvalidInput(
                    gettext("There is no such motion at this meeting."), field=f"votes.{i}.motion"
                )
            if vote["motion"] in choices:
                raise InvalidInput(gettext("One vote per motion."), field=f"votes.{i}.motion")
            if kind == Motion.Kind.ELECTION:
                choices[vote["motion"]] = vote.get("candidates") or []
            else:
                if not vote.get("choice"):
                    raise InvalidInput(
                        gettext("Choose for, against or abstain."), field=f"votes.{i}.choice"
                    )
                choices[vote["motion"]] = vote["choice"]
        try:
            results = ballots_cast(
                meeting=meeting, voter=voter, choices=choices, holder=holder, actor=request.user
            )
        except DomainError as error:
            # Point the refusal's fields at the vote it is about: votes.<i>.<field>.
            index = list(choices).index(error.motion_id) if hasattr(error, "motion_id") else None
            if index is not None and error.fields:
                error.fields = {
                    (f"votes.{index}.{k}" if k in ("choice", "candidates") else k): v
                    for k, v in error.fields.items()
                }
            raise
        return Response(ReceiptOut(results, many=True).data, status=status.HTTP_201_CREATED)


class ProxyIn(serializers.Serializer):
    holder = serializers.CharField(help_text=_("Member number of the proxy holder."))


class ProxyOut(serializers.Serializer):
    id = serializers.IntegerField()
    holder = serializers.CharField(source="holder.member_number")
    holder_name = serializers.CharField(source="holder.legal_name")
    appointed_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)


class ProxyApi(APIView):
    """Appoint (POST) or revoke (DELETE) your proxy for a meeting, before voting opens."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=ProxyIn, responses={201: ProxyOut})
    def post(self, request, meeting_id: int):
        member = member_of_request(request)
        meeting = meeting_for_request(request, meeting_id)
        data = ProxyIn(data=request.data)
        data.is_valid(raise_exception=True)
        holder = member_by_number(data.validated_data["holder"], "holder")
        proxy = proxy_appoint(meeting=meeting, principal=member, holder=holder, actor=request.user)
        return Response(ProxyOut(proxy).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["governance"], responses={200: ProxyOut})
    def delete(self, request, meeting_id: int):
        member = member_of_request(request)
        meeting = meeting_for_request(request, meeting_id)
        proxy = Proxy.objects.filter(
            meeting=meeting, principal=member, revoked_at__isnull=True
        ).first()
        if proxy is None:
            raise NotFound(gettext("You have no proxy for this meeting."))
        proxy = proxy_revoke(proxy=proxy, principal=member, actor=request.user)
        return Response(ProxyOut(proxy).data)


# --- Receipts ---


class ReceiptCheckOut(serializers.Serializer):
    motion = serializers.IntegerField(source="motion.pk")
    meeting = serializers.IntegerField(source="motion.meeting_id")
    counted = serializers.BooleanField()
    choice = serializers.CharField(allow_null=True)
    candidates = serializers.ListField(child=serializers.CharField())


class ReceiptVerifyApi(APIView):
    """Check a receipt code: is the ballot counted (not superseded)? After the close,
    also what it says. Open to anyone: the code names no voter."""

    permission_classes = [AllowAny]
    # Anyone may check a code: guessing codes is held to the default rates.
    throttle_classes = [AnonRateThrottle, UserRateThrottle]

    @extend_schema(tags=["governance"], responses={200: ReceiptCheckOut})
    def get(self, request, code: str):
        check = selectors.receipt_verify(code)
        if check is None:
            raise NotFound(gettext("No ballot has this receipt code."), field="code")
        return Response(ReceiptCheckOut(check).data)


class PublishedBallotOut(serializers.Serializer):
    receipt = serializers.CharField()
    choice = serializers.CharField()
    candidates = serializers.ListField(child=serializers.CharField())
    counted = serializers.BooleanField()


class MotionReceiptsApi(APIView):
    """The published list of a closed motion: receipt code → choice, no voters."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["governance"], responses=PublishedBallotOut(many=True))
    def get(self, request, motion_id: int):
        motion = Motion.objects.select_related("meeting").filter(pk=motion_id).first()
        if motion is None or motion.meeting.status not in selectors.CLOSED:
            raise NotFound(gettext("The receipt list is published when voting closes."))
        return Response(PublishedBallotOut(selectors.motion_receipts(motion), many=True).data)
