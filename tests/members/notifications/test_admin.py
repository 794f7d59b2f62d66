"""Staff see the notifications read-only: searched by member number, filtered by topic."""

from __future__ import annotations

import pytest

from members.models import Notification, Topic
from members.services.notifications import member_notify
from tests.members.factories import member_make

pytestmark = pytest.mark.django_db

URL = "/admin/members/notification/"


def test_the_list_searches_by_member_number_and_filters_by_topic(admin_client, member, premium):
    other = member_make(premium)
    member_notify(member=member, topic=Topic.CLAIMS, key="a", subject="Paid A", body="")
    member_notify(member=other, topic=Topic.CLAIMS, key="b", subject="Paid B", body="")

    found = admin_client.get(URL, {"q": member.member_number.lower()})
    assert found.status_code == 200
    assert [n.subject for n in found.context["cl"].result_list if n.topic == "claims"] == ["Paid A"]
    by_topic = admin_client.get(URL, {"topic__exact": "membership"})
    assert {n.topic for n in by_topic.context["cl"].result_list} == {"membership"}


def test_nothing_can_be_added_changed_or_deleted(admin_client, member):
    notification = member_notify(member=member, topic=Topic.CLAIMS, key="a", subject="Paid")
    assert admin_client.get(URL + "add/").status_code == 403
    page = admin_client.get(f"{URL}{notification.pk}/change/")
    assert page.status_code == 200
    assert admin_client.post(f"{URL}{notification.pk}/change/", {"subject": "x"}).status_code == 403
    assert admin_client.post(f"{URL}{notification.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Notification.objects.get(pk=notification.pk).subject == "Paid"
