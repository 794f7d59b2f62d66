"""The ground floor's admin, by subject: the society's settings (``society``), the
platform's own records (``operations``), and mixins for every app's admin (``mixins``).
Importing this package registers them all."""

from . import operations, society
from .mixins import (
    EventValueColumns,
    MoneyFieldsAdminMixin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceSavesAdminMixin,
)
from .society import PROTECTED_FIELDS, SocietyAdmin, SocietyForm

__all__ = [
    "EventValueColumns",
    "PROTECTED_FIELDS",
    "MoneyFieldsAdminMixin",
    "ReadOnlyAdmin",
    "ReadOnlyInline",
    "ServiceSavesAdminMixin",
    "SocietyAdmin",
    "SocietyForm",
    "operations",
    "society",
]
