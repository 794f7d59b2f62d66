"""Finance's capital inputs in the admin: capital items, asset holdings (entered, or
imported from CSV on the import page) and the initial operating fund's register (with what
is repaid and outstanding, and the "Repay" action: ``services.repayment.fund_repay``)."""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin_actions import action_with_form
from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import AssetHolding, CapitalItem, FundTranche
from ..selectors import tranches_with_repayments
from ..services.capital import REQUIRED, HoldingsImport, asset_holdings_import
from ..services.repayment import fund_repay


class Recording(admin.ModelAdmin):
    """Records who entered a row; rows are corrected, not deleted."""

    readonly_fields = ("recorded_by", "recorded_at")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CapitalItem)
class CapitalItemAdmin(Recording):
    list_display = ("description", "kind", "tier", "amount", "valid_from", "valid_until")
    list_filter = ("kind", "tier")
    search_fields = ("description", "reference")
    fields = (
        "kind",
        "tier",
        "description",
        "amount",
        "valid_from",
        "valid_until",
        "reference",
        "recorded_by",
        "recorded_at",
    )


class RepayForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2)
    repaid_on = forms.DateField(
        label=_("Repaid on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    motion = forms.IntegerField(
        label=_("Resolution (motion number in the system)"),
        help_text=_("The assembly's adopted resolution on the repayment."),
    )


@admin.register(FundTranche)
class FundTrancheAdmin(Recording):
    list_display = (
        "received_on",
        "provider",
        "kind",
        "amount",
        "repaid",
        "outstanding",
        "interest_rate",
        "tier",
    )
    actions = ("repay",)

    def get_queryset(self, request):
        return tranches_with_repayments()

    @admin.display(description=_("repaid"))
    def repaid(self, obj):
        return obj.repaid

    @admin.display(description=_("outstanding"))
    def outstanding(self, obj):
        return obj.outstanding

    def has_repay_permission(self, request) -> bool:
        return request.user.has_perm("solvency.add_fundrepayment")

    @admin.action(description=_("Repay"), permissions=["repay"])
    def repay(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Repay the initial operating fund"),
            form_class=RepayForm,
            call=lambda t, d: fund_repay(
                tranche=t,
                amount=d["amount"],
                repaid_on=d["repaid_on"],
                motion=d["motion"],
                actor=request.user,
            ),
            done=lambda n: gettext("%(n)d repayments recorded.") % {"n": n},
        )

    list_filter = ("kind", "tier")
    search_fields = ("provider", "reference")
    fields = (
        "provider",
        "amount",
        "received_on",
        "kind",
        "interest_rate",
        "interest_terms",
        "tier",
        "reference",
        "recorded_by",
        "recorded_at",
    )


class HoldingsImportForm(DomainErrorFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with a header row; the columns are listed below."),
    )
    replace = forms.BooleanField(
        label=_("Replace the holdings of the dates in the file"),
        required=False,
        help_text=_("For a corrected statement; otherwise a date that has holdings is refused."),
    )


#: What the import page says about the columns (the service's docstring has the rules).
IMPORT_COLUMNS_HELP = (
    ("as_of", _("required, YYYY-MM-DD: the date of the statement")),
    (
        "asset_class",
        _(
            "required: cash, deposit, government_bond, corporate_bond, equity, fund, "
            "property or other"
        ),
    ),
    ("issuer", _("required: the issuer or counterparty")),
    ("rating", _("optional: AAA, AA, A, BBB, BB, B, CCC or unrated (default)")),
    ("market_value", _("required, e.g. 1250000.00")),
    ("duration", _("optional: in years, e.g. 3.25")),
    ("reference", _("optional: ISIN, account or contract number")),
)


@admin.register(AssetHolding)
class AssetHoldingAdmin(Recording):
    list_display = ("as_of", "asset_class", "issuer", "rating", "market_value", "duration")
    list_filter = ("as_of", "asset_class", "rating")
    search_fields = ("issuer", "reference")
    date_hierarchy = "as_of"
    change_list_template = "admin/solvency/assetholding/change_list.html"
    fields = (
        "as_of",
        "asset_class",
        "issuer",
        "rating",
        "market_value",
        "duration",
        "reference",
        "recorded_by",
        "recorded_at",
    )

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="solvency_assetholding_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a statement of holdings: every row checked first; on any error the page
        lists each (line, column, reason) and nothing is saved."""
        if not request.user.has_perm("solvency.import_assetholding"):
            raise PermissionDenied
        report: HoldingsImport | None = None
        if request.method == "POST":
            form = HoldingsImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                text = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
                try:
                    report = form.call_service(
                        asset_holdings_import,
                        file=text,
                        actor=request.user,
                        replace=form.cleaned_data["replace"],
                    )
                finally:
                    text.detach()
                if report is not None and report.imported:
                    self.message_user(
                        request,
                        ngettext(
                            "%(n)d holding imported.", "%(n)d holdings imported.", report.imported
                        )
                        % {"n": report.imported},
                        messages.SUCCESS,
                    )
        else:
            form = HoldingsImportForm()
        return TemplateResponse(
            request,
            "admin/solvency/assetholding/import.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Import asset holdings"),
                "opts": self.model._meta,
                "form": form,
                "report": report,
                "columns": IMPORT_COLUMNS_HELP,
                "required": REQUIRED,
            },
        )
