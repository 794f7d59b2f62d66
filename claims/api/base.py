"""What every module of the claims API shares: money fields and the signed-in member."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.models import Member
from members.selectors import member_for_user
from mutualsociety.common.exceptions import NotFound
from mutualsociety.common.fields import MoneyField


def Money(**kwargs) -> MoneyField:  # noqa: N802
    """Money as a decimal string in and out (``common.fields.MoneyField``)."""
    return MoneyField(**kwargs)


def member_required(request) -> Member:
    """The signed-in person's membership, or 404 in the API's error shape."""
    member = member_for_user(request.user)
    if member is None:
        raise NotFound(_("You have no membership."))
    return member
