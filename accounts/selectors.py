from __future__ import annotations

from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualsociety.common.selectors import society_get


def user_totp_device(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    if not getattr(user, "is_authenticated", False):
        return None
    qs = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        qs = qs.filter(confirmed=confirmed)
    return qs.order_by("id").first()


def user_must_enrol_second_factor(user) -> bool:
    """Staff must set up an authenticator when the society's policy says so."""
    return bool(
        getattr(user, "is_staff", False)
        and society_get().require_staff_two_factor
        and not user_has_device(user, confirmed=True)
    )


def user_needs_second_factor(user) -> bool:
    """True while a signed-in person has not yet used the second factor they must use.

    Whoever has a confirmed authenticator must have entered a code from it in this
    session; staff must have one at all when the society requires two-factor sign-in.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user_has_device(user, confirmed=True):
        return not user.is_verified()
    return user_must_enrol_second_factor(user)
