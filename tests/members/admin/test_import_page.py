"""The import page: upload, check, report line by line, import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Member
from tests.members.factories import premium_plan_make, user_with_perms
from tests.members.test_imports import csv_text, row

pytestmark = pytest.mark.django_db

URL = reverse("admin:members_member_import")


@pytest.fixture(autouse=True)
def plan():
    return premium_plan_make(code="life")


def upload(client, rows, *, encoding="utf-8-sig", **options):
    content = csv_text(rows).getvalue().encode(encoding)
    data = {"file": SimpleUploadedFile("members.csv", content, content_type="text/csv")}
    data.update({k: "on" for k, v in options.items() if v is True})
    data.update({k: v for k, v in options.items() if not isinstance(v, bool)})
    return client.post(URL, data)


def test_a_file_with_errors_is_reported_line_by_line_and_nothing_is_imported(staff):
    response = upload(staff, [row("life"), row("life", phone="1"), row("nope")])

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.total, report.valid, report.imported) == (3, 1, 0)
    html = response.content.decode()
    assert "<td>3</td><td>phone</td>" in html
    assert "<td>4</td><td>plan</td>" in html
    assert "nothing was imported" in html
    assert Member.objects.count() == 0


def test_only_the_valid_rows_when_asked(staff, admin_user):
    response = upload(staff, [row("life"), row("life", phone="1"), row("life")], only_valid=True)

    assert response.context["report"].imported == 2
    assert "2 members imported." in response.content.decode()
    assert Member.objects.count() == 2
    assert Member.objects.first().events.get().actor == admin_user


def test_a_dry_run_writes_nothing(staff):
    response = upload(staff, [row("life")], dry_run=True)

    assert response.context["report"].valid == 1
    assert "dry run" in response.content.decode()
    assert Member.objects.count() == 0


def test_the_plan_chosen_on_the_page_serves_rows_without_one(staff):
    response = upload(staff, [row("")], plan="life")
    assert response.context["report"].imported == 1


def test_a_large_upload_is_streamed_from_its_temporary_file(staff, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # every upload goes to a temporary file
    response = upload(staff, [row("life") for _ in range(5)])
    assert response.context["report"].imported == 5


def test_a_file_that_is_not_utf8_is_refused_with_a_reason(staff):
    response = upload(staff, [row("life")], encoding="utf-16")

    report = response.context["report"]
    assert report.imported == 0
    assert "not UTF-8" in report.errors[0][2]


def test_only_staff_who_may_add_members_can_import(client):
    client.force_login(user_with_perms("reader", "members.view_member"))
    assert client.get(URL).status_code == 403
    assert URL not in client.get(reverse("admin:members_member_changelist")).content.decode()
