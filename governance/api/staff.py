"""Staff: who took part (never how on a secret ballot), and the milestones of a meeting."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import NotFound

from .. import selectors
from ..services import meetings as meeting_services
from .common import meeting_for_request
from .meetings import MeetingOut


class ParticipationOut(serializers.Serializer):
    motion = serializers.IntegerField(source="motion.number")
    voter = serializers.CharField(source="voter.member_number")
    voter_name = serializers.CharField(source="voter.legal_name")
    cast_by = serializers.CharField(source="cast_by.member_number", allow_null=True)
    channel = serializers.CharField()
    at = serializers.DateTimeField()
    counted = serializers.BooleanField()


class ParticipationApi(APIView):
    """Staff: who took part in each motion (never how they voted on a secret ballot)."""

    permission_classes = [require_perms("governance.view_participation")]

    @extend_schema(tags=["staff: governance"], responses=ParticipationOut(many=True))
    def get(self, request, meeting_id: int):
        meeting = meeting_for_request(request, meeting_id)
        return Response(ParticipationOut(selectors.meeting_participation(meeting), many=True).data)


TRANSITIONS = {
    "convene": meeting_services.meeting_convene,
    "open": meeting_services.meeting_open_voting,
    "close": meeting_services.meeting_close_voting,
    "declare": meeting_services.meeting_declare_results,
    "approve-minutes": meeting_services.meeting_approve_minutes,
    "publish": meeting_services.meeting_publish,
}


class MeetingTransitionApi(APIView):
    """Staff: move a meeting to its next milestone (convene, open, close, declare,
    approve-minutes, publish)."""

    permission_classes = [require_perms("governance.change_meeting")]

    @extend_schema(tags=["staff: governance"], request=None, responses={200: MeetingOut})
    def post(self, request, meeting_id: int, action: str):
        service = TRANSITIONS.get(action)
        if service is None:
            raise NotFound(gettext("Unknown action."))
        meeting = meeting_for_request(request, meeting_id)
        meeting = service(meeting=meeting, actor=request.user)
        return Response(MeetingOut(meeting).data)
