"""Staff face of membership: plans, the application queue, members and their money.

Thin, like every face: each change of state is an admin action, a small intermediate form
or a custom page that calls a service (``members.services``), and a refused rule is
reported through ``mutualsociety.common.admin_actions``; statuses, member numbers, dates,
money and decisions are read-only here; financial records and the members' event history
can never be deleted. Identity numbers are shown masked unless the user holds
``members.view_identity_number``.

A package by subject (importing it registers every page): ``plans`` (plans, versions,
consent documents), ``applications`` (the underwriters' queue), ``members`` (members,
their cover and history), ``files`` (the CSV export and import), ``payments`` (amounts
due and payments), ``notifications`` (what members were told, read-only), ``beneficiaries``
(members' designations, every version, read-only).
"""

from .applications import ApplicationAdmin, ApplicationStatusFilter
from .base import ReadOnlyAdmin, ReadOnlyInline, can_see_identity
from .beneficiaries import DesignationAdmin
from .files import EXPORT_COLUMNS, IMPORT_COLUMNS_HELP, ImportForm, export_rows
from .members import ContactForm, CoverageAdmin, DeceasedForm, MemberAdmin, MemberEventAdmin
from .notifications import NotificationAdmin
from .payments import ContributionDueAdmin, PaymentAdmin, PaymentRecordForm, new_payment_key
from .plans import ConsentDocumentAdmin, PlanAdmin, PlanVersionAdmin
from .wind_down import WindDownAdmin

__all__ = [
    "WindDownAdmin",
    "EXPORT_COLUMNS",
    "IMPORT_COLUMNS_HELP",
    "ApplicationAdmin",
    "ApplicationStatusFilter",
    "ConsentDocumentAdmin",
    "ContactForm",
    "ContributionDueAdmin",
    "CoverageAdmin",
    "DeceasedForm",
    "DesignationAdmin",
    "ImportForm",
    "MemberAdmin",
    "MemberEventAdmin",
    "NotificationAdmin",
    "PaymentAdmin",
    "PaymentRecordForm",
    "PlanAdmin",
    "PlanVersionAdmin",
    "ReadOnlyAdmin",
    "ReadOnlyInline",
    "can_see_identity",
    "export_rows",
    "new_payment_key",
]
