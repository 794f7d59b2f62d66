"""``{% unread_notification_count as unread %}``: the signed-in person's unread
notifications, for the badge in the site navigation (one query; none when signed out)."""

from __future__ import annotations

from django import template

from ..selectors import unread_notification_count

register = template.Library()


@register.simple_tag(takes_context=True, name="unread_notification_count")
def unread_notification_count_tag(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_notification_count(user) if user is not None else 0
