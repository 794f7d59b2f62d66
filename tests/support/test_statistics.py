"""Quarterly statistics to the exact count, computed by the database, and their
publication through disclosure's complaints_statistics kind."""

from __future__ import annotations

import datetime as dt

import pytest

from disclosure.models import Kind, KindRule, Publication
from disclosure.services.figures import complaints_figures
from disclosure.services.sources import (
    complaints_statistics_publish,
    disclosure_missing,
    quarterly_publish,
)
from support.models import Complaint
from support.selectors import complaint_statistics
from tests.claims.factories import covered_member
from tests.support.factories import file_for

pytestmark = pytest.mark.django_db
S = Complaint.Status
C = Complaint.Category
Q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def _at(complaint, received, *, resolved=None, resolve_by=None, outcome="", category=None):
    Complaint.objects.filter(pk=complaint.pk).update(
        received_on=received,
        resolve_by=resolve_by or received + dt.timedelta(days=15),
        resolved_on=resolved,
        resolution=outcome,
        status=outcome or S.RECEIVED,
        category=category or complaint.category,
    )


@pytest.fixture
def quarter(aid):
    """Q3 2026: 5 received (3 service, 2 claim); resolved in Q3: 3 (2 in time, 2
    upheld wholly or partly); one received in June resolved in July; one received in
    September still open; one received in Q4 (not counted)."""
    member = covered_member(aid)
    make = lambda **kw: file_for(member, **kw)  # noqa: E731
    _at(make(), dt.date(2026, 7, 2), resolved=dt.date(2026, 7, 10), outcome=S.UPHELD)
    _at(make(), dt.date(2026, 7, 5), resolved=dt.date(2026, 8, 30), outcome=S.REJECTED)
    _at(
        make(),
        dt.date(2026, 8, 1),
        resolved=dt.date(2026, 8, 3),
        outcome=S.PARTLY_UPHELD,
        category=C.CLAIM,
    )
    _at(make(), dt.date(2026, 9, 29), category=C.CLAIM)  # pending at the end
    _at(make(), dt.date(2026, 9, 30), resolved=dt.date(2026, 10, 2), outcome=S.UPHELD)
    # June, resolved in July in time (resolve_by 21 July)
    _at(make(), dt.date(2026, 6, 20), resolved=dt.date(2026, 7, 1), outcome=S.REJECTED)
    _at(make(), dt.date(2026, 10, 3))  # next quarter
    return member


def test_the_quarter_to_the_exact_count(quarter, django_assert_num_queries):
    with django_assert_num_queries(2):
        stats = complaint_statistics(date_from=Q3[0], date_to=Q3[1])

    assert stats["received"] == 5
    assert stats["resolved"] == 4  # 10 Jul, 30 Aug, 3 Aug, 1 Jul
    assert stats["resolved_in_time"] == 3  # 30 Aug is past 20 Jul
    assert stats["upheld"] == 2
    assert str(stats["upheld_share"]) == "0.5000"
    assert stats["pending"] == 2  # 29 Sep open; 30 Sep resolved only in October
    by = {row["category"]: row for row in stats["by_category"]}
    assert (by["claim"]["received"], by["claim"]["resolved"], by["claim"]["pending"]) == (2, 1, 1)
    assert (by["service"]["received"], by["service"]["resolved"]) == (3, 3)


def test_the_publication_carries_the_figures(quarter):
    publication, created = complaints_statistics_publish(quarter_end=Q3[1])

    assert created
    assert publication.kind == Kind.COMPLAINTS_STATISTICS
    assert publication.key == "complaints_statistics:2026Q3"
    content = publication.content
    assert (content["received"], content["resolved"], content["pending"]) == (5, 4, 2)
    assert content["resolved_in_time"] == 3
    assert {row["code"] for row in content["by_category"]} == {"claim", "service"}
    assert content["by_category"][0]["category"]["zh-hans"]
    # the same figures again are no new version
    again, created_again = complaints_statistics_publish(quarter_end=Q3[1])
    assert (again.pk, created_again) == (publication.pk, False)


def test_the_quarterly_job_and_the_catch_up_include_complaints(quarter):
    assert KindRule.objects.get(kind=Kind.COMPLAINTS_STATISTICS).expected is True

    results = quarterly_publish(today=dt.date(2026, 10, 15))

    kinds = {p.kind for p, _created in results}
    assert Kind.COMPLAINTS_STATISTICS in kinds
    assert Publication.objects.filter(key="complaints_statistics:2026Q3").exists()
    missing = {key for _kind, key, _src in disclosure_missing(today=dt.date(2026, 10, 15))}
    assert "complaints_statistics:2026Q3" not in missing


def test_the_annual_hook_reads_the_selector(quarter):
    block = complaints_figures(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    # 7 received in 2026; 5 resolved in it; 29 Sep and 3 Oct still open at its end
    assert (block["received"], block["resolved"], block["pending"]) == (7, 5, 2)


def test_no_complaint_ever_is_no_block(db):
    assert complaints_figures(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) is None


def test_the_public_claims_page_shows_complaints_by_quarter(aid, client):
    """The public disclosure site's claims page has the complaints of every ended
    quarter: the quarter of a complaint received 100 days ago with its count."""
    from django.utils import timezone

    from mutualsociety.common.periods import period_index, period_start

    day = timezone.localdate() - dt.timedelta(days=100)
    member = covered_member(aid)
    for _ in range(3):
        _at(file_for(member), day)
    start = period_start(period_index(day, "quarter"), "quarter")
    label = f"{start.year}Q{(start.month - 1) // 3 + 1}"

    response = client.get("/disclosure/claims/")

    assert response.status_code == 200
    (row,) = [q for q in response.context["complaints"] if q["quarter"] == label]
    assert (row["received"], row["pending"]) == (3, 3)
    assert "Complaints by quarter" in response.content.decode()


def test_the_annual_report_shows_the_desks_figures(quarter):
    """The block the hook gives is what the annual report's complaints section reads:
    the counts and the categories in the report's language."""
    from disclosure.reports import annual_report
    from tests.disclosure.reports import samples

    figures = samples.annual()
    figures["complaints"] = complaints_figures(dt.date(2026, 1, 1), dt.date(2026, 12, 31))

    report = annual_report(figures, language="en")

    (section,) = [s for s in report.sections if s.heading == "Complaints"]
    counts, categories = section.tables
    assert [row[1].value for row in counts.rows][:3] == [7, 5, 2]
    assert {row[0].value: row[1].value for row in categories.rows} == {
        "A claim decision": 2,
        "Service": 5,
    }
