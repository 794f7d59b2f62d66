from __future__ import annotations

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django_otp import login as otp_login

from mutualsociety.common.forms import DomainErrorFormMixin
from mutualsociety.common.selectors import society_get

from . import services
from .forms import LoginForm, TokenForm
from .selectors import user_must_enrol_second_factor, user_totp_device


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """The reset e-mail in plain text and HTML, signed with the society's name."""

    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"

    def get_extra_email_context(self):
        return {"society": society_get()}

    extra_email_context = property(get_extra_email_context)


class TwoFactorForm(DomainErrorFormMixin, TokenForm):
    pass


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


class TwoFactorView(LoginRequiredMixin, FormView):
    """Set up, or remove, the authenticator app of the signed-in person."""

    template_name = "accounts/two_factor.html"
    form_class = TwoFactorForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        device = user_totp_device(user, confirmed=True)
        context["device"] = device
        context["must_enrol"] = user_must_enrol_second_factor(user)
        if device is None:
            pending = services.totp_device_start(user=user)
            context["pending"] = pending
            context["qr_svg"] = mark_safe(_qr_svg(pending.config_url))  # noqa: S308 - our own SVG
            context["secret_base32"] = _base32(pending.bin_key)
        return context

    def form_valid(self, form):
        user = self.request.user
        token = form.cleaned_data["token"]
        if user_totp_device(user, confirmed=True) is None:
            device = form.call_service(services.totp_device_confirm, user=user, token=token)
            if device is None:
                return self.form_invalid(form)
            otp_login(self.request, device)
            messages.success(self.request, _("Your authenticator is set up."))
        else:
            if form.call_service(services.totp_device_remove, user=user, token=token) is None:
                return self.form_invalid(form)
            messages.success(self.request, _("Your authenticator was removed."))
        return redirect("two_factor")


def _base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
