"""Two-factor (TOTP) sign-in: enrolment, checking codes, and the lock-out for wrong ones."""

from __future__ import annotations

import logging
import math
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualsociety.common.exceptions import InvalidInput, NotAllowed

from .models import SecondFactorAttempts
from .selectors import user_totp_device

logger = logging.getLogger(__name__)


class SecondFactorLocked(NotAllowed):
    """Too many wrong authenticator codes: every code is refused until ``locked_until``."""

    code = "second_factor_locked"
    http_status = 429

    def __init__(self, locked_until: datetime, *, field: str | None = None) -> None:
        self.locked_until = locked_until
        super().__init__(
            _(
                "Too many wrong authenticator codes. To protect the account, codes are "
                "refused until %(time)s; try again then."
            )
            % {"time": _local_time(locked_until)},
            field=field,
        )


def _local_time(moment: datetime) -> str:
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


def _clean(token: str) -> str:
    return (token or "").strip().replace(" ", "")


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
    """Confirm the pending authenticator with a current code from it.

    Wrong codes here do not count towards the lock-out: the person was just shown the
    key, so there is nothing to guess. django-otp's throttle still applies.
    """
    token = _clean(token)
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
            refused = True
        else:
            refused = False
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # One authenticator at a time: drop any other pending device.
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    # Raised after the block so that django-otp's count of wrong codes is kept.
    if refused:
        raise InvalidInput(
            _("That code is not valid. Enter the 6-digit code your app shows now."),
            field="token",
        )
    return device


def second_factor_verify(*, user, token: str, field: str = "token") -> TOTPDevice:
    """Check a code from the person's confirmed authenticator, counting wrong ones.

    The rule (the second-factor twin of the password lock-out of django-axes): after
    ``SECOND_FACTOR_FAILURE_LIMIT`` wrong codes in a row, each within
    ``SECOND_FACTOR_LOCKOUT_TIME`` of the one before, every code of that person, right or
    wrong, is refused for ``SECOND_FACTOR_LOCKOUT_TIME``. The lock is the person's, not an
    address's: whoever reaches this step already has the password, and could change
    address. Between wrong codes django-otp's throttle asks for a wait of 1, 2, 4...
    seconds; a code sent during the wait is refused and counts as wrong. A right code
    clears the count.

    Every face that takes a code goes through here (both sign-in forms, the two-factor
    page). The count is committed before the refusal is raised, so the caller must not
    run this inside a transaction of its own that the refusal rolls back.
    """
    token = _clean(token)
    limit = max(1, settings.SECOND_FACTOR_FAILURE_LIMIT)
    lock_time = settings.SECOND_FACTOR_LOCKOUT_TIME
    now = timezone.now()
    wait_until: datetime | None = None
    locked_until: datetime | None = None
    with transaction.atomic():
        # One row per person, locked: parallel guesses are counted one after the other.
        SecondFactorAttempts.objects.bulk_create(
            [SecondFactorAttempts(user=user)], ignore_conflicts=True
        )
        attempts = SecondFactorAttempts.objects.select_for_update().get(user=user)
        if attempts.locked_until is not None and attempts.locked_until > now:
            raise SecondFactorLocked(attempts.locked_until, field=field)
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("id")
            .first()
        )
        if device is None:
            raise InvalidInput(_("You have no authenticator."), field=field)
        allowed, throttle = device.verify_is_allowed()
        if allowed and token.isdigit() and device.verify_token(token):
            if attempts.failures or attempts.locked_until:
                attempts.failures = 0
                attempts.locked_until = None
                attempts.save(update_fields=["failures", "locked_until"])
            return device
        if not allowed:
            wait_until = (throttle or {}).get("locked_until")
        if attempts.last_failure_at is not None and now - attempts.last_failure_at > lock_time:
            attempts.failures = 0  # the earlier wrong codes are too old to count
        attempts.failures += 1
        attempts.last_failure_at = now
        if attempts.failures >= limit:
            attempts.failures = 0
            attempts.lockouts += 1
            attempts.locked_until = locked_until = now + lock_time
        attempts.save()
    # Raised after the block so that the count is committed.
    if locked_until is not None:
        logger.warning(
            "Second factor locked for user %s until %s after %d wrong codes.",
            user.pk,
            locked_until.isoformat(),
            limit,
        )
        raise SecondFactorLocked(locked_until, field=field)
    if wait_until is not None:
        seconds = max(1, math.ceil((wait_until - timezone.now()).total_seconds()))
        raise InvalidInput(
            ngettext(
                "Too many wrong codes: wait %(seconds)d second, then try again.",
                "Too many wrong codes: wait %(seconds)d seconds, then try again.",
                seconds,
            )
            % {"seconds": seconds},
            field=field,
        )
    raise InvalidInput(
        _("That code is not valid. Enter the 6-digit code your app shows now."), field=field
    )


UNLOCK_PERM = "accounts.change_secondfactorattempts"


def second_factor_unlock(*, user, actor) -> bool:
    """Lift a person's lock-out for wrong codes (staff who checked who they are).

    Needs ``accounts.change_secondfactorattempts`` (the administrator role). The person's
    next right code is taken at once: django-otp's wait after the wrong codes (1, 2, 4...
    seconds, 16 after five) is cleared with the lock. Returns whether there was a lock-out
    to lift; replaying it does nothing.
    """
    if actor is None or not actor.has_perm(UNLOCK_PERM):
        raise NotAllowed(_("Only the administrator may lift a lock-out of authenticator codes."))
    with transaction.atomic():
        lifted = SecondFactorAttempts.objects.filter(
            user=user, locked_until__gt=timezone.now()
        ).update(locked_until=None, failures=0)
        if lifted:
            TOTPDevice.objects.filter(user=user).update(
                throttling_failure_count=0, throttling_failure_timestamp=None
            )
    if lifted:
        logger.info("Second-factor lock-out of user %s lifted by %s.", user.pk, actor.pk)
    return bool(lifted)


def totp_device_remove(*, user, token: str) -> int:
    """Remove the person's authenticator; a current code proves they still hold it.

    The code is checked by ``second_factor_verify``, so wrong codes here count towards
    the lock-out as at sign-in.
    """
    if user_totp_device(user, confirmed=True) is None:
        raise InvalidInput(_("You have no authenticator to remove."), field="token")
    second_factor_verify(user=user, token=token)
    with transaction.atomic():
        deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
        return deleted
