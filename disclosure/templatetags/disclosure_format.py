"""Template filters of the public disclosure pages: ``{% load disclosure_format %}``.

Every percentage on these pages has two decimals (``85.30%``), whether it is stored as
a fraction (a claims ratio, ``0.853000``) or already in percent (a solvency ratio,
``153.27``); amounts go through the project's own ``money`` / ``amount`` filters.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse

from mutualsociety.common.display import format_amount

register = template.Library()


def _percent(value: Decimal) -> str:
    return format_amount(value, 2) + "%"


@register.filter(is_safe=True)
def rate2(value) -> str:
    """A fraction as a percentage with two decimals: ``0.853`` → ``85.30%``; empty for
    None or what is not a number."""
    if value is None or value == "":
        return ""
    try:
        return _percent(Decimal(str(value)) * 100)
    except (InvalidOperation, ValueError, TypeError):
        return ""


@register.filter(is_safe=True)
def pct2(value) -> str:
    """A value already in percent with two decimals: ``153.2`` → ``153.20%``."""
    if value is None or value == "":
        return ""
    try:
        return _percent(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return ""


@register.filter(is_safe=True)
def share_of(part, whole) -> str:
    """``part`` as a percentage of ``whole`` with two decimals (the turnout of a vote:
    took part ÷ eligible); empty when ``whole`` is 0 or missing."""
    try:
        if not whole:
            return ""
        return _percent(Decimal(int(part or 0)) * 100 / Decimal(int(whole)))
    except (InvalidOperation, ValueError, TypeError):
        return ""


@register.filter
def publication_url(publication) -> str:
    """The address of a publication's own page (``/disclosure/publications/<id>/``, the
    archive's ``disclosure:publication``)."""
    return reverse("disclosure:publication", args=[getattr(publication, "pk", publication)])
