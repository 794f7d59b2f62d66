"""Row locks shared by the governance services (lowest of them: imports no service)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import NotFound

from ..models import Meeting


def meeting_lock(meeting: Meeting | int) -> Meeting:
    """The meeting's row, locked until the caller's transaction ends (``SELECT ... FOR
    UPDATE``): every change of a meeting, its agenda or its roll takes this lock first, so
    they run one at a time and each sees the status the last one left."""
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    found = Meeting.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no meeting #%(id)s.") % {"id": pk})
    return found
