"""Member proposals: drafting and co-signing."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..models import Matter, Proposal
from ..services.proposals import proposal_cosign, proposal_draft
from .common import member_of_request


class ProposalIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    matter = serializers.ChoiceField(
        choices=[c for c in Matter.values if c != Matter.ELECTION], default=Matter.GENERAL
    )


class ProposalOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    matter = serializers.CharField()
    status = serializers.CharField()
    threshold = serializers.IntegerField()
    signatures = serializers.SerializerMethodField()

    def get_signatures(self, proposal) -> int:
        return getattr(proposal, "signed", None) or proposal.signatures.count()


class ProposalListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], responses=ProposalOut(many=True))
    def get(self, request):
        return Response(ProposalOut(selectors.open_proposals()[:200], many=True).data)

    @extend_schema(tags=["governance"], request=ProposalIn, responses={201: ProposalOut})
    def post(self, request):
        member = member_of_request(request)
        data = ProposalIn(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = proposal_draft(author=member, actor=request.user, **data.validated_data)
        return Response(ProposalOut(proposal).data, status=status.HTTP_201_CREATED)


class ProposalCosignApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=None, responses={200: ProposalOut})
    def post(self, request, proposal_id: int):
        member = member_of_request(request)
        proposal = proposal_cosign(proposal=proposal_id, member=member, actor=request.user)
        return Response(ProposalOut(Proposal.objects.get(pk=proposal.pk)).data)
