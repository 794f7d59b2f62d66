"""The audit events of every app in one list: newest first, filtered by app, type and
date, paginated, with a number of queries that does not grow with the events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disclosure.selectors.regulator import EventFilter, EventIndex, event_models
from mutualsociety.common.events import Event
from tests.claims.factories import claim_make, covered_member
from tests.governance.factories import meeting_make
from tests.members.factories import mutual_aid_plan_make

pytestmark = pytest.mark.django_db

URL = "/disclosure/regulator/events/"


def test_every_event_table_of_the_project_is_read():
    labels = {m._meta.label_lower for m in event_models()}
    assert {"claims.claimevent", "members.memberevent", "governance.meetingevent"} <= labels
    assert {"solvency.reserverunevent", "disclosure.publicationevent"} & labels
    assert all(issubclass(m, Event) for m in event_models())


def _activity(n: int):
    """``n`` claims (a member and claim events each) and ``n`` meetings (meeting events)."""
    version = mutual_aid_plan_make()
    for _i in range(n):
        member = covered_member(version)
        claim_make(member)
        meeting_make()


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params or {}).status_code == 200
    return len(queries)


def test_the_page_does_not_grow_queries_with_the_events(regulator_client):
    _activity(1)
    small = _queries(regulator_client)
    _activity(6)
    large = _queries(regulator_client)
    assert large == small


def test_newest_first_across_every_table(regulator_client):
    _activity(2)
    index = EventIndex(EventFilter())
    events = index[0:1000]
    assert len(events) == index.count() > 4
    keys = [(e.at, e.pk) for e in events]
    assert [k[0] for k in keys] == sorted((k[0] for k in keys), reverse=True)
    page = regulator_client.get(URL)
    assert page.context["page_obj"].paginator.count == index.count()


def test_filters_by_app_type_and_date(regulator_client):
    _activity(2)
    claims_only = regulator_client.get(URL, {"app": "claims"}).context["page_obj"]
    assert claims_only.object_list
    assert {e._meta.app_label for e in claims_only.object_list} == {"claims"}
    submitted = regulator_client.get(URL, {"type": "submitted"}).context["page_obj"]
    assert submitted.object_list and {e.type for e in submitted.object_list} == {"submitted"}
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    none = regulator_client.get(URL, {"from": tomorrow}).context["page_obj"]
    assert none.paginator.count == 0


def test_pages_of_fifty_and_the_download_of_the_page(regulator_client):
    _activity(12)
    first = regulator_client.get(URL).context["page_obj"]
    assert first.paginator.count > 50 and len(first.object_list) == 50
    second = regulator_client.get(URL, {"page": 2}).context["page_obj"]

    def keys(page):
        return {(e._meta.label_lower, e.pk) for e in page.object_list}

    assert keys(first).isdisjoint(keys(second))
    download = regulator_client.get(URL + "export/events.json", {"page": 2})
    rows = download.json()["rows"]
    assert len(rows) == len(second.object_list)
    assert rows[0]["at"] == second.object_list[0].at.isoformat()
