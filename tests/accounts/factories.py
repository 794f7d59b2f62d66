"""Authenticator helpers: set a device up through the services, compute its codes."""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services


def next_token(device: TOTPDevice) -> str:
    """The code the person's app shows now, or for the next 30-second step if the current
    one was already used (a code is accepted once; one step of drift is tolerated)."""
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step) + device.drift
    step = max(now_step, device.last_t + 1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_token(device: TOTPDevice) -> str:
    """A six-digit code that is not the current one."""
    return f"{(int(next_token(device)) + 1) % 1_000_000:06d}"


def enrol(user) -> TOTPDevice:
    """Set up and confirm an authenticator the way the two-factor page does."""
    pending = services.totp_device_start(user=user)
    return services.totp_device_confirm(user=user, token=next_token(pending))
