"""Every message the platform sends a member goes through the notification centre: a
welcome, a claim paid and a convening notice each make one notification and one e-mail,
however often the service behind them runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from claims.models import ClaimEvent
from claims.services.handling import claim_info_request, claim_reject, claim_review_start
from claims.services.messages import claim_decision_notify
from claims.services.payment import claim_notify_member_paid, claim_paid_notify, claim_pay
from governance.models import ConveningNotice
from governance.services.meetings import meeting_convene
from governance.services.notices import meeting_send_notices
from members.models import Delivery, Notification, Topic
from members.services.notices import member_send_welcome, member_welcome
from members.services.notifications import notification_preferences_set
from tests.claims.factories import claim_approved, claim_assessed, claim_make, covered_member
from tests.governance.factories import meeting_make, members_make
from tests.members.factories import enrol

pytestmark = pytest.mark.django_db


def test_a_welcome_makes_one_notification_and_one_email(
    premium, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member = enrol(premium).member
        member_welcome(member=member)  # called again: nothing new
    assert member_send_welcome(member_id=member.pk) is False

    (welcome,) = Notification.objects.filter(member=member)
    assert welcome.topic == Topic.MEMBERSHIP
    assert welcome.key == f"members.welcome:{member.pk}"
    assert member.member_number in welcome.body
    assert welcome.email_state == Delivery.SENT
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert mail.outbox[0].body == welcome.body


def test_a_claim_paid_makes_one_notification_and_one_email(
    premium, handler, approver, chart_of_accounts
):
    """The test commits for real: the e-mail goes after the payment's commit."""
    claim = claim_approved(covered_member(premium), handler, approver, amount="1000.00")
    mail.outbox.clear()

    claim_pay(claim=claim, actor=handler)
    claim_pay(claim=claim, actor=handler)
    claim.refresh_from_db()
    claim_paid_notify(claim)
    assert claim_notify_member_paid(claim_id=claim.pk) is False  # the old task: nothing

    (paid,) = Notification.objects.filter(member=claim.member, key__startswith="claims.paid:")
    assert paid.key == f"claims.paid:{claim.pk}"
    assert paid.link == f"/claims/{claim.pk}/"
    assert claim.number in paid.subject and "1,000.00" in paid.body
    paid_mail = [m for m in mail.outbox if claim.number in m.subject]
    assert len(paid_mail) == 1 and paid_mail[0].to == [claim.member.email]


def test_claims_email_off_the_payment_is_in_the_portal_only(
    premium, handler, approver, chart_of_accounts
):
    claim = claim_approved(covered_member(premium), handler, approver, amount="1000.00")
    notification_preferences_set(member=claim.member, choices={Topic.CLAIMS: (False, False)})
    mail.outbox.clear()

    claim_pay(claim=claim, actor=handler)

    paid = Notification.objects.get(key=f"claims.paid:{claim.pk}")
    assert paid.email_state == Delivery.OFF and paid.read_at is None
    assert [m for m in mail.outbox if claim.number in m.subject] == []


def test_a_convening_notice_makes_one_notification_and_one_email_per_voter(articles):
    voters = members_make(2)
    meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=21)))
    mail.outbox.clear()

    assert meeting_send_notices(meeting_id=meeting.pk) == 2
    assert meeting_send_notices(meeting_id=meeting.pk) == 0

    rows = Notification.objects.filter(
        topic=Topic.MEETINGS, batch=f"governance.notice:{meeting.pk}"
    )
    assert sorted(rows.values_list("member_id", flat=True)) == sorted(v.pk for v in voters)
    for row in rows:
        assert row.email_state == Delivery.SENT
        assert meeting.title in row.subject
        assert f"Dear {row.member.legal_name}," in row.body
        assert row.link == f"/assembly/{meeting.pk}/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(v.email for v in voters)
    assert ConveningNotice.objects.filter(meeting=meeting, sent_at__isnull=False).count() == 2


def test_a_voter_with_meetings_email_off_gets_the_notice_in_the_portal_only(articles):
    loud, quiet = members_make(2)
    notification_preferences_set(member=quiet, choices={Topic.MEETINGS: (False, False)})
    meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=21)))
    mail.outbox.clear()

    assert meeting_send_notices(meeting_id=meeting.pk) == 2  # both given notice

    assert [m.to[0] for m in mail.outbox] == [loud.email]
    assert Notification.objects.get(member=quiet, topic=Topic.MEETINGS).email_state == "off"


def test_each_decision_on_a_claim_is_one_notification_keyed_by_its_event(
    premium, handler, approver, chart_of_accounts, django_capture_on_commit_callbacks
):
    """Approved, rejected and "information needed" each tell the member once, with what
    they are owed (the amount, the reasons, the last day to appeal); a replay adds nothing."""
    member = covered_member(premium)
    with django_capture_on_commit_callbacks(execute=True):
        approved = claim_approved(member, handler, approver, amount="1200.00")
    (told,) = Notification.objects.filter(key__startswith=f"claims.approved:{approved.pk}:")
    event = approved.events.get(type=ClaimEvent.Type.APPROVED)
    assert told.key == f"claims.approved:{approved.pk}:{event.pk}"
    assert (told.topic, told.link) == (Topic.CLAIMS, f"/claims/{approved.pk}/")
    assert approved.number in told.subject and "1,200.00" in told.body
    assert claim_decision_notify(approved, event) == told  # replayed: the same row
    assert [m.subject for m in mail.outbox if approved.number in m.subject] == [told.subject]

    rejected = claim_assessed(member, handler, amount="300.00")
    claim_reject(claim=rejected, actor=approver, reasons="The stay began before the cover.")
    rejected.refresh_from_db()
    (no,) = Notification.objects.filter(key__startswith=f"claims.rejected:{rejected.pk}:")
    assert "The stay began before the cover." in no.body
    assert rejected.appeal_until.strftime("%Y") in no.body and "appeal" in no.body

    asked = claim_make(member)
    claim_review_start(claim=asked, actor=handler)
    claim_info_request(claim=asked, actor=handler, reason="Send the discharge summary.")
    (info,) = Notification.objects.filter(key__startswith=f"claims.info_requested:{asked.pk}:")
    assert "Send the discharge summary." in info.body and asked.number in info.subject


def test_a_member_with_claims_email_off_finds_the_decision_in_the_portal_only(
    premium, handler, approver, chart_of_accounts, django_capture_on_commit_callbacks
):
    member = covered_member(premium)
    notification_preferences_set(member=member, choices={Topic.CLAIMS: (False, False)})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_approved(member, handler, approver, amount="800.00")
    told = Notification.objects.get(key__startswith=f"claims.approved:{claim.pk}:")
    assert told.email_state == Delivery.OFF
    assert [m for m in mail.outbox if claim.number in m.subject] == []
