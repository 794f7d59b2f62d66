"""What every governance admin stands on: saves through services, refusals as messages,
read-only logs."""

from __future__ import annotations

from django.contrib import admin

from mutualsociety.common.admin.mixins import ReadOnlyAdmin, ServiceSavesAdminMixin


class ServiceAdmin(ServiceSavesAdminMixin, admin.ModelAdmin):
    """Saves go through services; a rule they refuse becomes a message, not an error page
    (the admin's transaction is rolled back, nothing is recorded)."""


def saved_through_services(formset, *, add, update, remove=None) -> None:
    """Save an inline formset row by row through services instead of ``formset.save()``:
    ``add(cleaned_data)`` for a new row, ``update(instance, cleaned_data)`` for a changed
    one, ``remove(instance)`` for a deleted one. Sets what the admin's change message
    reads (``new_objects``, ``changed_objects``, ``deleted_objects``)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    deleted = list(formset.deleted_forms)
    for row in deleted:
        if row.instance.pk is not None and remove is not None:
            remove(row.instance)
            formset.deleted_objects.append(row.instance)
    for row in formset.forms:
        if row in deleted or not row.has_changed():
            continue
        if row.instance.pk is None:
            formset.new_objects.append(add(row.cleaned_data))
        else:
            formset.changed_objects.append(
                (update(row.instance, row.cleaned_data), row.changed_data)
            )


__all__ = ["ReadOnlyAdmin", "ServiceAdmin", "saved_through_services"]
