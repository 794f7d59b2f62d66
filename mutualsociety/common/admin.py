from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import MoneyFormField
from .models import OutboxTask, Society, WorkerHeartbeat
from .money import MONEY_DECIMAL_PLACES


class MoneyFieldsAdminMixin:
    """For an admin whose form saves without a service (a draft plan version and its age
    bands): every amount of money (a DecimalField with two places) is typed strictly and
    held to the society's largest single amount (``MoneyFormField(ceiling=True)``), as
    the services hold the amounts they take."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if (
            isinstance(db_field, models.DecimalField)
            and db_field.decimal_places == MONEY_DECIMAL_PLACES
        ):
            return db_field.formfield(form_class=MoneyFormField, ceiling=True, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Society)
class SocietyAdmin(admin.ModelAdmin):
    """The society's identity. One row: it can be changed, never added or deleted."""

    list_display = ("display_name", "kind", "founded_on", "require_staff_two_factor")
    fieldsets = (
        (None, {"fields": ("name", "name_en", "kind", "scope", "founded_on")}),
        (
            _("Registration and contact"),
            {
                "fields": (
                    "registration_number",
                    "registered_address",
                    "contact_email",
                    "contact_phone",
                )
            },
        ),
        (
            _("Bank account for contributions"),
            {"fields": ("bank_name", "bank_account_name", "bank_account_number")},
        ),
        (_("Home page"), {"fields": ("introduction", "introduction_en")}),
        (_("Limits on what people enter"), {"fields": ("max_single_amount",)}),
        (_("Security"), {"fields": ("require_staff_two_factor",)}),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "max_single_amount":
            return db_field.formfield(form_class=MoneyFormField, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("hostname", "beat_at")
    readonly_fields = ("hostname", "beat_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Tasks recorded for Celery: read-only. Pending rows wait for the broker; the relay
    (every minute, or ``manage.py relay_outbox``) hands them over."""

    list_display = (
        "id",
        "task",
        "key",
        "state",
        "attempts",
        "created_at",
        "last_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("state", "task")
    search_fields = ("key", "task")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxTask._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
