"""The complaints desk in the API, under /api/v1/support/complaints/: a member lists,
reads and files their own complaints (another member's answers 404, as one that does not
exist). Filing is multipart (documents) or JSON and needs an ``Idempotency-Key``
header: the same key again answers the complaint filed the first time (200) and files
nothing more. Every write is a service; errors have the house's shape."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.services.documents import Upload
from members.models import Member
from members.selectors import member_for_user
from mutualsociety.common.exceptions import DomainError, InvalidInput, NotFound
from mutualsociety.common.parsers import DepthLimitedJSONParser

from . import selectors
from .models import Complaint, ComplaintEvent
from .services import ComplaintData, complaint_file, complaint_may_escalate

IDEMPOTENCY_HEADER = "Idempotency-Key"
#: The header's longest value (the stored key is prefixed with the member's id).
KEY_MAX = 48


def _member(request) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotFound(_("You have no membership."))
    return member


class ComplaintIn(serializers.Serializer):
    category = serializers.ChoiceField(choices=Complaint.Category.choices)
    description = serializers.CharField(max_length=5000)
    desired_outcome = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    claim = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    application = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    share = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    documents = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True
    )


class ComplaintEventOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=ComplaintEvent.Type.choices)
    at = serializers.DateTimeField()
    old_status = serializers.CharField(source="old_value")
    new_status = serializers.CharField(source="new_value")
    reason = serializers.CharField()


class ComplaintDocumentOut(serializers.Serializer):
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class ComplaintOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    category = serializers.ChoiceField(choices=Complaint.Category.choices)
    claim = serializers.IntegerField(source="claim_id", allow_null=True)
    application = serializers.IntegerField(source="application_id", allow_null=True)
    share = serializers.IntegerField(source="share_id", allow_null=True)
    status = serializers.ChoiceField(choices=Complaint.Status.choices)
    received_on = serializers.DateField()
    acknowledge_by = serializers.DateField()
    resolve_by = serializers.DateField()
    acknowledged_on = serializers.DateField(allow_null=True)
    resolved_on = serializers.DateField(allow_null=True)
    extended_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(
        source="resolution", help_text=_("upheld, partly_upheld or rejected; empty until then.")
    )
    escalation_until = serializers.DateField(allow_null=True)
    escalated_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)


class ComplaintDetailOut(ComplaintOut):
    description = serializers.CharField()
    desired_outcome = serializers.CharField()
    answer = serializers.CharField(source="outcome_text")
    extension_reason = serializers.CharField()
    may_escalate = serializers.SerializerMethodField()
    documents = ComplaintDocumentOut(many=True, source="documents.all")
    events = serializers.SerializerMethodField(help_text=_("Every step, oldest first."))

    def get_may_escalate(self, complaint: Complaint) -> bool:
        return complaint_may_escalate(complaint)

    @extend_schema_field(ComplaintEventOut(many=True))
    def get_events(self, complaint: Complaint) -> list[dict]:
        return ComplaintEventOut(selectors.complaint_history(complaint), many=True).data


class ComplaintListApi(APIView):
    """GET: the member's own complaints. POST: file a complaint (once per key)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, DepthLimitedJSONParser]

    @extend_schema(tags=["support"], responses={200: ComplaintOut(many=True)})
    def get(self, request):
        return Response(
            ComplaintOut(selectors.complaints_for_member(_member(request)), many=True).data
        )

    @extend_schema(
        tags=["support"],
        request=ComplaintIn,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                location=OpenApiParameter.HEADER,
                required=True,
                description=_("A key unique to this complaint; a retry sends the same key."),
            )
        ],
        responses={
            201: ComplaintDetailOut,
            200: OpenApiResponse(
                ComplaintDetailOut, description=_("A retry: the complaint filed before.")
            ),
        },
    )
    def post(self, request):
        member = _member(request)
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if not key or len(key) > KEY_MAX:
            raise InvalidInput(
                gettext("Send an Idempotency-Key header of 1 to %(n)s characters.")
                % {"n": KEY_MAX},
                field=IDEMPOTENCY_HEADER,
            )
        if not isinstance(request.data, Mapping):
            raise InvalidInput(gettext("Send the complaint as an object of fields."))
        data = {k: request.data.get(k) for k in request.data}
        if hasattr(request.data, "getlist"):
            data["documents"] = request.FILES.getlist("documents")
        serializer = ComplaintIn(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        try:
            filed = complaint_file(
                member=member,
                data=ComplaintData(
                    category=values["category"],
                    description=values["description"],
                    desired_outcome=values.get("desired_outcome") or "",
                    claim=values.get("claim"),
                    application=values.get("application"),
                    share=values.get("share"),
                ),
                documents=[Upload.of(f) for f in values.get("documents", [])],
                submission_key=f"m{member.pk}:{key}",
                actor=request.user,
            )
        except DomainError as error:
            if "submission_key" in error.fields:
                error.fields[IDEMPOTENCY_HEADER] = error.fields.pop("submission_key")
            raise
        return Response(
            ComplaintDetailOut(filed.complaint).data,
            status=status.HTTP_201_CREATED if filed.created else status.HTTP_200_OK,
        )


class ComplaintDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["support"], responses={200: ComplaintDetailOut})
    def get(self, request, complaint_id: int):
        complaint = selectors.complaint_for_member(member_for_user(request.user), complaint_id)
        return Response(ComplaintDetailOut(complaint).data)
