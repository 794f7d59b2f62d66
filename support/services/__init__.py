"""Every write of the complaints desk, by subject (the public names re-exported here):

- ``filing``: a complaint filed by a member or by a person who is signed out;
- ``handling``: the steps of the transition table, the extension and the escalation;
- ``reminders``: the daily flags and the e-mails to the handler and compliance;
- ``notify``: telling the complainant and the supervisory board (after the commit);
- ``settings``: the deadlines' row.
"""

from .filing import (
    ComplaintData,
    Filed,
    complaint_deadlines,
    complaint_file,
    complaint_secret,
)
from .handling import (
    HANDLE_PERM,
    complaint_acknowledge,
    complaint_assign,
    complaint_close,
    complaint_escalate,
    complaint_extend,
    complaint_investigate,
    complaint_may_escalate,
    complaint_resolve,
)
from .reminders import complaints_remind, reminder_email_send
from .settings import complaint_settings_get

__all__ = [
    "HANDLE_PERM",
    "ComplaintData",
    "Filed",
    "complaint_acknowledge",
    "complaint_assign",
    "complaint_close",
    "complaint_deadlines",
    "complaint_escalate",
    "complaint_extend",
    "complaint_file",
    "complaint_investigate",
    "complaint_may_escalate",
    "complaint_resolve",
    "complaint_secret",
    "complaint_settings_get",
    "complaints_remind",
    "reminder_email_send",
]
