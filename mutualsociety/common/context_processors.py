from django.conf import settings
from django.http import HttpRequest

from .selectors import society_get


def society(request: HttpRequest) -> dict:
    """The society's identity for every template (name, currency)."""
    return {"society": society_get(), "society_currency": settings.SOCIETY_CURRENCY}
