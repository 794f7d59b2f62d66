"""Publication events other apps (disclosure) may listen to; claims imports none of them."""

from django.dispatch import Signal

#: Sent after commit when an apportionment period's summary is published; kwargs: period.
apportionment_published = Signal()
