from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualsociety.common.admin_actions import for_each

from .models import SecondFactorAttempts, User
from .services import UNLOCK_PERM, second_factor_unlock


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "phone", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "full_name", "email", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "phone", "preferred_language")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "password1", "password2"),
            },
        ),
    )


@admin.register(SecondFactorAttempts)
class SecondFactorAttemptsAdmin(admin.ModelAdmin):
    """Wrong authenticator codes per person; the only change is lifting a lock-out."""

    list_display = ("user", "failures", "last_failure_at", "locked_until", "lockouts")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name")
    readonly_fields = ("user", "failures", "last_failure_at", "locked_until", "lockouts")
    actions = ("unlock",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the records are the services'; the action below lifts a lock-out

    def has_unlock_permission(self, request) -> bool:
        return request.user.has_perm(UNLOCK_PERM)

    @admin.action(description=_("Lift the lock-out"), permissions=["unlock"])
    def unlock(self, request, queryset):
        lifted = []

        def lift(attempts: SecondFactorAttempts) -> None:
            if second_factor_unlock(user=attempts.user, actor=request.user):
                self.log_change(request, attempts, gettext("Lifted the lock-out."))
                lifted.append(attempts)

        locked = queryset.filter(locked_until__gt=timezone.now()).select_related("user")
        for_each(self, request, locked, lift)
        if lifted:
            self.message_user(
                request,
                ngettext(
                    "The lock-out of %(n)d person was lifted.",
                    "The lock-outs of %(n)d people were lifted.",
                    len(lifted),
                )
                % {"n": len(lifted)},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, gettext("None of them was locked out."), messages.INFO)


class AuthenticatorAdmin(TOTPDeviceAdmin):
    """django-otp's authenticator admin, with an unknown device's setup page and QR code
    answering 404 (its own views look the device up with ``.get()``: a 500)."""

    def config_view(self, request, pk):
        if not TOTPDevice.objects.filter(pk=pk).exists():
            raise Http404
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        if not TOTPDevice.objects.filter(pk=pk).exists():
            raise Http404
        return super().qrcode_view(request, pk)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, AuthenticatorAdmin)
