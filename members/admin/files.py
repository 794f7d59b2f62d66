"""Members in and out as CSV: the export action and the import page.

The export streams the selected members (identity numbers masked unless the user may
see them, cells that a spreadsheet would run as a formula defused); the import page
uploads a file to ``members_import`` (columns and rules in its docstring) and shows what
was refused, line by line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import Coverage, Member, Plan, mask_identity_number
from ..services.imports import ImportReport, members_import
from ..transitions import LIVE_COVERAGE
from .base import can_see_identity

#: How many refused rows the import page lists (the command prints them all).
IMPORT_ERRORS_SHOWN = 1000


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _spreadsheet_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet program.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


EXPORT_COLUMNS = (
    "member_number",
    "legal_name",
    "id_type",
    "id_number",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "region",
    "address",
    "status",
    "joined_on",
    "plans",
)


def export_rows(members: Iterable[Member], *, full_identity: bool) -> Iterator[list[str]]:
    """Rows of the member export, the columns of ``EXPORT_COLUMNS`` (as the import names
    them), the identity number masked unless ``full_identity``."""
    for m in members:
        yield [
            m.member_number or "",
            _spreadsheet_safe(m.legal_name),
            m.id_type,
            m.id_number if full_identity else mask_identity_number(m.id_number),
            m.date_of_birth.isoformat(),
            m.sex,
            m.phone,
            _spreadsheet_safe(m.email),
            m.region,
            _spreadsheet_safe(m.address),
            m.status,
            m.joined_on.isoformat() if m.joined_on else "",
            " ".join(c.plan.code for c in m.live_coverages),
        ]


class ImportForm(DomainErrorFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with a header row; the columns are listed below."),
    )
    plan = forms.ChoiceField(
        label=_("Plan"),
        required=False,
        help_text=_("For the rows whose plan column is empty (or that have none)."),
    )
    only_valid = forms.BooleanField(
        label=_("Import the valid rows even if others are refused"), required=False
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file, import nothing"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [
            ("", "—"),
            *((p.code, f"{p.code} · {p.display_name}") for p in Plan.objects.order_by("code")),
        ]


class MemberFilesMixin(admin.ModelAdmin):
    """The member list's export action and import page (``MemberAdmin`` mixes it in)."""

    @admin.action(description=_("Export the selected members to CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        live = LIVE_COVERAGE
        members = (
            queryset.order_by("pk")
            .prefetch_related(
                Prefetch(
                    "coverages",
                    queryset=Coverage.objects.filter(status__in=live).select_related("plan"),
                    to_attr="live_coverages",
                )
            )
            .iterator(chunk_size=2000)
        )
        writer = csv.writer(_Echo())
        rows = export_rows(members, full_identity=can_see_identity(request))

        def lines() -> Iterator[str]:
            # The byte-order mark makes spreadsheet programs read the file as UTF-8.
            yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
            for row in rows:
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        name = f"members-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="members_member_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a CSV of members; show what was refused (line: reason) and imported."""
        if not request.user.has_perm("members.add_member"):
            raise PermissionDenied
        report: ImportReport | None = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = self._import(request, form)
        else:
            form = ImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import members"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "errors_shown": report.errors[:IMPORT_ERRORS_SHOWN] if report else [],
            "errors_hidden": max(len(report.errors) - IMPORT_ERRORS_SHOWN, 0) if report else 0,
            "columns": IMPORT_COLUMNS_HELP,
        }
        return TemplateResponse(request, "admin/members/member/import.html", context)

    def _import(self, request, form: ImportForm) -> ImportReport | None:
        upload = form.cleaned_data["file"]
        # Read as text without loading it: the service streams it row by row.
        text = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
        try:
            # A refusal of the write itself names the file (``InvalidInput(field="file")``).
            report = form.call_service(
                members_import,
                file=text,
                plan_code=form.cleaned_data["plan"],
                only_valid=form.cleaned_data["only_valid"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
        finally:
            text.detach()
        if report is None:
            return None
        if report.imported:
            self.message_user(
                request,
                ngettext("%(n)d member imported.", "%(n)d members imported.", report.imported)
                % {"n": report.imported},
                messages.SUCCESS,
            )
        return report


#: What the import page says about the columns (the service's docstring has the rules).
IMPORT_COLUMNS_HELP = (
    ("member_number", _("optional: the number in the old system, kept; else a new one")),
    ("legal_name", _("required")),
    ("id_type", _("optional: resident_id (default), passport, hk_macao_permit, ...")),
    ("id_number", _("required; a resident identity number is checked for real")),
    ("date_of_birth", _("required, YYYY-MM-DD")),
    ("sex", _("required, F or M")),
    ("phone", _("required")),
    ("email", _("optional")),
    ("region", _("required: the 2-digit province code")),
    ("address", _("optional")),
    ("plan", _("the plan code, unless chosen above for the whole file")),
    ("payment_frequency", _("premium plans: monthly, quarterly or annual")),
    ("coverage_start", _("required, YYYY-MM-DD")),
    ("joined_on", _("optional, YYYY-MM-DD; default coverage_start")),
)
