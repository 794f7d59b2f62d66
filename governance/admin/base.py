"""What every governance admin stands on: saves through services, refusals as messages,
read-only logs."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import redirect

from mutualsociety.common.admin_actions import call_service


class ServiceAdmin(admin.ModelAdmin):
    """Saves go through services; a rule they refuse becomes a message, not an error page
    (the admin's transaction is rolled back, nothing is recorded)."""

    def _guarded(self, request, view, *args, **kwargs):
        response = call_service(self, request, lambda: view(request, *args, **kwargs))
        return redirect(request.get_full_path()) if response is None else response

    def add_view(self, request, form_url="", extra_context=None):
        return self._guarded(request, super().add_view, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._guarded(request, super().change_view, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._guarded(request, super().delete_view, object_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
