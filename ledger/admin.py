"""Staff face of the ledger: read-only, with the statements as an admin page."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import ReadOnlyAdmin
from mutualsociety.common.admin_actions import for_each
from mutualsociety.common.display import format_amount

from . import selectors, services
from .models import Account, IntegrityCheck, JournalEntry, Posting


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "name_en",
        "type",
        "is_active",
        "manual_postings_allowed",
        "manual_debits_allowed",
    )
    list_filter = ("type", "is_active", "manual_postings_allowed")
    search_fields = ("code", "name", "name_en")
    readonly_fields = ("code", "type")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        # A new account picks its code and type; an existing one keeps them, because its
        # postings were made under them.
        return self.readonly_fields if obj else ()

    def get_urls(self):
        return [
            path(
                "statements/",
                self.admin_site.admin_view(self.statements_view),
                name="ledger_statements",
            ),
            *super().get_urls(),
        ]

    def statements_view(self, request):
        """Trial balance, balance sheet and income statement for a period."""
        if not request.user.has_perm("ledger.view_posting"):
            raise PermissionDenied
        today = timezone.localdate()
        errors: list[str] = []
        start = _date_param(
            request, "start", gettext("Start date"), dt.date(today.year, 1, 1), errors
        )
        end = _date_param(request, "end", gettext("End date"), today, errors)
        if start > end:
            errors.append(gettext("The start date is after the end date; they were swapped."))
            start, end = end, start
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Financial statements"),
            "opts": self.model._meta,
            "start": start,
            "end": end,
            "errors": errors,
            "trial_balance": selectors.trial_balance(as_of=end),
            "balance_sheet": selectors.balance_sheet(as_of=end),
            "income_statement": selectors.income_statement(start=start, end=end),
        }
        return TemplateResponse(request, "admin/ledger/statements.html", context)


def _date_param(request, name: str, label: str, default: dt.date, errors: list[str]) -> dt.date:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        errors.append(
            gettext("%(label)s: %(value)s is not a date (YYYY-MM-DD).")
            % {"label": label, "value": raw}
        )
        return default
    return value


class DebitCreditColumns:
    """A posting's signed amount as the two columns accountants read, named in the page's
    language and grouped like every amount (the model's ``debit`` / ``credit`` are plain
    properties: the admin showed them as "DEBIT", "8000.00" and "None")."""

    @admin.display(description=_("Debit"))
    def debit(self, posting: Posting) -> str:
        return _amount_or_empty(self, posting.debit)

    @admin.display(description=_("Credit"))
    def credit(self, posting: Posting) -> str:
        return _amount_or_empty(self, posting.credit)


def _amount_or_empty(model_admin, amount) -> str:
    if amount is None:
        return model_admin.get_empty_value_display()
    return format_amount(amount)


class PostingInline(DebitCreditColumns, admin.TabularInline):
    model = Posting
    fields = ("account", "debit", "credit")
    readonly_fields = ("account", "debit", "credit")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AccountFilter(admin.SimpleListFilter):
    title = _("account")
    parameter_name = "account"

    def lookups(self, request, model_admin):
        return [(a.code, str(a)) for a in Account.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(postings__account__code=self.value()).distinct()
        return queryset


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "date", "memo", "source_type", "source_id", "reverses", "created_by")
    list_filter = (AccountFilter, "source_type", "date")
    date_hierarchy = "date"
    search_fields = ("memo", "idempotency_key", "source_id")
    list_select_related = ("created_by", "reverses")
    inlines = (PostingInline,)
    actions = ("reverse_entries",)
    fields = (
        "date",
        "memo",
        "currency",
        "source_type",
        "source_id",
        "idempotency_key",
        "reverses",
        "created_at",
        "created_by",
    )
    readonly_fields = fields

    @admin.action(description=_("Reverse the selected manual entries (post mirror entries)"))
    def reverse_entries(self, request, queryset):
        """Reverse manual entries; an entry another part of the system posted is refused
        with the service's message (it is corrected there) and the others go on."""
        if not request.user.has_perm("ledger.add_journalentry"):
            self.message_user(request, gettext("You may not post journal entries."), messages.ERROR)
            return
        for_each(
            self,
            request,
            queryset,
            lambda entry: services.entry_reverse_manual(entry=entry, actor=request.user),
            done=lambda n: gettext("%(n)d entries reversed.") % {"n": n},
            label=lambda entry: f"#{entry.pk}",
        )


@admin.register(Posting)
class PostingAdmin(DebitCreditColumns, ReadOnlyAdmin):
    list_display = ("entry", "date", "account", "debit", "credit")
    list_filter = ("account", "date", "entry__source_type")
    date_hierarchy = "date"
    list_select_related = ("entry", "account")
    search_fields = ("entry__memo", "entry__source_id", "account__code")


@admin.register(IntegrityCheck)
class IntegrityCheckAdmin(ReadOnlyAdmin):
    list_display = (
        "checked_on",
        "ok",
        "entries",
        "postings",
        "total_debits",
        "total_credits",
        "unbalanced_entries",
        "reason",
    )
    list_filter = ("ok",)
