"""Seats held by staff's hand: appointed, changed and ended through services, each with
an event; the past is not rewritten; elected seats keep the election's term."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance.models import Body, Mandate, MandateEvent
from governance.services.mandates import mandate_add, mandate_end, mandate_update
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from tests.governance.factories import body_get, members_make

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)
D = dt.date


def _board(seats: int = 2) -> Body:
    board = body_get(Body.Kind.BOARD)
    board.seats = seats
    board.save()
    return board


def _history(mandate):
    return list(
        MandateEvent.objects.filter(mandate=mandate)
        .order_by("id")
        .values_list("type", "old_value", "new_value", "reason")
    )


def test_a_seat_is_taken_with_an_event(articles, secretary):
    (member,) = members_make(1)
    mandate = mandate_add(body=_board(), member=member, role=Mandate.Role.CHAIR,
                          starts_on=D(2026, 1, 1), ends_on=D(2030, 1, 1), actor=secretary,
                          reason="Appointed by the founders")  # fmt: skip
    assert (mandate.role, mandate.starts_on, mandate.ends_on) == ("chair", D(2026, 1, 1),
                                                                  D(2030, 1, 1))  # fmt: skip
    event = MandateEvent.objects.get(mandate=mandate)
    assert (event.type, event.new_value, event.actor, event.reason) == (
        "added", "2026-01-01/2030-01-01", secretary, "Appointed by the founders")  # fmt: skip
    assert event.data == {"member": member.member_number, "role": "chair", "region": ""}


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("general assembly", "body"),
        ("term backwards", "ends_on"),
        ("seat twice", "member"),
        ("seats full", "starts_on"),
        ("inactive member", "member"),
        ("unknown role", "role"),
        ("unknown region", "region"),
    ],
)
def test_a_seat_breaking_a_rule_is_refused_naming_the_field(articles, case, field):
    from members.models import Member

    first, second, third = members_make(3)
    board = _board(seats=2)
    mandate_add(body=board, member=first, starts_on=D(2026, 1, 1), ends_on=D(2030, 1, 1))
    mandate_add(body=board, member=second, starts_on=D(2026, 1, 1), ends_on=D(2030, 1, 1))
    kwargs = {"body": board, "member": third, "starts_on": D(2030, 1, 1),
              "ends_on": D(2034, 1, 1)}  # fmt: skip
    if case == "general assembly":
        kwargs["body"] = body_get(Body.Kind.GENERAL_ASSEMBLY)
    elif case == "term backwards":
        kwargs["ends_on"] = D(2029, 1, 1)
    elif case == "seat twice":
        kwargs.update(member=first, starts_on=D(2029, 1, 1))
    elif case == "seats full":
        kwargs["starts_on"] = D(2027, 1, 1)
    elif case == "inactive member":
        Member.objects.filter(pk=third.pk).update(status=Member.Status.SUSPENDED)
    elif case == "unknown role":
        kwargs["role"] = "emperor"
    elif case == "unknown region":
        kwargs["region"] = "XX"
    before = Mandate.objects.count()
    with pytest.raises((InvalidInput, NotAllowed)) as refused:
        mandate_add(**kwargs)
    assert field in refused.value.fields, refused.value.fields
    assert Mandate.objects.count() == before
    assert MandateEvent.objects.count() == before


def test_a_seat_is_changed_with_the_term_before_and_after(articles, secretary):
    (member,) = members_make(1)
    mandate = mandate_add(body=_board(), member=member, starts_on=D(2026, 1, 1),
                          ends_on=D(2030, 1, 1))  # fmt: skip
    mandate = mandate_update(mandate=mandate, role=Mandate.Role.SECRETARY, region="",
                             starts_on=D(2026, 1, 1), ends_on=D(2029, 7, 1), actor=secretary,
                             reason="Term aligned", today=TODAY)  # fmt: skip
    assert (mandate.role, mandate.ends_on) == ("secretary", D(2029, 7, 1))
    assert _history(mandate)[-1] == ("changed", "2026-01-01/2030-01-01",
                                     "2026-01-01/2029-07-01", "Term aligned")  # fmt: skip
    event = MandateEvent.objects.filter(mandate=mandate).latest()
    assert event.data == {"changed": {"role": ["member", "secretary"],
                                      "ends_on": ["2030-01-01", "2029-07-01"]}}  # fmt: skip
    # The same change again records nothing.
    mandate_update(mandate=mandate, role="secretary", region="", starts_on=D(2026, 1, 1),
                   ends_on=D(2029, 7, 1), today=TODAY)  # fmt: skip
    assert len(_history(mandate)) == 2


def test_the_past_of_a_seat_is_not_rewritten(articles):
    first, second = members_make(2)
    board = _board()
    ended = mandate_add(body=board, member=first, starts_on=D(2020, 1, 1), ends_on=D(2024, 1, 1))
    running = mandate_add(body=board, member=second, starts_on=D(2026, 1, 1),
                          ends_on=D(2030, 1, 1))  # fmt: skip
    with pytest.raises(NotAllowed, match="history"):
        mandate_update(mandate=ended, role="chair", region="", starts_on=D(2020, 1, 1),
                       ends_on=D(2024, 1, 1), today=TODAY)  # fmt: skip
    with pytest.raises(NotAllowed) as refused:  # a running term keeps its first day
        mandate_update(mandate=running, role="member", region="", starts_on=D(2026, 3, 1),
                       ends_on=D(2030, 1, 1), today=TODAY)  # fmt: skip
    assert "starts_on" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:  # shortened to today: that is an end
        mandate_update(mandate=running, role="member", region="", starts_on=D(2026, 1, 1),
                       ends_on=TODAY, today=TODAY)  # fmt: skip
    assert "ends_on" in refused.value.fields
    with pytest.raises(NotAllowed):
        mandate_end(mandate=running, reason="Resigned", on=TODAY - dt.timedelta(days=1),
                    today=TODAY)  # fmt: skip
    assert Mandate.objects.get(pk=running.pk).ends_on == D(2030, 1, 1)
    assert len(_history(running)) == 1


def test_a_seat_ends_early_with_the_reason(articles, secretary):
    (member,) = members_make(1)
    mandate = mandate_add(body=_board(), member=member, starts_on=D(2026, 1, 1),
                          ends_on=D(2030, 1, 1))  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        mandate_end(mandate=mandate, reason=" ", today=TODAY)
    assert "reason" in refused.value.fields
    mandate = mandate_end(mandate=mandate, reason="Resigned", actor=secretary, today=TODAY)
    assert mandate.ends_on == TODAY
    assert not mandate.is_sitting(TODAY) and mandate.is_sitting(TODAY - dt.timedelta(days=1))
    assert _history(mandate)[-1] == ("ended", "2026-01-01/2030-01-01", "2026-01-01/2026-06-01",
                                     "Resigned")  # fmt: skip
    with pytest.raises(InvalidInput, match="already ends"):
        mandate_end(mandate=mandate, reason="Again", today=TODAY)


def test_an_elected_seat_keeps_the_elections_term_but_can_end(articles):
    from governance.models import Matter, Meeting
    from governance.services.elections import candidate_nominate, candidate_second
    from governance.services.meetings import meeting_declare_results, motion_add
    from governance.services.voting import ballot_cast
    from tests.governance.factories import meeting_closed, meeting_make

    candidate, nominator, seconder = members_make(3)
    supervisors = body_get(Body.Kind.SUPERVISORY_BOARD)
    meeting = meeting_make(motions=())
    election = motion_add(meeting=meeting, title="Supervisors", text="", matter=Matter.ELECTION,
                          seats=1, elects_to=supervisors)  # fmt: skip
    standing = candidate_nominate(motion=election, member=candidate, nominated_by=nominator)
    candidate_second(candidate=standing, member=seconder)
    meeting = meeting_voting_from(meeting)
    ballot_cast(motion=election, voter=nominator, candidates=[standing.pk])
    meeting_declare_results(meeting=meeting_closed(Meeting.objects.get(pk=meeting.pk)))
    mandate = Mandate.objects.get(body=supervisors, member=candidate)
    ((kind, old, new, _reason),) = _history(mandate)
    assert (kind, old, new) == ("elected", "", f"{mandate.starts_on}/{mandate.ends_on}")
    today = mandate.starts_on + dt.timedelta(days=10)
    with pytest.raises(NotAllowed, match="election"):
        mandate_update(mandate=mandate, role=mandate.role, region=mandate.region,
                       starts_on=mandate.starts_on, ends_on=mandate.ends_on + dt.timedelta(days=1),
                       today=today)  # fmt: skip
    mandate = mandate_end(mandate=mandate, reason="Moved abroad", today=today)
    assert mandate.ends_on == today


def meeting_voting_from(meeting):
    """Open the vote of a drafted meeting (convened 25 days ago, open since an hour)."""
    from governance.models import Meeting
    from governance.services.meetings import meeting_convene, meeting_open_voting

    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        voting_opens_at=now - dt.timedelta(hours=1), voting_closes_at=now + dt.timedelta(days=1)
    )
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    return meeting_open_voting(meeting=meeting, at=now)
