"""PostgreSQL: a member's answers sent from several tabs at once leave one response; the
same comment submitted twice at once posts one; a close racing the answers leaves no
answer after it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from governance.models import Consultation, ConsultationComment, ConsultationResponse
from governance.services import consultations as services
from tests.governance.factories import consultation_answers, consultation_make, members_make

THREADS = 12


def _race(call: Callable[[int], object]) -> list:
    barrier = threading.Barrier(THREADS)
    outcomes: list = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            result = call(i)
        except Exception as error:  # noqa: BLE001 - every outcome is asserted below
            result = error
        finally:
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_tabs_answering_at_once_leave_one_response(make_user, chart_of_accounts, articles):
    """The first answer of a member from twelve tabs at once (two different answers):
    one response row, created once; each later one a change or a no-op."""
    secretary = make_user("secretary", roles=("board_secretary",), is_staff=True)
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    answers = [
        consultation_answers(consultation, single="A", multiple=["X"], scale=2),
        consultation_answers(consultation, single="B", multiple=["Y"], scale=4),
    ]
    outcomes = _race(
        lambda i: services.consultation_respond(
            consultation=consultation.pk, member=member, answers=answers[i % 2]
        )
    )
    assert all(isinstance(o, services.Answered) for o in outcomes), outcomes
    assert sum(o.created for o in outcomes) == 1
    assert ConsultationResponse.objects.filter(consultation=consultation).count() == 1
    response = ConsultationResponse.objects.get()
    assert response.changes == sum(o.changed and not o.created for o in outcomes)
    assert response.answers.count() == 3  # one set of answers, not a mixture


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_comment_submitted_twelve_times_at_once_posts_one(
    make_user, chart_of_accounts, articles
):
    secretary = make_user("secretary", roles=("board_secretary",), is_staff=True)
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    outcomes = _race(
        lambda i: services.consultation_comment(
            consultation=consultation.pk, member=member, body="Once", key="same-form"
        )
    )
    assert all(isinstance(o, ConsultationComment) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert ConsultationComment.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_close_racing_the_answers_leaves_none_after_it(make_user, chart_of_accounts, articles):
    """Answers and the close take the consultation's row in turn: every answer that was
    recorded is counted in the close's numbers, and those after it are refused."""
    secretary = make_user("secretary", roles=("board_secretary",), is_staff=True)
    members = members_make(THREADS - 1)
    consultation = consultation_make(actor=secretary)
    answers = consultation_answers(consultation, single="C", multiple=["Z"], scale=1)

    def call(i: int):
        if i == THREADS - 1:
            return services.consultation_close(consultation=consultation.pk, actor=secretary)
        return services.consultation_respond(
            consultation=consultation.pk, member=members[i], answers=answers
        )

    outcomes = _race(call)
    recorded = sum(isinstance(o, services.Answered) for o in outcomes)
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert recorded + len(refused) == THREADS - 1
    assert all(getattr(e, "code", "") == "voting_closed" for e in refused), refused
    consultation = Consultation.objects.get()
    assert consultation.status == Consultation.Status.PUBLISHED
    closing = consultation.events.get(type="closed")
    assert closing.data["respondents"] == recorded
    assert ConsultationResponse.objects.count() == recorded


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_keeps_the_consultation_log_append_only(secretary, articles):
    """The trigger of migration 0011 refuses UPDATE and DELETE of a consultation's log,
    moderation rows included."""
    from django.db import DatabaseError, transaction

    consultation = consultation_make(actor=secretary)
    for sql in ("UPDATE governance_consultationevent SET reason = 'rewritten'",
                "DELETE FROM governance_consultationevent"):  # fmt: skip
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert consultation.events.count() == 2  # drafted, opened
