"""Staff face of claims, one module per subject (each registers its models): the claims
queue and a claim's page (``claims``), objections and review panels (``review``),
apportionment periods (``apportionment``). Every change is a service call through
``mutualsociety.common.admin_actions``; claims, events, reserves and payments are never
edited or deleted here."""

from .apportionment import ApportionmentForm, ApportionmentPeriodAdmin
from .claims import (
    AgeFilter,
    AssessForm,
    ClaimAdmin,
    DocumentInline,
    EventInline,
    OptionalReasonForm,
    PaymentInline,
    QueueFilter,
    ReadOnlyInline,
    RejectForm,
    ReserveInline,
)
from .review import ObjectionAdmin, ReviewPanelAdmin, SeatInline, StaffDecisionForm

__all__ = [
    "AgeFilter",
    "ApportionmentForm",
    "ApportionmentPeriodAdmin",
    "AssessForm",
    "ClaimAdmin",
    "DocumentInline",
    "EventInline",
    "ObjectionAdmin",
    "OptionalReasonForm",
    "PaymentInline",
    "QueueFilter",
    "ReadOnlyInline",
    "RejectForm",
    "ReserveInline",
    "ReviewPanelAdmin",
    "SeatInline",
    "StaffDecisionForm",
]
