"""Elections: nominations, seconders, term limits, constituencies, plurality, the draw,
mandates with staggered terms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance.calculations import draw_key
from governance.models import Body, Candidate, Mandate, Matter, MeetingEvent
from governance.services.elections import (
    candidate_nominate,
    candidate_second,
    constituency_seats,
    representative_elections_add,
)
from governance.services.meetings import meeting_declare_results, motion_add
from governance.services.voting import ballot_cast
from mutualsociety.common.exceptions import InvalidInput
from tests.governance.factories import (
    articles_make,
    body_get,
    meeting_closed,
    meeting_make,
    members_backdate,
    members_make,
)

pytestmark = pytest.mark.django_db


def _election(seats=2):
    meeting = meeting_make(motions=())
    board = body_get(Body.Kind.BOARD)
    motion = motion_add(meeting=meeting, title="董事选举", text="", matter=Matter.ELECTION,
                        seats=seats, elects_to=board)  # fmt: skip
    return meeting, motion, board


def test_nomination_needs_a_seconder_to_stand(articles):
    a, b, c = members_make(3)
    _meeting, motion, _board = _election()
    candidate = candidate_nominate(motion=motion, member=a, nominated_by=b, statement="我愿服务")
    assert candidate.status == Candidate.Status.NOMINATED
    with pytest.raises(InvalidInput):
        candidate_second(candidate=candidate, member=b)  # the nominator
    candidate = candidate_second(candidate=candidate, member=c)
    assert candidate.status == Candidate.Status.STANDING


def test_term_limit_refuses_a_third_consecutive_term(articles):
    a, b = members_make(2)
    _meeting, motion, board = _election()
    today = timezone.localdate()
    Mandate.objects.create(body=board, member=a, starts_on=today - dt.timedelta(days=8 * 365),
                           ends_on=today - dt.timedelta(days=4 * 365))  # fmt: skip
    Mandate.objects.create(body=board, member=a, starts_on=today - dt.timedelta(days=4 * 365),
                           ends_on=today + dt.timedelta(days=60))  # fmt: skip
    with pytest.raises(InvalidInput, match="consecutive terms"):
        candidate_nominate(motion=motion, member=a, nominated_by=b)
    assert not Candidate.objects.exists()


def test_plurality_with_up_to_n_marks_and_a_recorded_draw(articles):
    voters = members_make(6)
    meeting = meeting_make(motions=(), opens_in=dt.timedelta(hours=-1),
                           length=dt.timedelta(days=1, hours=1))  # fmt: skip
    board = body_get(Body.Kind.BOARD)
    motion = motion_add(meeting=meeting, title="董事选举", text="", matter=Matter.ELECTION,
                        seats=2, elects_to=board)  # fmt: skip
    cands = []
    for i in range(3):
        c = candidate_nominate(motion=motion, member=voters[i], nominated_by=voters[5])
        cands.append(candidate_second(candidate=c, member=voters[4]))
    from governance.services.meetings import meeting_convene, meeting_open_voting

    now = timezone.now()
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    meeting = meeting_open_voting(meeting=meeting, at=now)
    with pytest.raises(InvalidInput, match="at most 2"):
        ballot_cast(motion=motion, voter=voters[0], candidates=[c.pk for c in cands])
    # c0: 3 votes; c1 and c2 tie on 2 for the second seat.
    marks = [[0, 1], [0, 2], [0], [1], [2], []]
    for voter, picks in zip(voters, marks, strict=True):
        ballot_cast(motion=motion, voter=voter, candidates=[cands[i].pk for i in picks])
    meeting = meeting_closed(meeting)
    motion.refresh_from_db()
    assert len(motion.draw_seed) == 32
    meeting_declare_results(meeting=meeting)
    by_status = {c.pk: (c.status, c.votes) for c in Candidate.objects.all()}
    assert by_status[cands[0].pk] == ("elected", 3)
    winner = min((cands[1].pk, cands[2].pk), key=lambda cid: draw_key(motion.draw_seed, cid))
    assert by_status[winner] == ("elected", 2)
    event = MeetingEvent.objects.get(meeting=meeting, type="draw")
    assert event.data["seed"] == motion.draw_seed
    # Mandates: the board's first election, so half the seats get half a term.
    terms = sorted(
        (m.ends_on.year - m.starts_on.year) for m in Mandate.objects.filter(elected_by=motion)
    )
    assert terms == [2, 4]


def test_constituency_seats_follow_the_members(articles):
    from tests.members.factories import member_make, person_data, premium_plan_make

    version = premium_plan_make()
    for region in ("11", "11", "11", "31"):
        member_make(version, person=person_data(region=region))
    assert constituency_seats(seats=4) == {"11": 3, "31": 1}
    representatives = Body.objects.create(kind=Body.Kind.REPRESENTATIVE_ASSEMBLY,
                                          name="会员代表大会", seats=4)  # fmt: skip
    meeting = meeting_make(motions=())
    from django.utils import translation

    with translation.override("en"):
        motions = representative_elections_add(meeting=meeting, body=representatives, seats=4)
    assert sorted((m.constituency, m.seats) for m in motions) == [("11", 3), ("31", 1)]
    # The title names the region, not its code.
    assert sorted(m.title for m in motions) == [
        "Election of representatives · Beijing",
        "Election of representatives · Shanghai",
    ]


def test_a_candidate_outside_the_constituency_is_refused(articles):
    from tests.members.factories import member_make, person_data, premium_plan_make

    version = premium_plan_make()
    beijing = member_make(version, person=person_data(region="11"))
    shanghai = member_make(version, person=person_data(region="31"))
    representatives = Body.objects.create(kind=Body.Kind.REPRESENTATIVE_ASSEMBLY,
                                          name="会员代表大会", seats=2)  # fmt: skip
    meeting = meeting_make(motions=())
    motion = motion_add(meeting=meeting, title="代表选举", text="", matter=Matter.ELECTION,
                        seats=1, elects_to=representatives, constituency="11")  # fmt: skip
    with pytest.raises(InvalidInput, match="constituency"):
        candidate_nominate(motion=motion, member=shanghai, nominated_by=beijing)
    candidate_nominate(motion=motion, member=beijing, nominated_by=shanghai)


def test_staggered_renewal_elects_only_the_seats_falling_vacant(articles):
    """A representative assembly of 4 seats with 2 mandates continuing: 2 seats are up."""
    from governance.services.elections import seats_up_for_election
    from tests.members.factories import member_make, person_data, premium_plan_make

    version = premium_plan_make()
    people = [member_make(version, person=person_data(region=r)) for r in ("11", "11", "31")]
    representatives = Body.objects.create(kind=Body.Kind.REPRESENTATIVE_ASSEMBLY,
                                          name="会员代表大会", seats=4)  # fmt: skip
    meeting = meeting_make(motions=())
    closes = timezone.localdate(meeting.voting_closes_at)
    for person in people[:2]:
        Mandate.objects.create(body=representatives, member=person, region="11",
                               starts_on=closes - dt.timedelta(days=700),
                               ends_on=closes + dt.timedelta(days=700))  # fmt: skip
    assert seats_up_for_election(representatives, closes) == 2
    motions = representative_elections_add(meeting=meeting, body=representatives)
    assert sum(m.seats for m in motions) == 2
    assert {(m.constituency, m.seats) for m in motions} == {("11", 1), ("31", 1)}
    with pytest.raises(InvalidInput, match="already"):
        representative_elections_add(meeting=meeting, body=representatives)


def _regional_first_election(seats_by_region: dict[str, int]):
    """A representative assembly elected for the first time, one election per region."""
    from governance.services.meetings import meeting_convene, meeting_open_voting
    from tests.members.factories import member_make, person_data, premium_plan_make

    articles_make(quorum_members_num=0, quorum_members_den=10, term_years=4)
    version = premium_plan_make()
    reps = Body.objects.create(kind=Body.Kind.REPRESENTATIVE_ASSEMBLY, name="reps",
                               seats=sum(seats_by_region.values()))  # fmt: skip
    meeting = meeting_make(motions=(), opens_in=dt.timedelta(hours=-1),
                           length=dt.timedelta(days=1, hours=1))  # fmt: skip
    plan = []
    for region, seats in seats_by_region.items():
        people = [member_make(version, person=person_data(region=region)) for _ in range(seats + 2)]
        members_backdate(people)
        motion = motion_add(meeting=meeting, title=f"代表选举 {region}", text="",
                            matter=Matter.ELECTION, seats=seats, elects_to=reps,
                            constituency=region)  # fmt: skip
        for person in people[:seats]:
            candidate = candidate_nominate(motion=motion, member=person, nominated_by=people[-1])
            candidate_second(candidate=candidate, member=people[-2])
        plan.append((motion, people))
    now = timezone.now()
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    meeting = meeting_open_voting(meeting=meeting, at=now)
    for motion, people in plan:
        ballot_cast(motion=motion, voter=people[-2],
                    candidates=list(motion.candidates.values_list("pk", flat=True)))  # fmt: skip
    meeting_declare_results(meeting=meeting_closed(meeting))
    years: dict[str, list[int]] = {}
    for mandate in Mandate.objects.filter(body=reps).order_by("region", "ends_on"):
        years.setdefault(mandate.region, []).append(
            round((mandate.ends_on - mandate.starts_on).days / 365)
        )
    return years


def test_first_election_staggers_every_region_not_only_the_first(articles):
    """Two regions of two seats on a body's first election: in each region one seat for
    half a term and one for a full term, so half the body is renewed each cycle."""
    assert _regional_first_election({"11": 2, "31": 2}) == {"11": [2, 4], "31": [2, 4]}


def test_first_election_alternates_one_seat_regions(articles):
    """Four one-seat regions: two short terms and two full, not all full."""
    years = _regional_first_election({"11": 1, "31": 1, "44": 1, "51": 1})
    assert sorted(t for terms in years.values() for t in terms) == [2, 2, 4, 4]


def test_term_limit_counts_only_consecutive_terms(articles):
    """A term served long ago, with a break since, does not count toward the limit of
    consecutive terms; the run that reaches the new term does. Review finding 6."""
    articles_make(term_limit=1)
    a, b, c = members_make(3)
    _meeting, motion, board = _election()
    Mandate.objects.create(body=board, member=a, starts_on=dt.date(2000, 1, 1),
                           ends_on=dt.date(2004, 1, 1))  # fmt: skip
    candidate = candidate_nominate(motion=motion, member=a, nominated_by=b)
    assert candidate.member_id == a.pk
    # A term ending just before the election is consecutive with the new one.
    today = timezone.localdate()
    Mandate.objects.create(body=board, member=c, starts_on=today - dt.timedelta(days=4 * 365),
                           ends_on=today - dt.timedelta(days=30))  # fmt: skip
    with pytest.raises(InvalidInput, match="consecutive terms"):
        candidate_nominate(motion=motion, member=c, nominated_by=b)


def test_term_limit_stops_counting_at_a_break(articles):
    articles_make(term_limit=2)
    a, b = members_make(2)
    _meeting, motion, board = _election()
    today = timezone.localdate()
    # 2010-2014, a break of years, then one term running up to the election: one in a row.
    Mandate.objects.create(body=board, member=a, starts_on=dt.date(2010, 1, 1),
                           ends_on=dt.date(2014, 1, 1))  # fmt: skip
    Mandate.objects.create(body=board, member=a, starts_on=today - dt.timedelta(days=4 * 365),
                           ends_on=today + dt.timedelta(days=60))  # fmt: skip
    assert candidate_nominate(motion=motion, member=a, nominated_by=b).member_id == a.pk
