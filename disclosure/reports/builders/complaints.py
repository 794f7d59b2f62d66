"""The annual report's complaints: received, resolved, pending, by category."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..document import Section, Table, integer, text
from ..figures import Reader
from .common import Common, indicator_table, nothing


def complaints_section(c: Common, block: Reader | None) -> Section:
    if block is None:
        return nothing(_("Complaints"))
    rows = [
        [text(_("Complaints received")), integer(block.integer("received"))],
        [text(_("Complaints resolved")), integer(block.integer("resolved"))],
        [text(_("Complaints pending")), integer(block.integer("pending", required=False))],
    ]
    if block.has("resolved_in_time"):
        rows.append(
            [text(_("Resolved within the time limit")), integer(block.integer("resolved_in_time"))]
        )
    tables = [indicator_table(_("Complaints"), rows)]
    categories = block.items("by_category")
    if categories:
        tables.append(
            Table(
                caption=_("Complaints by category"),
                headers=[_("Category"), _("Received"), _("Resolved")],
                rows=[
                    [
                        text(k.req_label("category", c.language)),
                        integer(k.integer("received")),
                        integer(k.integer("resolved", required=False)),
                    ]
                    for k in categories
                ],
            )
        )
    return Section(heading=_("Complaints"), tables=tables)
