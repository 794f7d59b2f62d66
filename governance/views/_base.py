"""What the assembly pages share: the member check and the meeting in the URL."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils.translation import gettext as _

from members.models import Member
from members.selectors import member_for_user

from .. import selectors
from ..models import Meeting


def _refusals_to_messages(request, form) -> None:
    """A refusal a service put on a form (``form.call_service``), shown as messages on
    the page the view redirects to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


class AssemblyMemberMixin(LoginRequiredMixin):
    """``self.member``: the signed-in person's membership (None for staff without one)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.member = member_for_user(request.user)
        return super().dispatch(request, *args, **kwargs)

    def require_member(self) -> Member:
        if self.member is None:
            raise Http404(_("Only members take part in the society's meetings."))
        return self.member


class MeetingMixin(AssemblyMemberMixin):
    def get_meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            meeting = selectors.meeting_visible_to_member(self.kwargs["meeting_id"], self.member)
            if meeting is None:
                raise Http404(_("There is no such meeting."))
            self._meeting = meeting
        return self._meeting
