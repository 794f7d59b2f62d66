from __future__ import annotations

from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django_otp import login as otp_login

from mutualsociety.common.forms import DomainErrorFormMixin
from mutualsociety.common.selectors import society_get

from . import services
from .forms import LoginForm, TokenForm
from .selectors import (
    second_factor_locked_until,
    user_must_enrol_second_factor,
    user_needs_second_factor,
    user_session_verified,
    user_totp_device,
)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        """Staff who must still set up an authenticator go to do that first, then on."""
        url = super().get_success_url()
        if user_needs_second_factor(self.request.user):
            return f"{reverse('two_factor')}?{urlencode({'next': url})}"
        return url


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
    """The signed-in person's authenticator app: set it up, enter its code, or remove it.

    With no confirmed authenticator the page sets one up; with one that this session has
    not used yet it asks for the current code (the page every other page sends such a
    session to); otherwise it offers to remove it. After setting up or entering the code
    it goes on to ``next`` when that is an address of this site.
    """

    template_name = "accounts/two_factor.html"
    form_class = TwoFactorForm

    def state(self) -> str:
        user = self.request.user
        if user_totp_device(user, confirmed=True) is None:
            return "set_up"
        return "remove" if user_session_verified(user) else "verify"

    def next_url(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url and url_has_allowed_host_and_scheme(
            url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return url
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        state = self.state()
        context["state"] = state
        context["device"] = user_totp_device(user, confirmed=True)
        context["must_enrol"] = user_must_enrol_second_factor(user)
        context["next"] = self.next_url()
        context["locked_until"] = second_factor_locked_until(user)
        if state == "set_up":
            pending = services.totp_device_start(user=user)
            context["pending"] = pending
            context["qr_svg"] = mark_safe(_qr_svg(pending.config_url))  # noqa: S308 - our own SVG
            context["secret_base32"] = _base32(pending.bin_key)
        return context

    def form_valid(self, form):
        user = self.request.user
        token = form.cleaned_data["token"]
        state = self.state()
        if state == "set_up":
            device = form.call_service(services.totp_device_confirm, user=user, token=token)
            if device is None:
                return self.form_invalid(form)
            otp_login(self.request, device)
            messages.success(self.request, _("Your authenticator is set up."))
            return redirect(self.next_url() or "two_factor")
        if state == "verify":
            device = form.call_service(services.second_factor_verify, user=user, token=token)
            if device is None:
                return self.form_invalid(form)
            otp_login(self.request, device)
            return redirect(self.next_url() or "two_factor")
        if form.call_service(services.totp_device_remove, user=user, token=token) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Your authenticator was removed."))
        return redirect("two_factor")


def _base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
