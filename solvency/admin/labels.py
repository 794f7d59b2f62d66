"""Names the staff pages give to what the services store as codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: How the capital lines derived by ``services.capital`` are named on the page.
CAPITAL_LABELS = {
    "initial_operating_fund": _("Initial operating fund"),
    "fund_not_in_register": _("Initial operating fund not in the register"),
    "surplus": _("Surplus"),
    "result_of_the_year": _("Result of the year"),
    "earlier_results": _("Earlier results not yet appropriated"),
}
