"""members.events: the membership's history, over the common event base."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from members.events import member_event
from members.models import MemberEvent
from members.services import lifecycle
from mutualsociety.common.exceptions import ImmutableRecord
from tests.members.factories import member_make, premium_plan_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return member_make(premium_plan_make())


def test_the_writer_records_who_what_and_why(member):
    """An anonymous actor is the system; values longer than a column are cut, not
    refused; the type is one of the typed choices."""
    event = member_event(
        member=member,
        type=MemberEvent.Type.PROFILE,
        actor=AnonymousUser(),
        old="x" * 250,
        new="13900000000",
        reason="Moved.",
        data={"field": "phone"},
    )

    event.refresh_from_db()
    assert event.actor is None
    assert event.old_value == "x" * 200
    assert (event.type, event.new_value, event.reason) == ("profile", "13900000000", "Moved.")
    assert event.data == {"field": "phone"}
    assert member.events.latest() == event


def test_the_history_cannot_be_changed_or_deleted(member):
    event = member.events.latest()

    event.reason = "Rewritten."
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        MemberEvent.objects.filter(member=member).update(reason="Rewritten.")
    with pytest.raises(ImmutableRecord):
        MemberEvent.objects.filter(member=member).delete()
    with pytest.raises(ImmutableRecord):
        event.delete()

    assert not MemberEvent.objects.filter(reason="Rewritten.").exists()


def test_the_old_import_path_is_the_same_writer():
    """Callers that imported member_event from the lifecycle services (the demo data)
    keep working."""
    assert lifecycle.member_event is member_event
