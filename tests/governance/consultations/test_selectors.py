"""The results counted by SQL (exact counts, shares, means, turnout), who is consulted,
what a member sees of the answers and of a hidden comment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from governance import selectors
from governance.services import consultations as services
from members.models import Member
from tests.governance.factories import (
    consultation_answers,
    consultation_make,
    meeting_make,
    meeting_voting,
    members_make,
)

pytestmark = pytest.mark.django_db


def _answer(consultation, member, **answers):
    return services.consultation_respond(
        consultation=consultation,
        member=member,
        answers=consultation_answers(consultation, **answers),
    )


def test_the_results_count_each_option_scale_and_text_exactly(
    secretary, articles, django_assert_num_queries
):
    """Six consulted, three answered: A twice and B once (2/3 and 1/3); X by all three and
    Z by one (multiple choice: shares of those who answered, summing past 100 %); scale
    5, 4, 4 (mean 4.33); two texts."""
    members = members_make(6)
    consultation = consultation_make(actor=secretary)
    _answer(consultation, members[0], single="A", multiple=["X", "Z"], scale=5, text="Good")
    _answer(consultation, members[1], single="A", multiple=["X"], scale=4, text="Fine")
    _answer(consultation, members[2], single="B", multiple=["X"], scale=4)

    with django_assert_num_queries(6):  # questions, options, two GROUP BY, two counts
        results = selectors.consultation_results(consultation)

    assert (results.respondents, results.eligible, results.turnout) == (3, 6, Decimal("0.5"))
    single, multiple, scale, text = results.questions
    assert single.answered == 3
    assert [(b.label, b.count, b.share) for b in single.bars] == [
        ("A", 2, Decimal("0.666667")),
        ("B", 1, Decimal("0.333333")),
        ("C", 0, Decimal("0")),
    ]
    assert [(b.label, b.count, b.share) for b in multiple.bars] == [
        ("X", 3, Decimal("1")),
        ("Y", 0, Decimal("0")),
        ("Z", 1, Decimal("0.333333")),
    ]
    assert scale.mean == Decimal("4.33")
    assert [(b.label, b.count) for b in scale.bars] == [
        ("1", 0),
        ("2", 0),
        ("3", 0),
        ("4", 2),
        ("5", 1),
    ]
    assert scale.bars[3].share == Decimal("0.666667")
    assert (text.answered, text.texts, text.bars) == (2, 2, [])


def test_a_change_of_answer_moves_the_counts(secretary, articles):
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    _answer(consultation, member, single="A", multiple=["X"], scale=1)
    _answer(consultation, member, single="C", multiple=["Y"], scale=3)
    results = selectors.consultation_results(consultation)
    single, multiple, scale, _text = results.questions
    assert [b.count for b in single.bars] == [0, 0, 1]
    assert [b.count for b in multiple.bars] == [0, 1, 0]
    assert scale.mean == Decimal("3.00")
    assert results.respondents == 1


def test_the_turnout_base_is_fixed_at_the_close(secretary, articles):
    """Members who join after the close do not lower a closed consultation's turnout."""
    members = members_make(2)
    consultation = consultation_make(actor=secretary)
    _answer(consultation, members[0], single="A", multiple=["X"], scale=2)
    services.consultation_close(consultation=consultation, actor=secretary)
    members_make(3)
    consultation.refresh_from_db()
    results = selectors.consultation_results(consultation)
    assert (results.respondents, results.eligible, results.turnout) == (1, 2, Decimal("0.5"))


def test_free_texts_are_listed_without_names(secretary, articles):
    members = members_make(2)
    consultation = consultation_make(actor=secretary)
    _answer(consultation, members[0], single="A", multiple=["X"], scale=2, text="First")
    _answer(consultation, members[1], single="A", multiple=["X"], scale=2, text="Second")
    texts = selectors.consultation_free_texts(consultation)
    assert [(t.respondent, t.text) for t in texts] == [(1, "First"), (2, "Second")]
    for t in texts:
        assert not hasattr(t, "member")


def test_a_member_reads_only_their_own_answers(secretary, articles):
    a, b = members_make(2)
    consultation = consultation_make(actor=secretary)
    _answer(consultation, a, single="A", multiple=["X", "Y"], scale=5, text="mine")
    own_a = selectors.consultation_own_answers(consultation, a)
    own_b = selectors.consultation_own_answers(consultation, b)
    q1, q2, q3, q4 = selectors.consultation_questions(consultation)
    assert own_a.values[q3.pk] == 5 and own_a.values[q4.pk] == "mine"
    assert len(own_a.values[q2.pk]) == 2
    assert own_b.response is None and own_b.values == {}


def test_voters_of_a_meeting_are_its_roll_once_frozen(secretary, articles):
    """A voters' consultation on a meeting whose roll is frozen consults the roll: a
    member who joined after the record date is not consulted, and not listed."""
    early = members_make(2)
    meeting = meeting_voting()
    assert meeting.roll_frozen
    late = members_make(1, since=None)[0]
    consultation = consultation_make(actor=secretary, meeting=meeting, audience="voters")
    assert set(selectors.consultation_eligible(consultation)) == set(early)
    assert selectors.consultation_may_take_part(consultation, early[0])
    assert not selectors.consultation_may_take_part(consultation, late)
    assert list(selectors.consultations_for_member(late)) == []


def test_a_members_consultation_is_for_active_members_only(secretary, articles):
    active, lapsed = members_make(2)
    Member.objects.filter(pk=lapsed.pk).update(status=Member.Status.LAPSED)
    lapsed.refresh_from_db()
    consultation = consultation_make(actor=secretary)
    draft = consultation_make(actor=secretary, open_=False)
    assert list(selectors.consultations_for_member(active)) == [consultation]
    assert selectors.consultation_visible_to_member(draft.pk, active) is None
    assert selectors.consultation_visible_to_member(consultation.pk, lapsed) is None
    assert set(selectors.consultation_eligible(consultation)) == {active}


def test_a_hidden_comment_keeps_its_text_only_for_its_author_and_staff(secretary, articles):
    author, other = members_make(2)
    consultation = consultation_make(actor=secretary)
    comment = services.consultation_comment(
        consultation=consultation, member=author, body="Rude words"
    )
    services.comment_hide(comment=comment, reason="Insult", actor=secretary)
    (for_author,) = selectors.consultation_comments(consultation, reader=author)
    (for_other,) = selectors.consultation_comments(consultation, reader=other)
    (for_staff,) = selectors.consultation_comments(consultation, reader=None, staff=True)
    assert for_author.body == "Rude words" and for_author.mine
    assert for_other.body == "" and for_other.hidden_reason == "Insult"
    assert for_staff.body == "Rude words"


def test_the_meeting_shows_its_published_consultations(secretary, articles):
    members = members_make(2)
    meeting = meeting_make()
    consultation = consultation_make(actor=secretary, meeting=meeting)
    still_open = consultation_make(actor=secretary, meeting=meeting)
    _answer(consultation, members[0], single="B", multiple=["Y"], scale=3)
    assert selectors.meeting_consultations(meeting) == []
    services.consultation_close(consultation=consultation, actor=secretary)
    (results,) = selectors.meeting_consultations(meeting)
    assert results.consultation == consultation
    assert still_open.pk not in [
        r.consultation.pk for r in selectors.meeting_consultations(meeting)
    ]
