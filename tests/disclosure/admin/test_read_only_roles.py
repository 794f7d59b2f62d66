"""The regulator (and every read-only role) sees every publication, rule and page of the
disclosure admin and can change nothing: no add, no save, no action, no step, no rule
edited; every write path answers 403 (or offers nothing to do)."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure.admin.publication_steps import STEPS
from disclosure.models import Kind, KindRule, Publication, Withdrawal
from disclosure.services import publication_submit
from tests.disclosure.admin.factories import CHANGELIST, change_url, draft, published, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(compliance, compliance2):
    """A draft, one awaiting approval and a published version."""
    waiting = draft(compliance, period="2026Q2", title="待批")
    publication_submit(publication=waiting, actor=compliance)
    return {
        "draft": draft(compliance),
        "pending": waiting,
        "published": published(compliance, compliance2, period="2026Q3", title="已发布"),
    }


@pytest.mark.parametrize("role", ["regulator", "supervisor", "director"])
def test_a_read_only_role_sees_everything_and_gets_no_button(client, make_user, records, role):
    user = make_user(f"ro-{role}", roles=(role,), is_staff=True)
    client.force_login(user)
    listing = client.get(reverse(CHANGELIST))
    assert listing.status_code == 200
    assert len(listing.context["cl"].result_list) == 3
    text = listing.content.decode()
    assert 'name="action"' not in text  # no action at all
    assert reverse("admin:disclosure_publication_add") not in text
    for publication in records.values():
        page = client.get(change_url(publication))
        assert page.status_code == 200
        assert page.context["steps"] == []
        assert not page.context["adminform"].form.fields
        assert 'name="_save"' not in page.content.decode()
    schedule = client.get(reverse("admin:disclosure_schedule"))
    assert schedule.status_code == 200
    assert "Draft it" not in schedule.content.decode()
    rules = client.get(reverse("admin:disclosure_kindrule_changelist"))
    assert rules.status_code == 200


def test_every_write_path_refuses_the_regulator(client, regulator, records):
    client.force_login(regulator)
    before = list(Publication.objects.order_by("pk").values_list("pk", "status", "title"))

    add = reverse("admin:disclosure_publication_add")
    assert client.get(add).status_code == 403
    assert client.post(add, {"kind": Kind.PRODUCT, "title": "x"}).status_code == 403
    for publication in records.values():
        assert client.post(change_url(publication), {"title": "x"}).status_code == 403
        delete = reverse("admin:disclosure_publication_delete", args=[publication.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        for step in STEPS:
            assert client.get(step_url(publication, step)).status_code == 403
            data = {"reason": "r", "note": "n", "title": "t", "format": "pdf",
                    "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}  # fmt: skip
            assert client.post(step_url(publication, step), data).status_code == 403
    for action in ("submit", "publish", "return_to_author", "discard", "correct", "withdraw"):
        response = client.post(
            reverse(CHANGELIST),
            {
                "action": action,
                ACTION_CHECKBOX_NAME: [p.pk for p in records.values()],
                "apply": "yes",
                "reason": "r",
            },
            follow=True,
        )
        # refused before the admin runs: a read-only account posts nothing
        assert response.status_code == 403
    rule = KindRule.objects.get(kind=Kind.SOLVENCY_SUMMARY)
    rule_url = reverse("admin:disclosure_kindrule_change", args=[rule.pk])
    assert client.post(rule_url, {"basis": "quarter", "months_after": 6}).status_code == 403

    after = list(Publication.objects.order_by("pk").values_list("pk", "status", "title"))
    assert after == before
    assert not Withdrawal.objects.exists()
    rule.refresh_from_db()
    assert rule.months_after == 0
    assert (
        not Publication.objects.get(pk=records["draft"].pk).events.exclude(type="drafted").exists()
    )
