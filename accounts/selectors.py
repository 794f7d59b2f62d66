from __future__ import annotations

from datetime import datetime

from django.utils import timezone
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


def user_is_staff_person(user) -> bool:
    """Whoever holds any staff power: staff status, superuser, a role group or a permission
    of their own.

    Pages outside the admin serve staff by permission (a claims handler opens any claim
    document), so the two-factor rule cannot look at staff status alone.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_staff or user.is_superuser or user.groups.exists() or user.user_permissions.exists()
    )


def user_must_enrol_second_factor(user) -> bool:
    """Staff must set up an authenticator when the society's policy says so."""
    return bool(
        getattr(user, "is_authenticated", False)
        and not user_has_device(user, confirmed=True)
        and society_get().require_staff_two_factor
        and user_is_staff_person(user)
    )


def user_second_factor_due(user) -> str:
    """What a signed-in person still owes before this session may be used: ``"verify"``
    (they have a confirmed authenticator and have not entered its code in this session),
    ``"enrol"`` (staff, the society requires two-factor sign-in, and they have no
    authenticator yet) or ``""`` (nothing; a member without staff powers and without an
    authenticator never owes anything)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if user_has_device(user, confirmed=True):
        return "" if user_session_verified(user) else "verify"
    if society_get().require_staff_two_factor and user_is_staff_person(user):
        return "enrol"
    return ""


def user_needs_second_factor(user) -> bool:
    """True while a signed-in person has not yet used the second factor they must use
    (see ``user_second_factor_due``)."""
    return bool(user_second_factor_due(user))


def user_session_verified(user) -> bool:
    """Whether this session used an authenticator: django-otp's middleware says so; right
    after the login form, the device the form checked does."""
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified):
        return bool(is_verified())
    return getattr(user, "otp_device", None) is not None


def second_factor_locked_until(user) -> datetime | None:
    """When the person's lock-out for wrong authenticator codes ends (None: not locked)."""
    from .models import SecondFactorAttempts

    until = (
        SecondFactorAttempts.objects.filter(user_id=user.pk)
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is not None and until > timezone.now():
        return until
    return None


def role_emails(*slugs: str) -> list[str]:
    """The e-mail addresses of the active people in the staff roles ``slugs``
    (``accounts.roles``), each once, sorted: whom an alert of those roles goes to."""
    from django.contrib.auth import get_user_model

    from .roles import ROLE_BY_SLUG

    names = [ROLE_BY_SLUG[slug].group_name for slug in slugs]
    emails = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=names)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


def user_is_read_only_account(user) -> bool:
    """Whether ``user`` holds the regulator's read-only account (the role ``regulator``
    of ``accounts.roles``): such an account changes nothing anywhere, whatever else it is
    given (``middleware.ReadOnlyAccountMiddleware`` refuses its writes)."""
    if not getattr(user, "is_authenticated", False):
        return False
    from .roles import ROLE_BY_SLUG

    return user.groups.filter(name=ROLE_BY_SLUG["regulator"].group_name).exists()
