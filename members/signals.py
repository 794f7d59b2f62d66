"""Events other apps (disclosure) may listen to; members imports none of them.

Sent after commit by ``members.services.wind_down``."""

from django.dispatch import Signal

#: A milestone of a plan's wind-down was reached (``WindDown.Step``); kwargs: wind_down,
#: step.
wind_down_step = Signal()
