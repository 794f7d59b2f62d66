"""Mixins for the admins of every app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db import models

from ..fields import MoneyFormField
from ..money import MONEY_DECIMAL_PLACES

# The mixin's super() is the ModelAdmin it is mixed into (for the type checker only).
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


class MoneyFieldsAdminMixin(_ModelAdmin):
    """For an admin whose form saves without a service (a draft plan version and its age
    bands): every amount of money (a DecimalField with two places) is typed strictly and
    held to the society's largest single amount (``MoneyFormField(ceiling=True)``), as
    the services hold the amounts they take."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if (
            isinstance(db_field, models.DecimalField)
            and db_field.decimal_places == MONEY_DECIMAL_PLACES
        ):
            return db_field.formfield(form_class=MoneyFormField, ceiling=True, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
