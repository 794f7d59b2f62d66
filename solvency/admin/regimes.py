"""Regimes in the admin: the actuary edits a preset as data (modules, factors, the
correlation matrix, thresholds, the ladder), checked by the models' ``clean``. An
assessment keeps a copy of what it used, so an edit changes no assessment made."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import LadderRung, Regime, RiskFactor, RiskModule


class ModuleInline(admin.TabularInline):
    model = RiskModule
    extra = 0
    fields = ("code", "name", "name_en", "order", "description")
    show_change_link = True


class RungInline(admin.StackedInline):
    model = LadderRung
    extra = 0
    fields = (
        ("severity", "measure", "below", "rating_at_or_below"),
        ("status", "name", "name_en", "deadline_days"),
        ("requires", "requires_en"),
        "source",
    )


class NoDeletion(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Regime)
class RegimeAdmin(NoDeletion):
    list_display = (
        "code",
        "name",
        "name_en",
        "is_default",
        "comprehensive_min",
        "core_min",
        "rating_min",
        "early_warning_points",
    )
    inlines = (ModuleInline, RungInline)
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "is_default", "description")}),
        (
            _("Requirement"),
            {
                "fields": (
                    "correlation",
                    "requirement_multiplier",
                    "control_risk_rate",
                    ("operational_premium_rate", "operational_cap_rate"),
                )
            },
        ),
        (
            _("MCR (Solvency II)"),
            {
                "fields": (
                    "has_mcr",
                    ("mcr_floor_rate", "mcr_cap_rate", "mcr_absolute_floor"),
                    ("mcr_premium_rate", "mcr_reserve_rate"),
                )
            },
        ),
        (
            _("Capital limits"),
            {
                "fields": (
                    "supplementary_limit_of_core",
                    "supplementary_limit_of_requirement",
                    "mcr_supplementary_limit",
                )
            },
        ),
        (
            _("Thresholds"),
            {
                "fields": (
                    ("comprehensive_min", "core_min", "mcr_min"),
                    "rating_min",
                    "early_warning_points",
                )
            },
        ),
    )


class FactorInline(admin.TabularInline):
    model = RiskFactor
    extra = 0
    fields = ("exposure", "asset_class", "rating", "by_duration", "rate", "source")


@admin.register(RiskModule)
class RiskModuleAdmin(NoDeletion):
    list_display = ("regime", "code", "name", "name_en", "order")
    list_filter = ("regime",)
    list_select_related = ("regime",)
    inlines = (FactorInline,)
    fields = ("regime", "code", "name", "name_en", "order", "description")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
