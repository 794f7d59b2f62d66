"""What the portal's member pages share: the signed-in person's own membership
(``members.portal``, where the other apps' member pages find it too)."""

from ..portal import MemberMixin

__all__ = ["MemberMixin"]
