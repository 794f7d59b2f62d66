from django import template

from ..selectors import request_outcome_lines

register = template.Library()


@register.filter
def outcome_lines(request) -> list[str]:
    """What was done about each part of a closed request, in the active language."""
    return request_outcome_lines(request)
