"""Publications in the open-data API: what the archive shows, as JSON.

Only published versions (``selectors.archive``); a draft, a version awaiting approval or
a discarded one answers 404 like an unknown id. Answers are cached like the public pages
(``disclosure.cache``: a publication or withdrawal clears them at once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualsociety.common.exceptions import InvalidInput, NotFound

from ..cache import TIMEOUT, cache_key, request_key
from ..models import Attachment, Basis, Kind, KindRule, Publication
from ..selectors import archive as selectors

TAGS = ["disclosure"]


class PublicApi(APIView):
    """Open to anyone and read-only: no sign-in is read (the answer is the same for
    everyone), only GET (and HEAD, OPTIONS) are allowed."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    http_method_names = ["get", "head", "options"]

    def cached(self, request: Request, name: str, build: Callable[[], Any]) -> Any:
        """``build()``'s data for this language, host and address, from the cache when
        there (links in it are absolute)."""
        key = cache_key(f"api:{name}:{get_language()}:{request.get_host()}:{request_key(request)}")
        data = cache.get(key)
        if data is None:
            data = build()
            cache.set(key, data, TIMEOUT)
        return data


def late_flag(publication: Publication) -> bool:
    """Published after its due date, and not a correction: a correction comes when it
    must, whatever the first version's due date was."""
    return publication.published_late and not publication.correction_note


class PublicationPagination(LimitOffsetPagination):
    """``?limit=&offset=``; without a limit, the first 50."""

    default_limit = 50
    max_limit = 500


class WithdrawalOut(serializers.Serializer):
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class PublicationOut(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField(help_text=_("Names the document across its versions."))
    version = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    period = serializers.CharField(help_text=_('"2026Q1", "2026", "2026-03-31" or empty.'))
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    title = serializers.CharField(help_text=_("In Chinese."))
    title_en = serializers.CharField(help_text=_("In English; may be empty."))
    published_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    published_late = serializers.SerializerMethodField(
        help_text=_("The document's first version came out after its due date.")
    )
    corrected_by = serializers.IntegerField(
        source="corrected_by_id",
        allow_null=True,
        help_text=_("The next published version of the document, if this one was corrected."),
    )
    withdrawn = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("This version in the API."))
    page = serializers.SerializerMethodField(help_text=_("This version's public page."))

    def get_published_late(self, publication: Publication) -> bool:
        return late_flag(publication)

    def get_withdrawn(self, publication: Publication) -> bool:
        return hasattr(publication, "withdrawal")

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, publication: Publication) -> str:
        return self._absolute(reverse("disclosure-api:publication", args=[publication.pk]))

    def get_page(self, publication: Publication) -> str:
        return self._absolute(reverse("disclosure:publication", args=[publication.pk]))


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    format = serializers.ChoiceField(choices=Attachment.Format.choices)
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text=_("In bytes."))
    sha256 = serializers.CharField(help_text=_("The SHA-256 of the file, recorded when attached."))
    download = serializers.SerializerMethodField()

    def get_download(self, attachment: Attachment) -> str:
        path = reverse("disclosure:attachment", args=[attachment.publication_id, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class VersionOut(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    correction_note = serializers.CharField(help_text=_("What changed and why (versions 2+)."))
    withdrawal = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(WithdrawalOut(allow_null=True))
    def get_withdrawal(self, publication: Publication) -> dict | None:
        withdrawal = getattr(publication, "withdrawal", None)
        return WithdrawalOut(withdrawal).data if withdrawal else None

    def get_url(self, publication: Publication) -> str:
        path = reverse("disclosure-api:publication", args=[publication.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PublicationDetailOut(PublicationOut):
    body = serializers.CharField(help_text=_("Plain text, in Chinese."))
    body_en = serializers.CharField(help_text=_("Plain text, in English; may be empty."))
    content = serializers.JSONField(help_text=_("The figures, as data (amounts as strings)."))
    correction_note = serializers.CharField()
    withdrawal = serializers.SerializerMethodField()
    attachments = AttachmentOut(many=True, source="attachments.all")
    versions = serializers.SerializerMethodField(
        help_text=_("Every published version of the document, oldest first.")
    )

    @extend_schema_field(WithdrawalOut(allow_null=True))
    def get_withdrawal(self, publication: Publication) -> dict | None:
        withdrawal = getattr(publication, "withdrawal", None)
        return WithdrawalOut(withdrawal).data if withdrawal else None

    @extend_schema_field(VersionOut(many=True))
    def get_versions(self, publication: Publication) -> list:
        versions = selectors.public_versions(publication.key)
        return VersionOut(versions, many=True, context=self.context).data


class PublicationFilterIn(serializers.Serializer):
    kind = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text=_("A kind (see kinds/).")
    )
    period = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=_(
            "A year (2026: its quarters and days too), a quarter (2026Q1: its days too) or "
            "a day (2026-03-31)."
        ),
    )
    key = serializers.CharField(
        required=False, allow_blank=True, max_length=120, help_text=_("One document's key.")
    )

    def _checked(self, check: Callable[[str], str], value: str) -> str:
        if not value:
            return value
        try:
            return check(value)
        except InvalidInput as error:
            raise serializers.ValidationError(error.message) from error

    def validate_kind(self, value: str) -> str:
        return self._checked(selectors.kind_check, value)

    def validate_period(self, value: str) -> str:
        return self._checked(selectors.period_check, value)


class PublicationListApi(PublicApi):
    """Published versions, newest first (``?kind=``, ``?period=``, ``?key=``)."""

    # Read by drf-spectacular: the answer is the paginated envelope, not a bare array.
    pagination_class = PublicationPagination

    @extend_schema(tags=TAGS, parameters=[PublicationFilterIn], responses=PublicationOut(many=True))
    def get(self, request: Request) -> Response:
        def build() -> dict:
            params = PublicationFilterIn(data=request.query_params)
            params.is_valid(raise_exception=True)
            queryset = selectors.public_publications(**params.validated_data)
            paginator = self.pagination_class()
            page = paginator.paginate_queryset(queryset, request, view=self)
            data = PublicationOut(page, many=True, context={"request": request}).data
            return paginator.get_paginated_response(data).data

        return Response(self.cached(request, "publications", build))


class PublicationDetailApi(PublicApi):
    """One published version with its text, figures, files (with their SHA-256 and
    download address), withdrawal, and every published version of its document."""

    @extend_schema(tags=TAGS, responses=PublicationDetailOut)
    def get(self, request: Request, publication_id: int) -> Response:
        def build() -> dict | None:
            publication = selectors.public_publication_get(publication_id)
            if publication is None:
                return None
            return PublicationDetailOut(publication, context={"request": request}).data

        data = self.cached(request, f"publication:{publication_id}", lambda: build() or {})
        if not data:
            raise NotFound(
                gettext("There is no published document #%(id)s.") % {"id": publication_id}
            )
        return Response(data)


class KindOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    label = serializers.SerializerMethodField()
    basis = serializers.ChoiceField(choices=Basis.choices)
    months_after = serializers.IntegerField()
    days_after = serializers.IntegerField()
    due_rule = serializers.SerializerMethodField(help_text=_("The due date, in words."))
    automatic = serializers.BooleanField(help_text=_("Published by the platform itself."))
    needs_approval = serializers.BooleanField(
        help_text=_("A manual draft is published only when a second person approves it.")
    )

    def get_label(self, rule: KindRule) -> str:
        return str(Kind(rule.kind).label)

    def get_due_rule(self, rule: KindRule) -> str:
        return due_rule_text(rule)


def due_rule_text(rule: KindRule) -> str:
    """``30 days after: End of each quarter``, ``4 months after: End of each year``,
    ``No due date (kept up to date)``."""
    basis = Basis(rule.basis)
    if basis == Basis.STANDING:
        return str(basis.label)
    values = {"months": rule.months_after, "days": rule.days_after, "from": basis.label}
    if rule.months_after and rule.days_after:
        return gettext("%(months)s months and %(days)s days after: %(from)s") % values
    if rule.months_after:
        return gettext("%(months)s months after: %(from)s") % values
    return gettext("%(days)s days after: %(from)s") % values


class KindListApi(PublicApi):
    """The kinds of publication with their due-date rules."""

    @extend_schema(tags=TAGS, responses=KindOut(many=True))
    def get(self, request: Request) -> Response:
        def build() -> list:
            return KindOut(KindRule.objects.order_by("kind"), many=True).data

        return Response(self.cached(request, "kinds", build))
