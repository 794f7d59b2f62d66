"""Members are told of the publications whose rule says so (``KindRule.members_told``):
listed in the notifications of every member in force, e-mailed only to those who asked
for disclosure e-mails; once per published version."""

import datetime as dt

import pytest
from django.core import mail

from disclosure.models import Kind, KindRule
from disclosure.services import publication_correct, publication_draft, publication_publish
from disclosure.services.members import publication_members_tell
from members.models import Delivery, Notification, Topic
from members.services.notifications import notification_preferences_set
from tests.members.factories import consent_documents_make, member_make, premium_plan_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(db):
    consent_documents_make()
    version = premium_plan_make()
    return member_make(version), member_make(version)


def _event(compliance, compliance2, django_capture_on_commit_callbacks, kind=Kind.MATERIAL_EVENT):
    KindRule.objects.filter(kind=kind).update(needs_approval=False)
    draft = publication_draft(
        actor=compliance,
        kind=kind,
        title="重大事项公告",
        title_en="Material event: change of the chief actuary",
        body="总精算师变更。",
        period="2026-12-01",
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        return publication_publish(publication=draft, actor=compliance)


def test_a_material_event_is_listed_for_every_member_and_emailed_on_request(
    members, compliance, compliance2, django_capture_on_commit_callbacks
):
    quiet, keen = members
    notification_preferences_set(member=keen, choices={Topic.DISCLOSURE: (True, False)})
    mail.outbox.clear()
    published = _event(compliance, compliance2, django_capture_on_commit_callbacks)

    told = Notification.objects.filter(key__startswith=f"disclosure.publication:{published.pk}:")
    assert sorted(told.values_list("member_id", flat=True)) == sorted([quiet.pk, keen.pk])
    assert {row.link for row in told} == {f"/disclosure/publications/{published.pk}/"}
    assert told.get(member=quiet).email_state == Delivery.OFF  # e-mail only on request
    assert told.get(member=keen).email_state == Delivery.SENT
    assert [m.to for m in mail.outbox] == [[keen.email]]
    assert "chief actuary" in mail.outbox[0].subject
    assert publication_members_tell(publication_id=published.pk) == 0  # a replay: nobody

    with django_capture_on_commit_callbacks(execute=True):
        corrected = publication_correct(
            publication=published, actor=compliance, note="错别字", body="总精算师变更（更正）。"
        )
        corrected = publication_publish(publication=corrected, actor=compliance)
    again = Notification.objects.filter(key__startswith=f"disclosure.publication:{corrected.pk}:")
    assert again.count() == 2 and "(corrected)" in again.first().subject


def test_kinds_whose_rule_does_not_say_so_tell_nobody(
    members, compliance, compliance2, django_capture_on_commit_callbacks
):
    assert not KindRule.objects.get(kind=Kind.RELATED_PARTY).members_told
    _event(compliance, compliance2, django_capture_on_commit_callbacks, kind=Kind.RELATED_PARTY)
    assert not Notification.objects.filter(topic=Topic.DISCLOSURE).exists()
