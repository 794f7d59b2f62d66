"""Solvency events other apps (disclosure) may listen to; solvency imports none of them.
Each is sent after the commit of the change it reports."""

from django.dispatch import Signal

#: Sent after commit when a solvency assessment is approved (a first approval or a
#: correction of an approved one); kwargs: assessment.
assessment_approved = Signal()

#: Sent after commit when a surplus distribution has been credited to the members (for
#: disclosure to publish); kwargs: distribution.
surplus_distributed = Signal()
