"""ServiceSavesAdminMixin: the one way an admin whose saves call services answers a
refusal (members' contact details, the society's settings, every governance page)."""

from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory

from mutualsociety.common.admin.mixins import ServiceSavesAdminMixin
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import Society


class Refusing(admin.ModelAdmin):
    """Stands for Django's views: the save inside them raises what a service refused."""

    error = InvalidInput(
        "Check the contact details.", fields={"phone": ["Enter an 11-digit mobile number."]}
    )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        raise self.error

    def delete_view(self, request, object_id, extra_context=None):
        raise self.error


class Admin(ServiceSavesAdminMixin, Refusing):
    def message_user(self, request, message, level=None, *args, **kwargs):
        request.shown.append((level, message))


def _request(path: str):
    request = RequestFactory().post(path)
    request.shown = []
    return request


def test_a_refused_save_comes_back_to_the_page_with_every_message():
    model_admin = Admin(Society, admin.site)
    request = _request("/admin/common/society/1/change/")

    response = model_admin.changeform_view(request, "1")

    assert (response.status_code, response["Location"]) == (302, request.get_full_path())
    assert [message for _level, message in request.shown] == [
        "Check the contact details.",
        "Enter an 11-digit mobile number.",
    ]


def test_a_refused_delete_is_a_message_too_not_an_error_page():
    model_admin = Admin(Society, admin.site)
    request = _request("/admin/common/society/1/delete/")

    response = model_admin.delete_view(request, "1")

    assert response.status_code == 302
    assert [message for _level, message in request.shown] == [
        "Check the contact details.",
        "Enter an 11-digit mobile number.",
    ]
