"""The society's history is an event table on the one event base (common.events.Event)."""

from __future__ import annotations

import pytest

from mutualsociety.common import services
from mutualsociety.common.events import Event
from mutualsociety.common.exceptions import ImmutableRecord
from mutualsociety.common.models import Society, SocietyEvent

pytestmark = pytest.mark.django_db

LONG = {
    "bank_name": "中国工商银行上海市浦东新区陆家嘴金融贸易区世纪大道支行营业部" * 3,
    "bank_account_name": "同舟相互保险社（上海）会员缴费专用账户" * 5,
    "bank_account_number": "6222 0000 1111 2222 3333",
}


@pytest.fixture
def maker(make_user):
    return make_user("maker", roles=("finance",), is_staff=True)


def test_a_society_event_is_an_event_about_the_society(maker):
    """The events of the society's settings have the base's shape: about the society, by
    a person, typed, and indexed by (society, at)."""
    change = services.society_bank_account_propose(actor=maker, reason="Moved.", **LONG)

    event = SocietyEvent.objects.get()

    assert issubclass(SocietyEvent, Event)
    assert SocietyEvent.subject_field == "society"
    assert event.society == Society.objects.get(pk=1)
    assert (event.type, event.actor, event.field, event.change) == (
        SocietyEvent.Type.BANK_PROPOSED,
        maker,
        "bank_account",
        change,
    )
    assert event.data == {}
    assert ["society", "at"] in [index.fields for index in SocietyEvent._meta.indexes]


def test_a_long_bank_account_is_kept_to_the_columns_length(maker):
    """A bank account on one line is longer than the base's 200 characters: the society's
    columns hold 400, and the value is kept up to them, not cut at 200."""
    change = services.society_bank_account_propose(actor=maker, reason="Moved.", **LONG)

    event = SocietyEvent.objects.get()

    assert len(change.new_account) > 200
    assert event.new_value == change.new_account[:400]


def test_the_society_history_cannot_be_changed_or_deleted(maker):
    """Like every event table: no update, no delete, one by one or in bulk."""
    services.society_bank_account_propose(actor=maker, reason="Moved.", **LONG)
    event = SocietyEvent.objects.get()

    event.reason = "Something else"
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()
    with pytest.raises(ImmutableRecord):
        SocietyEvent.objects.update(reason="x")
    with pytest.raises(ImmutableRecord):
        SocietyEvent.objects.all().delete()
    assert SocietyEvent.objects.get().reason == "Moved."
