"""The member portal: enrolment, the dashboard, profile, certificate, statement, withdrawal
and adding a coverage.

Thin faces: the forms check shape and call the services' check functions; the writes are
``enrolment_submit``, ``coverage_apply``, ``member_update_contact`` and
``member_withdraw_request``. A member only ever sees their own records: there is no id in
any URL here, the membership is always the signed-in person's (``member_for_user``).

A package by page: ``applications`` (enrolment, adding a coverage, the decision),
``member`` (the member's own pages), ``notifications`` (the notification
centre), ``base`` (the signed-in person's membership).
"""

from .applications import (
    LAST_APPLICATION,
    ApplicationResultView,
    ApplicationWizard,
    CoverageAddWizard,
    EnrolmentWizard,
    plan_offers,
)
from .base import MemberMixin
from .beneficiaries import BeneficiariesView
from .member import (
    CertificateView,
    DashboardView,
    ProfileForm,
    ProfileView,
    StatementView,
    WithdrawView,
    describe_event,
)
from .notifications import (
    NotificationDetailView,
    NotificationListView,
    NotificationPreferencesView,
    NotificationsReadAllView,
)

__all__ = [
    "LAST_APPLICATION",
    "ApplicationResultView",
    "ApplicationWizard",
    "BeneficiariesView",
    "CertificateView",
    "CoverageAddWizard",
    "DashboardView",
    "EnrolmentWizard",
    "MemberMixin",
    "NotificationDetailView",
    "NotificationListView",
    "NotificationPreferencesView",
    "NotificationsReadAllView",
    "ProfileForm",
    "ProfileView",
    "StatementView",
    "WithdrawView",
    "describe_event",
    "plan_offers",
]
