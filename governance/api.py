"""API face of governance (/api/v1/governance/): meetings, motions, ballots, proxies,
member proposals, receipts; staff transitions. Thin: serializers check shape, services
decide. No endpoint returns a secret ballot's choice together with its voter: the
participation list names voters, the receipt list names choices.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from members.models import Member
from members.selectors import member_for_user
from mutualsociety.common.api import require_perms
from mutualsociety.common.exceptions import DomainError, InvalidInput, NotAllowed, NotFound
from mutualsociety.common.throttling import AnonRateThrottle, UserRateThrottle

from . import selectors
from .models import Matter, Meeting, Motion, Proposal, Proxy
from .services import meetings as meeting_services
from .services.proposals import proposal_cosign, proposal_draft
from .services.voting import ballots_cast, proxy_appoint, proxy_revoke


def _member(request) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotAllowed(gettext("Only members take part in the society's meetings."))
    return member


def _meeting_for(request, meeting_id: int) -> Meeting:
    if request.user.has_perm("governance.view_meeting"):
        meeting = Meeting.objects.select_related("body", "articles").filter(pk=meeting_id).first()
    else:
        meeting = selectors.meeting_visible_to_member(meeting_id, member_for_user(request.user))
    if meeting is None:
        raise NotFound(gettext("There is no meeting #%(id)s.") % {"id": meeting_id})
    return meeting


def _member_by_number(number: str, field: str) -> Member:
    found = Member.objects.filter(member_number=(number or "").strip()).first()
    if found is None:
        raise InvalidInput(gettext("There is no member with this number."), field=field)
    return found


# --- Output ---


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
            meetings = selectors.meetings_for_member(_member(request))
        return Response(MeetingOut(meetings[:200], many=True).data)


class MeetingDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], responses=MeetingDetailOut)
    def get(self, request, meeting_id: int):
        return Response(MeetingDetailOut(_meeting_for(request, meeting_id)).data)


# --- Voting ---


KEY_MAX = 2**63 - 1  # database keys are 64-bit


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
        member = _member(request)
        # Eligibility is the service's (the frozen roll); a voter not on it gets 403.
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None:
            raise NotFound(gettext("There is no meeting #%(id)s.") % {"id": meeting_id})
        data = BallotIn(data=request.data)
        data.is_valid(raise_exception=True)
        voter, holder = member, None
        if data.validated_data.get("on_behalf_of"):
            voter = _member_by_number(data.validated_data["on_behalf_of"], "on_behalf_of")
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
        member = _member(request)
        meeting = _meeting_for(request, meeting_id)
        data = ProxyIn(data=request.data)
        data.is_valid(raise_exception=True)
        holder = _member_by_number(data.validated_data["holder"], "holder")
        proxy = proxy_appoint(meeting=meeting, principal=member, holder=holder, actor=request.user)
        return Response(ProxyOut(proxy).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["governance"], responses={200: ProxyOut})
    def delete(self, request, meeting_id: int):
        member = _member(request)
        meeting = _meeting_for(request, meeting_id)
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


# --- Proposals ---


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
        member = _member(request)
        data = ProposalIn(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = proposal_draft(author=member, actor=request.user, **data.validated_data)
        return Response(ProposalOut(proposal).data, status=status.HTTP_201_CREATED)


class ProposalCosignApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=None, responses={200: ProposalOut})
    def post(self, request, proposal_id: int):
        member = _member(request)
        proposal = proposal_cosign(proposal=proposal_id, member=member, actor=request.user)
        return Response(ProposalOut(Proposal.objects.get(pk=proposal.pk)).data)


# --- Staff ---


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
        meeting = _meeting_for(request, meeting_id)
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
        meeting = _meeting_for(request, meeting_id)
        meeting = service(meeting=meeting, actor=request.user)
        return Response(MeetingOut(meeting).data)
