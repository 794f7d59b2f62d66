"""`make run` seeds the demo society: the command must work on a fresh database and twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command


@pytest.fixture
def migrated_data(chart_of_accounts):
    """What data migrations leave in a fresh database: an earlier transactional test in the
    same worker may have emptied those tables (roles come back by post_migrate)."""
    from importlib import import_module

    from solvency.presets import seed_presets

    import_module("governance.migrations.0003_articles_and_bodies").seed(apps, None)
    seed_presets(apps, None)  # solvency.0002: the regimes, C-ROSS the default


COUNTED_APPS = (
    "accounts",
    "common",
    "ledger",
    "members",
    "governance",
    "claims",
    "support",
    "solvency",
    "disclosure",
)


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models()
    }


def test_seed_demo_runs_on_a_fresh_database_and_a_second_run_changes_nothing(migrated_data):
    """The demo seeds every app's showcase data, and seeding again adds no row anywhere."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _row_counts()
    assert first["members.Member"] >= 300
    assert "chenmei" in out.getvalue()
    # Eight quarters of approved assessments, one of them an early warning.
    assert first["solvency.SolvencyAssessment"] == 8
    from solvency.models import SolvencyAssessment

    assert set(SolvencyAssessment.objects.values_list("state", flat=True)) == {"approved"}
    warnings = SolvencyAssessment.objects.filter(ladder_status="early_warning")
    assert warnings.count() == 1
    assert 100 <= warnings.get().comprehensive_ratio < 120
    # One reserve run at the last quarter end, run by the actuary and approved by the
    # compliance officer, posted to the ledger once and counted by that quarter's assessment.
    from ledger.models import JournalEntry
    from solvency.models import ReserveRun

    assert first["solvency.ReserveRun"] == 1
    run = ReserveRun.objects.get()
    latest = SolvencyAssessment.objects.order_by("valuation_date").last()
    assert run.valuation_date == latest.valuation_date
    assert (run.state, run.method, run.grain) == ("approved", "mack", "quarter")
    assert (run.created_by.username, run.approved_by.username) == ("actuary", "compliance")
    entries = JournalEntry.objects.filter(source_type="solvency.reserverun")
    assert list(entries.values_list("pk", flat=True)) == [run.ledger_entry_id]
    assert latest.inputs["reserves"]["run"] == run.pk
    assert latest.inputs["reserves"]["upr"] == str(run.upr)
    older = SolvencyAssessment.objects.exclude(pk=latest.pk)
    assert {a.inputs["reserves"]["run"] for a in older} == {None}
    # A year of disclosures: each approved quarter's solvency summary with its report, the
    # settled quarters' claims statistics and financial statements, at least one annual
    # report, the material event of the early-warning quarter, the manual ones by maker
    # and checker, one correction; all published on time.
    from disclosure.models import Publication

    published = Publication.objects.filter(status="published")
    summaries = published.filter(kind="solvency_summary")
    assert summaries.count() == 8
    assert {s.attachments.count() for s in summaries} == {5}
    assert published.filter(kind="claims_statistics").count() >= 4
    assert published.filter(kind="financial_statements").count() >= 4
    assert published.filter(kind="complaints_statistics").count() >= 4
    # Complaints in every state of the desk but one (closed after an escalation).
    from support.models import Complaint

    assert set(Complaint.objects.values_list("status", flat=True)) >= {
        "received",
        "acknowledged",
        "investigating",
        "partly_upheld",
        "escalated",
        "closed",
    }
    assert Complaint.objects.filter(member__user__username="chenmei").exists()
    assert published.filter(kind="annual_report").exists()
    # The solvency alert's, and the start of the 2019 mutual aid plan's wind-down.
    keys = list(published.filter(kind="material_event").values_list("key", flat=True))
    assert len(keys) == 2 and "material_event:wind-down-mutual-aid-2019-started" in keys
    manual = published.filter(
        kind__in=("basic_information", "articles", "product", "related_party")
    )
    assert {(p.drafted_by.username, p.approved_by.username) for p in manual} == {
        ("compliance", "compliance2")
    }
    (correction,) = published.filter(version__gt=1)
    assert correction.correction_note and correction.supersedes.status == "published"
    assert not [p.key for p in published if p.published_late]
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert _row_counts() == first
    assert "0 reserve run approved this run" in again.getvalue()
