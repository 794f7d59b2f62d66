"""The staff face: compute page, approval through the action (four eyes), read-only
assessments, the holdings import page, and who sees what."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from solvency.models import AssetHolding, Regime, SolvencyAssessment
from tests.solvency.factories import VALUATION, books, holdings

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:solvency_solvencyassessment_changelist"
COMPUTE = "admin:solvency_solvencyassessment_compute"


def compute(client, rating="B"):
    regime = Regime.objects.get(code="cross")
    return client.post(
        reverse(COMPUTE),
        {"valuation_date": VALUATION.isoformat(), "regime": regime.pk, "rating": rating},
    )


def test_the_actuary_computes_on_the_page_and_sees_the_breakdown(client, actuary):
    books()
    holdings()
    client.force_login(actuary)
    assert client.get(reverse(COMPUTE)).status_code == 200
    response = compute(client)
    assessment = SolvencyAssessment.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("admin:solvency_solvencyassessment_change", args=[assessment.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "38742.74" in text.replace(",", "")  # the diversified requirement
    assert "Initial operating fund" in text and "Market risk" in text


def test_a_refused_computation_shows_on_the_field(client, actuary):
    client.force_login(actuary)
    regime = Regime.objects.get(code="cross")
    response = client.post(
        reverse(COMPUTE), {"valuation_date": "2999-01-01", "regime": regime.pk, "rating": ""}
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not SolvencyAssessment.objects.exists()


def test_approval_by_action_needs_a_second_person(client, actuary, actuary2):
    client.force_login(actuary)
    compute(client)
    assessment = SolvencyAssessment.objects.get()
    data = {"action": "approve", ACTION_CHECKBOX_NAME: [assessment.pk], "apply": "1", "note": ""}
    response = client.post(reverse(CHANGELIST), data, follow=True)
    assert "another person must approve it" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == "computed"

    client.force_login(actuary2)
    client.post(reverse(CHANGELIST), data)
    assessment.refresh_from_db()
    assert (assessment.state, assessment.approved_by) == ("approved", actuary2)


def test_the_regulator_reads_and_changes_nothing(client, actuary, regulator_user):
    client.force_login(actuary)
    compute(client)
    assessment = SolvencyAssessment.objects.get()
    client.force_login(regulator_user)

    listing = client.get(reverse(CHANGELIST))
    assert listing.status_code == 200
    assert 'name="action"' not in listing.content.decode()  # no approve action
    assert client.get(reverse(COMPUTE)).status_code == 403
    assert client.get(reverse("admin:solvency_assetholding_import")).status_code == 403
    client.post(
        reverse(CHANGELIST),
        {"action": "approve", ACTION_CHECKBOX_NAME: [assessment.pk], "apply": "1"},
    )
    assessment.refresh_from_db()
    assert assessment.state == "computed"
    for name in ("regime", "capitalitem", "assetholding", "fundtranche", "solvencyassessment"):
        assert client.get(reverse(f"admin:solvency_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:solvency_{name}_add")).status_code == 403


def test_finance_imports_holdings_and_an_error_saves_nothing(client, finance_user):
    client.force_login(finance_user)
    url = reverse("admin:solvency_assetholding_import")
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile(
        "h.csv",
        b"as_of,asset_class,issuer,market_value\n2025-12-31,deposit,Bank,1.00\n"
        b"2025-12-31,deposit,Bank,abc\n",
    )
    response = client.post(url, {"file": bad})
    text = response.content.decode()
    assert "<td>3</td><td>market_value</td>" in text
    assert not AssetHolding.objects.exists()

    good = SimpleUploadedFile(
        "h.csv",
        "\ufeffas_of,asset_class,issuer,market_value\n2025-12-31,deposit,银行,1.00\n".encode(),
    )
    client.post(url, {"file": good})
    assert AssetHolding.objects.get().issuer == "银行"


def test_finance_keeps_capital_items_and_the_actuary_does_not(client, finance_user, actuary):
    client.force_login(finance_user)
    assert client.get(reverse("admin:solvency_capitalitem_add")).status_code == 200
    assert client.get(reverse("admin:solvency_fundtranche_add")).status_code == 200
    client.force_login(actuary)
    assert client.get(reverse("admin:solvency_capitalitem_add")).status_code == 403
    assert client.get(reverse("admin:solvency_regime_changelist")).status_code == 200


def test_a_regime_with_a_bad_matrix_does_not_pass_its_check():
    from django.core.exceptions import ValidationError

    regime = Regime.objects.get(code="cross")
    regime.correlation = {
        "modules": ["insurance", "market", "credit"],
        "matrix": [["1", "0.3", "0"], ["0.2", "1", "0"], ["0", "0", "1"]],
    }
    with pytest.raises(ValidationError) as raised:
        regime.full_clean()
    assert "correlation.matrix[1][0]" in str(raised.value)
    regime.correlation = {"modules": ["insurance", "market"], "matrix": [[1, 0], [0, 1]]}
    with pytest.raises(ValidationError) as raised:
        regime.full_clean()
    assert "credit" in str(raised.value)
