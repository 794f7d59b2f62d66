"""Admin actions that call services: one way to report a refused rule, to run a service
for each selected row, and to ask for input (a reason) on an intermediate page first.

Every admin action in the project goes through these, so that a ``DomainError`` reads the
same everywhere ("<row>: <message>", as an error message; nothing changed for that row)
and an action never answers an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .exceptions import DomainError

#: The selected objects listed on the page; the rest are counted.
LISTED = 50


def action_form_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    title: str,
    form: Form,
) -> TemplateResponse:
    """The page that shows ``form`` for the selected objects and posts the same action and
    selection back with ``apply``; Django's changelist then runs the action again."""
    objects = list(queryset[: LISTED + 1])
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "objects": objects[:LISTED],
        "more": max(queryset.count() - LISTED, 0) if len(objects) > LISTED else 0,
        "action": request.POST.get("action", ""),
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/action_form.html", context)


def report_domain_error(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    error: DomainError,
    obj: Model | str | None = None,
) -> None:
    """Show a refused rule as an error message, naming the row it is about."""
    message = (
        gettext("%(object)s: %(message)s") % {"object": obj, "message": error.message}
        if obj is not None
        else error.message
    )
    modeladmin.message_user(request, message, messages.ERROR)


def report_refused_save(
    modeladmin: admin.ModelAdmin, request: HttpRequest, error: DomainError
) -> None:
    """Show why a save was refused: the error's message, then each field's message that
    says more (a form's fields are not on the page the person is sent back to)."""
    report_domain_error(modeladmin, request, error)
    for field_messages in error.fields.values():
        for message in field_messages:
            if message != error.message:
                modeladmin.message_user(request, message, messages.ERROR)


def call_service(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    service: Callable[..., Any],
    *,
    obj: Model | str | None = None,
    **kwargs: Any,
) -> Any | None:
    """Call ``service(**kwargs)``; on a ``DomainError`` report it (naming ``obj``) and
    return ``None``."""
    try:
        return service(**kwargs)
    except DomainError as error:
        report_domain_error(modeladmin, request, error, obj)
        return None


def for_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet | list,
    call: Callable[[Any], Any],
    *,
    done: Callable[[int], str] | None = None,
    label: Callable[[Any], Any] = str,
) -> int:
    """Run ``call(obj)`` for each selected row, each on its own: a row the service
    refuses is reported by name and the others go on. ``done(n)`` is the success message
    for the rows that went through. Returns how many did."""
    count = 0
    for obj in queryset:
        try:
            call(obj)
        except DomainError as error:
            report_domain_error(modeladmin, request, error, label(obj))
        else:
            count += 1
    if count and done is not None:
        modeladmin.message_user(request, done(count), messages.SUCCESS)
    return count


class ReasonForm(forms.Form):
    """The usual input of an action that records a decision: why."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Recorded with the decision in the history."),
    )


def action_with_form(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    title: str,
    call: Callable[[Any, dict[str, Any]], Any],
    done: Callable[[int], str],
    form_class: type[Form] = ReasonForm,
    label: Callable[[Any], Any] = str,
) -> TemplateResponse | None:
    """Ask for input on an intermediate page, then call ``call(obj, cleaned_data)`` for
    each selected row (``for_each``).

    The page posts the same action and selection back (with ``apply``); Django's
    changelist runs the action again with the input this time. Rows ticked but no longer
    shown by the list's filter (a colleague decided them meanwhile) are still passed, so
    the service says why it refuses them instead of their being skipped without a word.
    """
    if request.POST.get("select_across") != "1" and request.POST.getlist(ACTION_CHECKBOX_NAME):
        queryset = modeladmin.get_queryset(request).filter(
            pk__in=request.POST.getlist(ACTION_CHECKBOX_NAME)
        )
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            for_each(
                modeladmin,
                request,
                queryset,
                lambda obj: call(obj, form.cleaned_data),
                done=done,
                label=label,
            )
            return None
    else:
        form = form_class()
    return action_form_page(modeladmin, request, queryset, title=title, form=form)
