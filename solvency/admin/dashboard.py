"""The solvency dashboard (Solvency → Solvency dashboard): for the board, the actuary,
compliance and the regulator, read-only. The latest approved position against its
thresholds, the history as a chart and a table, and the capital breakdown; the figures
come from ``selectors.dashboard_overview`` and the chart from ``chart.history_chart``.

Beside the ratios (``_panels``): the standing alerts of the ladder (above them) and the
liquidity view of the mutual aid plans (below the breakdown), each from its selector; the
template shows a panel only when it has something in it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext

from .. import selectors
from ..models import Tier
from .chart import history_chart
from .labels import CAPITAL_LABELS

VIEW_PERM = "solvency.view_solvencyassessment"
#: How many quarters the history may show (``?quarters=``); 8 without the parameter.
QUARTERS_DEFAULT, QUARTERS_MIN, QUARTERS_MAX = 8, 4, 40


def _panels(request) -> dict:
    """``alerts``: the standing breaches and early warnings (empty: no panel);
    ``liquidity``: the liquidity view of the mutual aid plans (None when the society has
    none)."""
    liquidity = selectors.liquidity_view(timezone.localdate())
    return {
        "alerts": [
            (alert, selectors.alert_status_label(alert))
            for alert in selectors.alerts_standing().select_related("assessment__regime")[:20]
        ],
        "liquidity": liquidity if liquidity.plans else None,
    }


def _card(name: str, value, threshold, margin) -> dict:
    """A ratio against its threshold; ``level`` colours it (below, within the
    early-warning margin above it, or clear), as the ladder judges it."""
    upper = threshold + margin if threshold is not None and margin else None
    level = ""
    if value is not None and threshold is not None:
        level = "below" if value < threshold else "warn" if upper and value < upper else "ok"
    return {"name": name, "value": value, "threshold": threshold, "upper": upper, "level": level}


def _quarters(request, errors: list[str]) -> int:
    raw = (request.GET.get("quarters") or "").strip()
    if not raw:
        return QUARTERS_DEFAULT
    if raw.isdigit() and QUARTERS_MIN <= int(raw) <= QUARTERS_MAX:
        return int(raw)
    errors.append(
        gettext("Quarters: give a whole number from %(low)d to %(high)d; showing %(n)d.")
        % {"low": QUARTERS_MIN, "high": QUARTERS_MAX, "n": QUARTERS_DEFAULT}
    )
    return QUARTERS_DEFAULT


class DashboardMixin:
    """Adds the dashboard to the assessments' admin (``admin:solvency_dashboard``)."""

    def dashboard_urls(self) -> list:
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),  # type: ignore[attr-defined]
                name="solvency_dashboard",
            )
        ]

    def dashboard_view(self, request):
        return dashboard_page(self, request)


def dashboard_page(model_admin, request):
    if not request.user.has_perm(VIEW_PERM):
        raise PermissionDenied
    errors: list[str] = []
    quarters = _quarters(request, errors)
    data = selectors.dashboard_overview(quarters=quarters)
    latest = data.latest
    chart = None
    if latest is not None:
        chart = history_chart(
            data.history,
            comprehensive_min=latest.thresholds.comprehensive,
            core_min=latest.thresholds.core,
            margin=latest.thresholds.early_warning_points,
        )
    tiers = dict(Tier.choices)
    cards = []
    if latest is not None:
        limits = latest.thresholds
        cards = [
            _card(
                gettext("Comprehensive solvency adequacy ratio"),
                latest.comprehensive_ratio,
                limits.comprehensive,
                limits.early_warning_points,
            ),
            _card(
                gettext("Core solvency adequacy ratio"),
                latest.core_ratio,
                limits.core,
                limits.early_warning_points,
            ),
        ]
        if latest.mcr_ratio is not None:
            cards.append(
                _card(
                    gettext("MCR ratio"), latest.mcr_ratio, limits.mcr, limits.early_warning_points
                )
            )
    capital_lines = [
        (
            line.label or CAPITAL_LABELS.get(line.code, line.code),
            tiers.get(line.tier, line.tier),
            line.amount,
        )
        for line in data.capital_lines
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Solvency dashboard"),
        "opts": model_admin.model._meta,
        "errors": errors,
        "quarters": quarters,
        "data": data,
        "latest": latest,
        "assessment": data.assessment,
        "chart": chart,
        "capital_lines": capital_lines,
        "cards": cards,
        "can_compute": request.user.has_perm("solvency.compute_solvencyassessment"),
        "can_approve": request.user.has_perm("solvency.approve_solvencyassessment"),
        **_panels(request),
    }
    return TemplateResponse(request, "admin/solvency/dashboard.html", context)
