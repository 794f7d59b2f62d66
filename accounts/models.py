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
