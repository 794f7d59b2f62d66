"""Meetings as a member (or staff) reads them: the list, and one meeting with its agenda,
motions, candidates, results and minutes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..models import Meeting
from .common import meeting_for_request, member_of_request


class CandidateOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="member.legal_name")
    statement = serializers.CharField()
    status = serializers.CharField()
    votes = serializers.IntegerField(allow_null=True)


class MotionOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    matter = serializers.CharField()
    kind = serializers.CharField()
    seats = serializers.IntegerField()
    options = serializers.SerializerMethodField()
    candidates = CandidateOut(many=True, source="ballot_candidates")
    outcome = serializers.CharField()
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    abstentions = serializers.IntegerField(allow_null=True)
    participants = serializers.IntegerField(allow_null=True)
    eligible = serializers.IntegerField(allow_null=True)
    quorum_met = serializers.BooleanField(allow_null=True)
    draw_seed = serializers.SerializerMethodField()

    def get_options(self, motion) -> list[str]:
        return [] if motion.is_election else ["for", "against", "abstain"]

    def get_draw_seed(self, motion) -> str:
        return motion.draw_seed if motion.outcome else ""


class MeetingOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField(source="body.name")
    kind = serializers.CharField()
    status = serializers.CharField()
    location = serializers.CharField()
    voting_opens_at = serializers.DateTimeField()
    voting_closes_at = serializers.DateTimeField()
    record_date = serializers.DateField(allow_null=True)
    secret_ballot = serializers.BooleanField()
    roll_size = serializers.IntegerField(allow_null=True)
    roll_hash = serializers.CharField()


class MeetingDetailOut(MeetingOut):
    motions = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()
    minutes = serializers.SerializerMethodField()

    def get_agenda(self, meeting) -> list[dict]:
        return [
            {
                "title": item.title,
                "description": item.description,
                "member_proposal": item.proposal_id is not None,
                "documents": [
                    {"title": d.title, "text": d.body, "url": d.url} for d in item.documents.all()
                ],
            }
            for item in selectors.meeting_agenda(meeting)
        ]

    @extend_schema_field(MotionOut(many=True))
    def get_motions(self, meeting) -> list[dict]:
        return MotionOut(selectors.meeting_motions(meeting), many=True).data

    def get_minutes(self, meeting) -> str | None:
        return selectors.meeting_minutes(meeting)


class MeetingListApi(APIView):
    """Meetings: for a member those they may take part in and the published ones; for
    staff with ``governance.view_meeting`` every meeting."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], responses=MeetingOut(many=True))
    def get(self, request):
        if request.user.has_perm("governance.view_meeting"):
            meetings = Meeting.objects.select_related("body").order_by("-voting_opens_at")
        else:
            meetings = selectors.meetings_for_member(member_of_request(request))
        return Response(MeetingOut(meetings[:200], many=True).data)


class MeetingDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], responses=MeetingDetailOut)
    def get(self, request, meeting_id: int):
        return Response(MeetingDetailOut(meeting_for_request(request, meeting_id)).data)
