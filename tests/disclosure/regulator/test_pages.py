"""Each page of the regulator portal shows the society's real figures, and each table's
CSV and JSON download holds the same figures to the cent."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from claims.models import Claim
from ledger.selectors import trial_balance

pytestmark = pytest.mark.django_db

R = "disclosure:regulator:"


def _csv(response) -> list[dict]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))


def _json(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_every_page_answers_with_its_tables(regulator_client, world):
    """Every page answers 200 in the site's layout, each table with its caption inside
    a scrolling wrapper, with its two downloads."""
    pages = [
        reverse(R + "home"),
        reverse(R + "solvency"),
        reverse(R + "reserve-run", args=[world.run.pk]),
        reverse(R + "assessment", args=[world.assessment.pk]),
        reverse(R + "ledger"),
        reverse(R + "claims"),
        reverse(R + "governance"),
        reverse(R + "meeting", args=[world.meeting.pk]),
        reverse(R + "events"),
    ]
    for url in pages:
        response = regulator_client.get(url)
        text = response.content.decode()
        assert response.status_code == 200, url
        assert "<caption" in text or url == pages[0]
        assert 'class="table-scroll"' in text or url == pages[0]


def test_the_solvency_page_lists_the_approved_run_and_assessment(regulator_client, world):
    response = regulator_client.get(reverse(R + "solvency"))
    text = response.content.decode()
    assert reverse(R + "reserve-run", args=[world.run.pk]) in text
    assert reverse(R + "assessment", args=[world.assessment.pk]) in text
    assert f"{world.run.outstanding:,.2f}" in text

    runs = _json(
        regulator_client.get(reverse(R + "solvency-export", args=["reserve-runs", "json"]))
    )
    (row,) = runs["rows"]
    assert row["outstanding"] == str(world.run.outstanding)
    assert row["ibnr"] == str(world.run.ibnr)
    assessments = _csv(
        regulator_client.get(reverse(R + "solvency-export", args=["assessments", "csv"]))
    )
    assert [Decimal(a["actual_capital"]) for a in assessments] == [world.assessment.actual_capital]


def test_the_reserve_run_shows_its_triangles_factors_and_origins(regulator_client, world):
    run = world.run
    url = reverse(R + "reserve-run", args=[run.pk])
    text = regulator_client.get(url).content.decode()
    assert "reserve-triangle-incurred" in text and "reserve-triangle-paid" in text
    assert "2023Q4" in text  # origins named by quarter, as in the admin's report

    origins = _json(regulator_client.get(f"{url}export/origins.json"))
    assert [r["ultimate"] for r in origins["rows"]][-1] == str(run.ultimate_total)
    assert origins["rows"][-1]["is_total"] is True
    stored_origins = [(str(o.ultimate), str(o.ibnr)) for o in run.origins.all()]
    assert [(r["ultimate"], r["ibnr"]) for r in origins["rows"][:-1]] == stored_origins
    factors = _csv(regulator_client.get(f"{url}export/factors.csv"))
    assert [Decimal(f["factor"]) for f in factors] == [Decimal(str(f)) for f in run.factors]
    incurred = _csv(regulator_client.get(f"{url}export/triangle-incurred.csv"))
    first = next(r for r in incurred if r["origin"] == "2023Q4")
    stored = {(o, int(lag)): Decimal(v) for o, lag, v in run.triangles["incurred"]}
    assert Decimal(first["lag_1"]) == stored[("2023-10-01", 1)]


def test_the_assessment_shows_module_charges_inputs_and_stress(regulator_client, world):
    assessment = world.assessment
    url = reverse(R + "assessment", args=[assessment.pk])
    assert regulator_client.get(url).status_code == 200
    lines = _json(regulator_client.get(f"{url}export/lines.json"))
    stored = {line.code: str(line.amount) for line in assessment.lines.all()}
    assert {r["code"]: r["amount"] for r in lines["rows"] if not r.get("is_total")} == stored
    assert stored  # the module charges are there
    inputs = _csv(regulator_client.get(f"{url}export/inputs.csv"))
    assert len(inputs) > 3
    stress = _json(regulator_client.get(f"{url}export/stress.json"))
    assert stress["rows"], "the stress results of the assessment"
    assert all(Decimal(r["actual_capital"]) for r in stress["rows"])


def test_the_trial_balance_at_a_quarter_end_to_the_cent(regulator_client, world):
    import datetime as dt

    as_of = dt.date(2025, 3, 31)
    url = reverse(R + "ledger")
    page = regulator_client.get(url, {"as_of": "2025-03-31"})
    expected = trial_balance(as_of=as_of)
    text = page.content.decode()
    assert f"{expected.total_debits:,.2f}" in text

    rows = _csv(regulator_client.get(f"{url}export/trial-balance.csv", {"as_of": "2025-03-31"}))
    total = rows[-1]
    assert Decimal(total["debit_balance"]) == expected.total_debits
    assert Decimal(total["credit_balance"]) == expected.total_credits
    assert total["debit_balance"] == total["credit_balance"]  # a sound ledger
    by_code = {r["code"]: r for r in rows[:-1]}
    cash = next(r for r in expected.rows if r.account.code == "1002")
    assert by_code["1002"]["debit_balance"] == str(cash.debit_balance)
    assert cash.debit_balance > Decimal("1500000.00")  # the fund and 2024-25 income in cash
    assert f"{cash.debit_balance:,.2f}" in text
    response = regulator_client.get(f"{url}export/trial-balance.json", {"as_of": "2025-03-31"})
    assert response["Content-Disposition"] == (
        'attachment; filename="trial-balance-2025-03-31-trial-balance.json"'
    )


def test_a_bad_date_is_a_400_naming_the_field(regulator_client, world):
    response = regulator_client.get(reverse(R + "ledger"), {"as_of": "31/03/2025"})
    assert response.status_code == 400
    assert "as_of" in response.content.decode()
    events = regulator_client.get(reverse(R + "events"), {"app": "nope"})
    assert events.status_code == 400 and "app" in events.content.decode()
    status = regulator_client.get(reverse(R + "claims"), {"status": "nope"})
    assert status.status_code == 400


def test_an_unknown_table_or_record_is_a_404(regulator_client, world):
    assert regulator_client.get(reverse(R + "ledger") + "export/nope.csv").status_code == 404
    assert regulator_client.get(reverse(R + "reserve-run", args=[999999])).status_code == 404
    assert regulator_client.get(reverse(R + "meeting", args=[999999])).status_code == 404


def test_claims_in_full_with_the_statistics_and_every_claim_in_the_download(
    regulator_client, world
):
    url = reverse(R + "claims")
    text = regulator_client.get(url).content.decode()
    claim = Claim.objects.select_related("member").first()
    assert claim.number in text and claim.member.legal_name in text

    claims = _csv(regulator_client.get(f"{url}export/claims.csv"))
    assert {c["number"] for c in claims} == set(Claim.objects.values_list("number", flat=True))
    stats = {
        r["measure"]: r["value"] for r in _csv(regulator_client.get(f"{url}export/statistics.csv"))
    }
    assert int(stats["claims"]) == Claim.objects.count()
    filtered = _csv(regulator_client.get(f"{url}export/claims.csv", {"status": "paid"}))
    assert filtered == []


def test_governance_records_with_the_roll_fingerprint_and_receipts(regulator_client, world):
    meeting = world.meeting
    meetings = _json(
        regulator_client.get(reverse(R + "governance-export", args=["meetings", "json"]))
    )
    (row,) = meetings["rows"]
    assert row["roll_hash"] == meeting.roll_hash and len(meeting.roll_hash) == 64
    url = reverse(R + "meeting", args=[meeting.pk])
    assert world.receipt in regulator_client.get(url).content.decode()
    receipts = _csv(regulator_client.get(f"{url}export/receipts-1.csv"))
    assert receipts == [{"receipt": world.receipt, "choice": "for", "candidates": ""}]
    motions = _json(regulator_client.get(f"{url}export/motions.json"))
    assert motions["rows"][0]["votes_for"] == 1
