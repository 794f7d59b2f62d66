"""Governance events other apps (disclosure) may listen to; governance imports none of
them. Each is sent after the commit of the change it reports, so a receiver never sees a
change that was rolled back."""

from django.dispatch import Signal

#: Sent after commit when a meeting is convened (its notice goes out); kwargs: meeting.
meeting_convened = Signal()

#: Sent after commit when a meeting's results and approved minutes are published;
#: kwargs: meeting.
meeting_published = Signal()

#: Sent after commit when a consultation's results are published (right after it
#: closes); kwargs: consultation.
consultation_published = Signal()
