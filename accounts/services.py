"""Two-factor (TOTP) enrolment for a signed-in person."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualsociety.common.exceptions import InvalidInput

from .selectors import user_totp_device


def totp_device_start(*, user) -> TOTPDevice:
    """Return the person's pending (unconfirmed) authenticator, creating it once.

    Replaying it returns the same device, so reloading the set-up page shows the same
    QR code until it is confirmed.
    """
    with transaction.atomic():
        pending = user_totp_device(user, confirmed=False)
        if pending is not None:
            return pending
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_device_confirm(*, user, token: str) -> TOTPDevice:
    """Confirm the pending authenticator with a current code from it."""
    token = (token or "").strip().replace(" ", "")
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("id")
            .first()
        )
        if device is None:
            raise InvalidInput(
                _("There is no authenticator waiting to be confirmed; start the set-up again."),
                field="token",
            )
        if not token.isdigit() or not device.verify_token(token):
            raise InvalidInput(
                _("That code is not valid. Enter the 6-digit code your app shows now."),
                field="token",
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator at a time: drop any other pending device.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return device


def totp_device_remove(*, user, token: str) -> int:
    """Remove the person's authenticator; a current code proves they still hold it."""
    token = (token or "").strip().replace(" ", "")
    with transaction.atomic():
        device = user_totp_device(user, confirmed=True)
        if device is None:
            raise InvalidInput(_("You have no authenticator to remove."), field="token")
        if not token.isdigit() or not device.verify_token(token):
            raise InvalidInput(
                _("That code is not valid. Enter the 6-digit code your app shows now."),
                field="token",
            )
        deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
        return deleted
