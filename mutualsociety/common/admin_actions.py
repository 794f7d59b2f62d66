"""The intermediate page of an admin action that asks for input before calling a service."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest
from django.template.response import TemplateResponse

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
