from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DomainErrorFormMixin

from .selectors import second_factor_locked_until, user_totp_device
from .services import SecondFactorLocked, second_factor_verify


class SecondFactorMixin(DomainErrorFormMixin):
    """Password first; then, for whoever has an authenticator, a current code from it.

    The code goes through ``second_factor_verify``: wrong codes count towards the
    person's lock-out, and during one even the right code is refused. On success
    ``user.otp_device`` is set, and django-otp marks the session verified when the person
    is logged in.
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
        user.otp_device = None
        if user_totp_device(user, confirmed=True) is None:
            return cleaned
        token = (self.cleaned_data.get("otp_token") or "").strip().replace(" ", "")
        if not token:
            until = second_factor_locked_until(user)
            if until is not None:
                raise forms.ValidationError({"otp_token": SecondFactorLocked(until).message})
            raise forms.ValidationError(
                {"otp_token": _("Enter the 6-digit code from your authenticator app.")}
            )
        # Counts wrong codes and refuses every code during a lock-out; a refusal is the
        # code field's error.
        user.otp_device = self.call_service(
            second_factor_verify, user=user, token=token, field="otp_token"
        )
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
