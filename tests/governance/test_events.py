"""The meeting audit log on the project's event base: one writer, append-only."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from governance.events import meeting_event
from governance.models import Meeting, MeetingEvent
from mutualsociety.common.exceptions import ImmutableRecord
from tests.governance.factories import meeting_make

pytestmark = pytest.mark.django_db


def test_the_writer_records_who_what_from_to_and_why(articles, secretary):
    meeting = meeting_make()
    event = meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.CONVENED,
        actor=secretary,
        old_value=Meeting.Status.DRAFTED,
        new_value=Meeting.Status.CONVENED,
        reason="Annual assembly",
        data={"notice_days": 20},
    )
    event.refresh_from_db()
    assert (event.meeting, event.type, event.actor) == (meeting, "convened", secretary)
    assert (event.old_value, event.new_value, event.reason) == ("drafted", "convened",
                                                                "Annual assembly")  # fmt: skip
    assert event.data == {"notice_days": 20}
    assert str(event).endswith("Convened")


def test_the_old_import_path_of_the_writer_still_works():
    from governance.services.meetings import meeting_event as old

    assert old is meeting_event


def test_an_anonymous_actor_is_recorded_as_the_system(articles):
    from django.contrib.auth.models import AnonymousUser

    event = meeting_event(meeting=meeting_make(), type="drafted", actor=AnonymousUser())
    assert event.actor is None


def test_events_cannot_be_changed_or_deleted_through_the_orm(articles):
    event = meeting_event(meeting=meeting_make(), type=MeetingEvent.Type.NOTICES_SENT)
    event.reason = "rewritten"
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()
    with pytest.raises(ImmutableRecord):
        MeetingEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(ImmutableRecord):
        MeetingEvent.objects.filter(pk=event.pk).delete()
    assert MeetingEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_migration_onto_the_event_base_keeps_rows_and_the_append_only_trigger():
    """Migrating 0006 → 0007 on PostgreSQL keeps the events written before (new columns
    empty), and the trigger of migration 0005 still refuses UPDATE and DELETE after."""
    from django.db.migrations.executor import MigrationExecutor

    before = [("governance", "0006_selection_random_key")]
    executor = MigrationExecutor(connection)
    # Every app's latest: migrating governance back also unapplies the migrations of the
    # apps that depend on it (solvency's repayments name a motion), which must come back.
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        body = old.get_model("governance", "Body").objects.create(
            kind="board", name="Board", seats=3
        )
        meeting = old.get_model("governance", "Meeting").objects.create(
            body=body, kind="board", title="Board meeting",
            voting_opens_at="2025-01-10T09:00Z", voting_closes_at="2025-01-11T09:00Z",
        )  # fmt: skip
        old.get_model("governance", "MeetingEvent").objects.create(
            meeting=meeting, type="drafted", at="2025-01-01T09:00Z", data={"kept": True}
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    event = MeetingEvent.objects.get(meeting_id=meeting.pk)
    assert (event.type, event.data) == ("drafted", {"kept": True})
    assert (event.old_value, event.new_value, event.reason) == ("", "", "")
    for sql in ("UPDATE governance_meetingevent SET reason = 'rewritten'",
                "DELETE FROM governance_meetingevent"):  # fmt: skip
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert MeetingEvent.objects.filter(pk=event.pk).exists()


def test_each_milestone_event_says_from_which_status_to_which(articles, secretary):
    from governance.services.meetings import meeting_declare_results
    from governance.services.voting import ballot_cast
    from tests.governance.factories import meeting_closed, meeting_voting, members_make

    (voter,) = members_make(1)
    meeting = meeting_voting(actor=secretary)
    ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for")
    meeting_declare_results(meeting=meeting_closed(meeting, actor=secretary), actor=secretary)
    moves = list(
        MeetingEvent.objects.filter(meeting=meeting)
        .exclude(old_value="")
        .order_by("id")
        .values_list("type", "old_value", "new_value")
    )
    assert moves == [
        ("convened", "drafted", "convened"),
        ("voting_opened", "convened", "voting_open"),
        ("voting_closed", "voting_open", "voting_closed"),
        ("results_declared", "voting_closed", "results_declared"),
    ]


def test_a_declared_motion_cannot_be_declared_again(articles):
    """The outcome moves once (``MOTION``): counting a declared motion again with
    ``declare`` is refused and the stored result stays."""
    from governance.services.meetings import meeting_declare_results
    from governance.services.tally import motion_tally
    from governance.services.voting import ballot_cast
    from mutualsociety.common.exceptions import TransitionNotAllowed
    from tests.governance.factories import meeting_closed, meeting_voting, members_make

    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    ballot_cast(motion=motion, voter=voter, choice="for")
    meeting = meeting_declare_results(meeting=meeting_closed(meeting))
    motion.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        motion_tally(motion=motion, meeting=meeting, declare=True)
    motion.refresh_from_db()
    assert motion.outcome == "adopted" and motion.votes_for == 1


@pytest.mark.postgres
def test_postgres_keeps_the_seat_history_append_only(articles):
    """The trigger made with MandateEvent refuses UPDATE and DELETE of its rows."""
    import datetime as dt

    from governance.models import Body, MandateEvent
    from governance.services.mandates import mandate_add
    from tests.governance.factories import body_get, members_make

    (member,) = members_make(1)
    mandate_add(body=body_get(Body.Kind.BOARD), member=member, starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2030, 1, 1))  # fmt: skip
    for sql in ("UPDATE governance_mandateevent SET reason = 'rewritten'",
                "DELETE FROM governance_mandateevent"):  # fmt: skip
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert MandateEvent.objects.get().reason == ""
