"""Members, the plans they are covered by, and what they pay.

A package by subject; every model is imported here (Django finds them here, and so do
the other apps and the settings: ``members.models.Member``):

- ``plans``: ``Plan`` / ``PlanVersion`` (a product and its versioned terms), ``AgeBand``,
  ``HealthQuestion``;
- ``people``: ``Member`` (one person, one membership), ``ConsentDocument`` / ``Consent``,
  ``Application`` (a request for cover, and the underwriting decision on it);
- ``coverage``: ``Coverage``, what an accepted application gives;
- ``contributions``: ``ContributionDue`` / ``Payment`` / ``PaymentAllocation``: premiums
  and apportioned shares owed, money received, and which payment settled which amount;
- ``events``: ``MemberEvent``, the append-only history of each membership;
- ``beneficiaries``: ``Designation`` (a member's designation of beneficiaries for the
  death benefit, versioned) and its ``Beneficiary`` rows;
- ``notifications``: ``Notification`` (every message sent to a member, for the portal)
  and ``NotificationPreference`` (e-mail / SMS per topic);
- ``wind_down``: ``WindDown`` (a mutual aid plan's orderly wind-down and its dated
  milestones) and ``AdvanceRefund`` (a member's unused advance refunded at it).
"""

from .beneficiaries import SHARES_TOTAL, Beneficiary, Designation
from .contributions import ContributionDue, Payment, PaymentAllocation
from .coverage import Coverage
from .events import MemberEvent
from .notifications import Delivery, Notification, NotificationPreference, Topic
from .people import Application, Consent, ConsentDocument, Member, mask_identity_number
from .plans import AgeBand, HealthQuestion, Plan, PlanVersion, localized
from .wind_down import DEFAULT_TAIL_WINDOW_DAYS, AdvanceRefund, WindDown

__all__ = [
    "DEFAULT_TAIL_WINDOW_DAYS",
    "AdvanceRefund",
    "SHARES_TOTAL",
    "AgeBand",
    "Application",
    "Beneficiary",
    "Consent",
    "ConsentDocument",
    "ContributionDue",
    "Coverage",
    "Delivery",
    "Designation",
    "HealthQuestion",
    "Member",
    "MemberEvent",
    "Notification",
    "NotificationPreference",
    "Payment",
    "PaymentAllocation",
    "Plan",
    "PlanVersion",
    "Topic",
    "WindDown",
    "localized",
    "mask_identity_number",
]
