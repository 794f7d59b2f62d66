"""Who may call a solvency service: the one permission check every service uses."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import NotAllowed


def permission_require(actor, perm: str) -> None:
    """Refuse anyone not signed in, or signed in without ``perm`` (``NotAllowed``)."""
    if not (actor is not None and getattr(actor, "is_authenticated", False)):
        raise NotAllowed(_("Sign in as solvency staff to do this."))
    if not actor.has_perm(perm):
        raise NotAllowed(_("You do not have permission to do this."))
