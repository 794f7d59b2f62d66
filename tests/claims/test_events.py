"""A claim's history on the one event base: typed, immutable, kept through the migration
that renamed its columns, and told oldest first wherever a person reads it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from claims.admin import EventInline
from claims.events import claim_event
from claims.models import ClaimEvent
from claims.services.handling import claim_info_request, claim_review_start
from mutualsociety.common.exceptions import ImmutableRecord
from tests.claims.factories import claim_make, covered_member

pytestmark = pytest.mark.django_db


def _story(aid, handler):
    member = covered_member(aid)
    claim = claim_make(member)
    claim_review_start(claim=claim, actor=handler)
    claim_info_request(claim=claim, actor=handler, reason="Send the discharge summary.")
    return member, claim


def test_a_status_change_records_both_statuses_and_the_type(aid, handler):
    _member, claim = _story(aid, handler)
    event = claim.events.get(type=ClaimEvent.Type.INFO_REQUESTED)
    assert (event.old_value, event.new_value) == ("under_review", "info_requested")
    assert event.actor == handler and event.reason == "Send the discharge summary."


def test_an_unknown_type_is_refused_and_events_are_never_changed(aid, handler):
    """The writer takes only the typed choices; a row is never updated or deleted."""
    _member, claim = _story(aid, handler)
    with pytest.raises(ValueError):
        claim_event(claim=claim, type="approvd")
    event = claim.events.first()
    with pytest.raises(ImmutableRecord):
        claim.events.update(reason="edited")
    with pytest.raises(ImmutableRecord):
        event.delete()


def test_the_table_reads_newest_first_and_people_read_oldest_first(client, aid, handler):
    """The event table is newest first like every app's; the claim page, the API and the
    admin's inline tell the story in order, as before."""
    member, claim = _story(aid, handler)
    assert list(claim.events.values_list("type", flat=True)) == [
        "info_requested",
        "under_review",
        "submitted",
    ]
    client.force_login(member.user)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    history = page[page.index("History</h2>") :]
    assert history.index("Submitted") < history.index("Under review")
    assert history.index("Under review") < history.index("Information requested")
    api = APIClient()
    api.force_authenticate(member.user)
    events = api.get(f"/api/v1/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["events"]
    assert [e["type"] for e in events] == ["submitted", "under_review", "info_requested"]
    assert (events[2]["old_status"], events[2]["new_status"]) == ("under_review", "info_requested")
    request = RequestFactory().get("/")
    request.user = handler
    inline = EventInline(ClaimEvent, admin.site)
    shown = inline.get_queryset(request).filter(claim=claim).values_list("type", flat=True)
    assert list(shown) == ["submitted", "under_review", "info_requested"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_event_under_its_new_column_names():
    """0003 renames old_status/new_status to old_value/new_value: rows survive."""
    executor = MigrationExecutor(connection)
    before = [("claims", "0002_panel_eligibility_frozen_staff_fallback")]
    after = [("claims", "0003_claim_event_on_the_common_base")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    claim = _historical_claim(old)
    old.get_model("claims", "ClaimEvent").objects.create(
        claim=claim, type="approved", old_status="assessed", new_status="approved", reason="ok"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    row = new.get_model("claims", "ClaimEvent").objects.get(claim_id=claim.pk)
    assert (row.type, row.old_value, row.new_value, row.reason) == (
        "approved",
        "assessed",
        "approved",
        "ok",
    )
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _historical_claim(apps):
    """The least a claim needs, written with the historical models (no services then)."""
    import datetime as dt

    from tests.members.factories import mutual_aid_plan_make

    version = mutual_aid_plan_make()
    member = covered_member(version)
    coverage = member.coverages.first()
    Claim = apps.get_model("claims", "Claim")  # noqa: N806
    return Claim.objects.create(
        number="C-OLD-000001",
        member_id=member.pk,
        coverage_id=coverage.pk,
        plan_id=coverage.plan_id,
        kind="illness",
        event_date=dt.date(2025, 1, 1),
        description="An old claim.",
        amount_claimed="100.00",
        bank_account_name="Zhang San",
        bank_account_number="62220212345678",
        age_band="30–39",
        region="11",
        benefit="300000.00",
    )
