"""disclosure.selectors.sources: the publication a figure links to — the latest
published version of its kind (and period), never a draft or a withdrawn version — in
one query."""

from __future__ import annotations

import pytest

from disclosure.models import Kind
from disclosure.selectors.sources import (
    key_figure_sources,
    publication_latest,
    publications_latest,
)
from disclosure.services import publication_draft, publication_withdraw

from .helpers import publish

pytestmark = pytest.mark.django_db


def test_latest_of_a_period_and_of_the_latest_period(compliance):
    q1 = publish(Kind.SOLVENCY_SUMMARY, "s:2026Q1", period="2026Q1")
    q2 = publish(Kind.SOLVENCY_SUMMARY, "s:2026Q2", period="2026Q2")
    q1_corrected = publish(
        Kind.SOLVENCY_SUMMARY, "s:2026Q1", period="2026Q1", content={"changed": True}
    )
    assert q1_corrected.version == 2
    assert publication_latest(Kind.SOLVENCY_SUMMARY, "2026Q1") == q1_corrected
    assert publication_latest(Kind.SOLVENCY_SUMMARY, "2026Q3") is None
    assert publication_latest(Kind.CLAIMS_STATISTICS) is None
    assert q1 != q1_corrected and q2.pk


def test_the_latest_period_wins_over_a_later_correction_of_an_older_one(compliance):
    import datetime as dt

    publish(Kind.SOLVENCY_SUMMARY, "s:2026Q1", period="2026Q1", period_end=dt.date(2026, 3, 31))
    q2 = publish(
        Kind.SOLVENCY_SUMMARY, "s:2026Q2", period="2026Q2", period_end=dt.date(2026, 6, 30)
    )
    publish(Kind.SOLVENCY_SUMMARY, "s:2026Q1", period="2026Q1", period_end=dt.date(2026, 3, 31),
            content={"corrected": 1})  # fmt: skip
    assert publication_latest(Kind.SOLVENCY_SUMMARY) == q2


def test_drafts_and_withdrawn_versions_are_never_a_source(compliance, compliance2):
    shown = publish(Kind.FINANCIAL_STATEMENTS, "f:2025", period="2025")
    later = publish(Kind.FINANCIAL_STATEMENTS, "f:2026Q1", period="2026Q1")
    publication_withdraw(publication=later, actor=compliance, reason="Wrong figures.")
    publication_draft(kind=Kind.FINANCIAL_STATEMENTS, title="草稿", actor=compliance,
                      period="2026Q2")  # fmt: skip
    assert publication_latest(Kind.FINANCIAL_STATEMENTS) == shown


def test_every_figure_source_in_one_query(compliance, django_assert_num_queries):
    import datetime as dt

    statements = publish(Kind.FINANCIAL_STATEMENTS, "f:2025", period="2025")
    claims = publish(Kind.CLAIMS_STATISTICS, "c:2025", period="2025")
    solvency = publish(Kind.SOLVENCY_SUMMARY, "s:2025Q4", period="2025Q4")
    for n in range(3):
        publish(Kind.MATERIAL_EVENT, f"e:{n}")
    with django_assert_num_queries(1):
        sources = key_figure_sources(solvency_date=dt.date(2025, 12, 31))
    assert sources["contributions"] == statements and sources["claims_ratio"] == statements
    assert sources["claims_paid"] == claims
    assert sources["members_in_force"] is None  # no annual report yet
    assert sources["solvency"] == solvency
    with django_assert_num_queries(0):
        assert publications_latest([]) == {}
