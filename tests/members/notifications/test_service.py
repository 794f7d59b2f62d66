"""member_notify / member_notify_many: every message is recorded once for the portal,
and e-mailed or texted after the commit as the member chose."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import transaction

from members import tasks
from members.models import (
    Delivery,
    Member,
    Notification,
    NotificationPreference,
    Topic,
    mask_identity_number,
)
from members.providers import ConsoleSmsProvider
from members.services.delivery import notifications_deliver
from members.services.notifications import (
    member_notify,
    member_notify_many,
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
)
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import OutboxTask
from mutualsociety.common.services import outbox_relay
from tests.members.factories import member_make, person_data

pytestmark = pytest.mark.django_db


def notify(member, key="test:1", topic=Topic.CLAIMS, **kwargs) -> Notification:
    return member_notify(
        member=member,
        topic=topic,
        key=key,
        subject=kwargs.pop("subject", "Your claim was paid"),
        body=kwargs.pop("body", "We paid 100.00 CNY."),
        **kwargs,
    )


def test_a_notification_is_recorded_and_emailed_after_the_commit_once(
    member, django_capture_on_commit_callbacks
):
    """Inside the transaction: the row, no e-mail. After the commit: one e-mail. A
    replayed call adds no row and sends nothing more."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        first = notify(member)
        second = notify(member)
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    assert first.pk == second.pk
    assert Notification.objects.filter(key="test:1").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your claim was paid"
    assert mail.outbox[0].to == [member.email]
    first.refresh_from_db()
    assert first.email_state == Delivery.SENT and first.emailed_at is not None
    assert first.read_at is None
    assert tasks.notification_email(first.pk) is False  # a task run twice sends once
    assert len(mail.outbox) == 1


def test_email_turned_off_for_claims_keeps_the_portal_copy_but_sends_no_email(
    member, django_capture_on_commit_callbacks
):
    notification_preferences_set(member=member, choices={Topic.CLAIMS: (False, False)})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(member)

    assert notification.email_state == Delivery.OFF
    assert Notification.objects.filter(member=member, topic=Topic.CLAIMS).count() == 1
    assert mail.outbox == []
    assert not OutboxTask.objects.filter(args=[notification.pk]).exists()


def test_other_topics_keep_their_email_when_claims_is_turned_off(
    member, django_capture_on_commit_callbacks
):
    notification_preferences_set(member=member, choices={Topic.CLAIMS: (False, False)})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(member, topic=Topic.MEETINGS)
    assert len(mail.outbox) == 1


def test_membership_messages_are_always_emailed(member):
    with pytest.raises(InvalidInput) as caught:
        notification_preferences_set(member=member, choices={Topic.MEMBERSHIP: (False, False)})
    assert "membership_email" in caught.value.fields
    assert not NotificationPreference.objects.filter(member=member, topic="membership").exists()


def test_the_console_sms_provider_gets_the_text_when_sms_is_on(
    member, django_capture_on_commit_callbacks, caplog
):
    notification_preferences_set(member=member, choices={Topic.CLAIMS: (True, True)})
    caplog.set_level(logging.INFO, logger="mutualsociety.sms")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(member, subject="Claim C-1 paid")

    notification.refresh_from_db()
    assert notification.sms_state == Delivery.SENT
    assert notification.sms_message_id.startswith("console-")
    (record,) = [r for r in caplog.records if r.name == "mutualsociety.sms"]
    assert "Claim C-1 paid" in record.getMessage()
    # The number masked: no phone number is written to a log (docs/security.md).
    assert mask_identity_number(member.phone) in record.getMessage()
    assert member.phone not in record.getMessage()
    assert tasks.notification_sms(notification.pk) is False  # once
    assert len([r for r in caplog.records if r.name == "mutualsociety.sms"]) == 1


def test_sms_is_off_by_default(member, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(ConsoleSmsProvider, "send", lambda self, phone, text: sent.append(text))
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(member)
    assert notification.sms_state == Delivery.OFF
    assert sent == []


def test_sms_needs_a_mobile_number(member):
    Member.objects.filter(pk=member.pk).update(phone="")
    member.refresh_from_db()
    with pytest.raises(InvalidInput) as caught:
        notification_preferences_set(member=member, choices={Topic.CLAIMS: (True, True)})
    assert "claims_sms" in caught.value.fields


def test_no_email_address_records_the_notification_without_an_email(
    premium, django_capture_on_commit_callbacks
):
    member = member_make(premium, person=person_data(email=""))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(member)
    assert notification.email_state == Delivery.NO_ADDRESS
    assert mail.outbox == []


def test_broker_down_the_notification_is_saved_and_the_email_sent_later(
    member, redis_down, django_capture_on_commit_callbacks
):
    """Redis down: the notification commits, its e-mail waits in the outbox; the relay
    sends it once the broker takes work again (run in-process here)."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(member)

    assert Notification.objects.filter(pk=notification.pk).exists()
    row = OutboxTask.objects.get(key=f"members.notification_email:{notification.pk}")
    assert (row.task, row.args, row.state) == (
        "members.notification_email",
        [notification.pk],
        OutboxTask.State.PENDING,
    )
    assert mail.outbox == []


def test_the_email_kept_during_an_outage_goes_once_when_the_relay_runs(
    member, django_capture_on_commit_callbacks, request
):
    """Recorded while the broker was away (the row pending), handed over by the relay
    (in-process, as with an eager worker): one e-mail, and a second relay sends none."""
    request.getfixturevalue("redis_down")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(member)
    mail.outbox.clear()
    # The broker is back: tasks run in-process again.
    from mutualsociety.celery import app

    app.conf.task_always_eager = True
    outbox_relay()
    outbox_relay()
    assert [m.subject for m in mail.outbox if m.subject == notification.subject] == [
        notification.subject
    ]
    notification.refresh_from_db()
    assert notification.email_state == Delivery.SENT


def test_mark_read_is_idempotent_and_only_for_the_member_themselves(member, premium):
    other = member_make(premium)
    notification = notify(member)

    first = notification_mark_read(member=member, notification_id=notification.pk)
    second = notification_mark_read(member=member, notification_id=notification.pk)
    assert first.read_at is not None
    assert second.read_at == first.read_at
    assert Notification.objects.get(pk=notification.pk).read_at == first.read_at
    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(member=other, notification_id=notification.pk)


def test_mark_all_read_is_one_update(member, django_assert_num_queries):
    for n in range(3):
        notify(member, key=f"test:{n}")
    with django_assert_num_queries(1):
        assert notifications_mark_all_read(member=member) == 4  # and the welcome
    assert notifications_mark_all_read(member=member) == 0


# --- Many members at once ---


def test_notify_many_is_a_constant_number_of_queries(premium, django_assert_num_queries):
    """Two members or six: the same queries (one INSERT ... SELECT, one outbox row)."""
    few = [member_make(premium) for _ in range(2)]
    with django_capture_queries() as small:
        added = member_notify_many(
            members=Member.objects.filter(pk__in=[m.pk for m in few]),
            topic=Topic.MEETINGS,
            key="batch:small",
            subject="Notice of meeting",
            body="Dear member,",
        )
    assert added == 2
    many = [member_make(premium) for _ in range(6)]
    with django_assert_num_queries(len(small)):
        added = member_notify_many(
            members=Member.objects.filter(pk__in=[m.pk for m in many]),
            topic=Topic.MEETINGS,
            key="batch:large",
            subject="Notice of meeting",
            body="Dear member,",
        )
    assert added == 6


def django_capture_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    return CaptureQueriesContext(connection)


def test_notify_many_twice_adds_nothing_and_fills_in_each_name(premium, settings):
    """A replay adds no row; the template's member name and number are each member's
    own; a member who turned meetings e-mail off is not e-mailed; the batch's e-mails
    go once."""
    members = [member_make(premium) for _ in range(3)]
    quiet = members[2]
    notification_preferences_set(member=quiet, choices={Topic.MEETINGS: (False, False)})
    everyone = Member.objects.filter(pk__in=[m.pk for m in members])
    mail.outbox.clear()

    kwargs = {
        "members": everyone,
        "topic": Topic.MEETINGS,
        "key": "governance.notice:test",
        "template": "members/email/welcome",
        "context": {"society": None},
    }
    assert member_notify_many(**kwargs) == 3
    assert member_notify_many(**kwargs) == 0
    rows = {n.member_id: n for n in Notification.objects.filter(batch="governance.notice:test")}
    assert len(rows) == 3
    for m in members:
        m.refresh_from_db()
        assert f"Dear {m.legal_name}," in rows[m.pk].body
        assert m.member_number in rows[m.pk].body
        assert rows[m.pk].key == f"governance.notice:test:{m.pk}"
    assert rows[quiet.pk].email_state == Delivery.OFF

    assert notifications_deliver(batch="governance.notice:test") == 2
    assert notifications_deliver(batch="governance.notice:test") == 0
    assert sorted(message.to[0] for message in mail.outbox) == sorted(m.email for m in members[:2])


def test_notify_many_in_a_range_of_ids_tells_only_the_members_in_it(premium):
    """``ids=(lo, hi)``, one chunk of a batch run: of the members given, only those with
    ``lo < id <= hi`` are told; the other chunks tell the rest, nobody twice."""
    members = [member_make(premium) for _ in range(4)]
    ids = [m.pk for m in members]
    everyone = Member.objects.filter(pk__in=ids)
    kwargs = {"members": everyone, "topic": Topic.MEETINGS, "key": "batch:ranged",
              "subject": "Notice of meeting", "body": "Dear member,", "queue": False}  # fmt: skip
    assert member_notify_many(**kwargs, ids=(ids[0], ids[2])) == 2
    told = Notification.objects.filter(batch="batch:ranged")
    assert sorted(told.values_list("member_id", flat=True)) == ids[1:3]
    assert member_notify_many(**kwargs, ids=(0, ids[3])) == 2
    assert sorted(told.values_list("member_id", flat=True)) == ids


def test_the_same_key_for_another_member_is_a_conflict(member, premium):
    from mutualsociety.common.exceptions import IdempotencyConflict

    other = member_make(premium)
    notify(member, key="claims.paid:1")
    with pytest.raises(IdempotencyConflict):
        notify(other, key="claims.paid:1")
    assert Notification.objects.filter(key="claims.paid:1").get().member_id == member.pk
