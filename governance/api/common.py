"""What the governance endpoints share: who is asking, which meeting, which member."""

from __future__ import annotations

from django.utils.translation import gettext

from members.models import Member
from members.selectors import member_for_user
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, NotFound

from .. import selectors
from ..models import Meeting


def member_of_request(request) -> Member:
    """The signed-in person's membership; refused for anyone who is not a member."""
    member = member_for_user(request.user)
    if member is None:
        raise NotAllowed(gettext("Only members take part in the society's meetings."))
    return member


def meeting_for_request(request, meeting_id: int) -> Meeting:
    """Any meeting for staff who may view meetings; for a member, one they may open."""
    if request.user.has_perm("governance.view_meeting"):
        meeting = Meeting.objects.select_related("body", "articles").filter(pk=meeting_id).first()
    else:
        meeting = selectors.meeting_visible_to_member(meeting_id, member_for_user(request.user))
    if meeting is None:
        raise NotFound(gettext("There is no meeting #%(id)s.") % {"id": meeting_id})
    return meeting


def member_by_number(number: str, field: str) -> Member:
    """The member with this member number, or a refusal naming ``field``."""
    found = Member.objects.filter(member_number=(number or "").strip()).first()
    if found is None:
        raise InvalidInput(gettext("There is no member with this number."), field=field)
    return found


KEY_MAX = 2**63 - 1  # database keys are 64-bit
