from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who can sign in: identity only.

    Membership (the insured person, their identity number, coverages) lives in the members
    app and points here; staff roles are groups (see ``accounts.roles``).
    """

    full_name = models.CharField(
        _("full name"),
        max_length=150,
        blank=True,
        help_text=_("The name as the person writes it (Chinese names are not split)."),
    )
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
        help_text=_("The language of e-mails and notices sent to this person."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class SecondFactorAttempts(models.Model):
    """Wrong authenticator codes of one person, counted towards a lock-out.

    Written only by ``accounts.services.second_factor_verify``: ``failures`` counts the codes
    refused since the last right one; when it reaches ``SECOND_FACTOR_FAILURE_LIMIT`` every
    code is refused until ``locked_until`` (``SECOND_FACTOR_LOCKOUT_MINUTES`` later), on the
    portal's and the admin's sign-in and on the two-factor page alike.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="second_factor_attempts",
    )
    failures = models.PositiveIntegerField(
        _("wrong codes in a row"),
        default=0,
        help_text=_("Since the last right code or the last lock-out."),
    )
    last_failure_at = models.DateTimeField(_("last wrong code"), null=True, blank=True)
    locked_until = models.DateTimeField(
        _("locked until"),
        null=True,
        blank=True,
        help_text=_("Until then every authenticator code of this person is refused."),
    )
    lockouts = models.PositiveIntegerField(_("lock-outs"), default=0)

    class Meta:
        verbose_name = _("authenticator code attempts")
        verbose_name_plural = _("authenticator code attempts")

    def __str__(self) -> str:
        return str(self.user)
