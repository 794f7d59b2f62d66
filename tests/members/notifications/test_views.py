"""The notification centre in the portal: the member's own notifications only, newest
first, unread marked, read on opening (POST), all read at once, the badge, the settings."""

from __future__ import annotations

import pytest

from members.models import Member, Notification, NotificationPreference, Topic
from members.services.notifications import member_notify
from tests.members.factories import member_make

pytestmark = pytest.mark.django_db

LIST = "/me/notifications/"
PREFERENCES = "/me/notifications/preferences/"


def notify(member, key, subject="Your claim C-1 was paid", topic=Topic.CLAIMS):
    return member_notify(member=member, topic=topic, key=key, subject=subject, body="Body text.")


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


def test_the_list_shows_only_the_members_own_newest_first(member_client, member, premium):
    other = member_make(premium)
    notify(other, "other:1", subject="Someone else's secret")
    notify(member, "mine:1", subject="First message")
    notify(member, "mine:2", subject="Second message")

    response = member_client.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else&#x27;s secret" not in html and "Someone else's secret" not in html
    assert html.index("Second message") < html.index("First message")
    assert "Unread" in html
    subjects = [n.subject for n in response.context["notifications"]]
    assert subjects[:2] == ["Second message", "First message"]
    assert all(n.member_id == member.pk for n in response.context["notifications"])


def test_opening_marks_read_once_and_shows_it(member_client, member):
    notification = notify(member, "mine:1")
    url = f"/me/notifications/{notification.pk}/"

    response = member_client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    first = Notification.objects.get(pk=notification.pk).read_at
    assert first is not None
    assert member_client.post(url).status_code == 302
    assert Notification.objects.get(pk=notification.pk).read_at == first

    page = member_client.get(url)
    assert page.status_code == 200
    assert "Body text." in page.content.decode()
    assert ">Go to the page</a>" not in page.content.decode()  # no link given


def test_another_members_notification_is_404(member_client, premium):
    other = member_make(premium)
    theirs = notify(other, "other:1")

    assert member_client.get(f"/me/notifications/{theirs.pk}/").status_code == 404
    assert member_client.post(f"/me/notifications/{theirs.pk}/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_marking_read_needs_the_csrf_token(member, client):
    from django.test import Client

    notification = notify(member, "mine:1")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member.user)
    assert strict.post(f"/me/notifications/{notification.pk}/").status_code == 403
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read_and_the_badge(member_client, member):
    notify(member, "mine:1")
    notify(member, "mine:2")
    unread = Notification.objects.filter(member=member, read_at__isnull=True).count()
    assert unread == 3  # and the welcome

    page = member_client.get("/me/").content.decode()
    assert f'<span class="visually-hidden">unread: </span>{unread}</span>' in page

    response = member_client.post("/me/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(member=member, read_at__isnull=True).exists()
    assert "unread: " not in member_client.get("/me/").content.decode()
    assert member_client.get("/me/notifications/read-all/").status_code == 405


def test_the_badge_is_one_query(member, django_assert_num_queries):
    from members.selectors import unread_notification_count

    user = member.user
    with django_assert_num_queries(1):
        assert unread_notification_count(user) == 1  # the welcome


def test_pages_beyond_the_end_show_the_last_page(member_client, member):
    for n in range(25):
        notify(member, f"mine:{n}", subject=f"Message {n}")
    assert member_client.get(LIST + "?page=2").status_code == 200
    assert member_client.get(LIST + "?page=99").context["page"].number == 2
    assert member_client.get(LIST + "?page=abc").context["page"].number == 1


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Settings ---


def test_preferences_are_saved_per_topic(member_client, member):
    page = member_client.get(PREFERENCES)
    assert page.status_code == 200
    assert 'name="claims_sms"' in page.content.decode()

    response = member_client.post(
        PREFERENCES, {"meetings_email": "on", "claims_sms": "on", "disclosure_email": "on"}
    )

    assert response.status_code == 302
    saved = {
        p.topic: (p.email, p.sms) for p in NotificationPreference.objects.filter(member=member)
    }
    assert saved[Topic.MEETINGS] == (True, False)
    assert saved[Topic.CLAIMS] == (False, True)
    assert saved[Topic.APPORTIONMENT] == (False, False)
    assert saved[Topic.MEMBERSHIP] == (True, False)  # always e-mailed, whatever was sent


def test_no_sms_choice_without_a_mobile_number(member_client, member):
    Member.objects.filter(pk=member.pk).update(phone="")
    page = member_client.get(PREFERENCES).content.decode()
    assert 'name="claims_sms"' not in page
    assert "add a mobile phone number" in page

    member_client.post(PREFERENCES, {"claims_email": "on", "claims_sms": "on"})
    assert NotificationPreference.objects.get(member=member, topic="claims").sms is False


def test_an_id_out_of_range_is_404_not_500(member_client):
    huge = 10**30
    assert member_client.get(f"/me/notifications/{huge}/").status_code == 404
    assert member_client.post(f"/me/notifications/{huge}/").status_code == 404
