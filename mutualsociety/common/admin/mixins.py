"""Mixins for the admins of every app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from ..admin_actions import report_refused_save
from ..exceptions import DomainError
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


class ServiceSavesAdminMixin(_ModelAdmin):
    """For an admin whose saves (``save_model``, ``save_formset``, ``delete_model``) call
    services: a rule a service refuses becomes messages on the same page, never an error
    page. Django runs the add, change and delete views in one transaction, so the refused
    save has left nothing behind."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            report_refused_save(self, request, error)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            report_refused_save(self, request, error)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by services only (financial records, event logs): no add, change
    or delete in the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """The rows of a record written by services, shown on its page: nothing added,
    changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventValueColumns:
    """An event's from/to values as people read them: a status by its label in the page's
    language ("审核中", not "under_review"), anything else as it was recorded. List
    ``old_display`` / ``new_display`` instead of ``old_value`` / ``new_value`` and name
    the statuses the table's values may hold in ``value_choices``."""

    value_choices: tuple[type[models.TextChoices], ...] = ()

    @admin.display(description=_("from"))
    def old_display(self, event) -> str:
        return self._value_label(event.old_value)

    @admin.display(description=_("to"))
    def new_display(self, event) -> str:
        return self._value_label(event.new_value)

    def _value_label(self, value: str) -> str:
        for choices in self.value_choices:
            if value in choices.values:
                return str(choices(value).label)
        return value or self.get_empty_value_display()  # type: ignore[attr-defined]
