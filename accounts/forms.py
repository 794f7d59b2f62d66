from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .selectors import user_totp_device


class SecondFactorMixin:
    """Password first; then, for whoever has an authenticator, a current code from it.

    On success ``user.otp_device`` is set, and django-otp marks the session verified when
    the person is logged in.
    """

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=8,
        help_text=_("Only if you have set up an authenticator app: the 6-digit code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        device = user_totp_device(user, confirmed=True)
        user.otp_device = None
        if device is None:
            return cleaned
        token = (self.cleaned_data.get("otp_token") or "").strip().replace(" ", "")
        if not token:
            raise forms.ValidationError(
                {"otp_token": _("Enter the 6-digit code from your authenticator app.")}
            )
        allowed, _extra = device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                {"otp_token": _("Too many wrong codes. Wait a minute, then try again.")}
            )
        if not token.isdigit() or not device.verify_token(token):
            raise forms.ValidationError(
                {"otp_token": _("That code is not valid. Enter the code your app shows now.")}
            )
        user.otp_device = device
        return cleaned


class LoginForm(SecondFactorMixin, AuthenticationForm):
    otp_token = SecondFactorMixin.otp_token


class StaffLoginForm(SecondFactorMixin, AdminAuthenticationForm):
    otp_token = SecondFactorMixin.otp_token


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )
