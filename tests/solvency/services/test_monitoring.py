"""Alerts of the ladder: opened on approval and by the daily check, one standing alert per
finding, closed by a better position, e-mailed after commit, acknowledged by compliance,
blocking distribution; the admin's banner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.utils import timezone

from mutualsociety.common.exceptions import NotAllowed
from mutualsociety.common.models import OutboxTask
from solvency.models import AlertEvent, AssetHolding, MaterialEventDraft, SolvencyAlert
from solvency.selectors import distribution_blocked
from solvency.services import (
    alert_acknowledge,
    alert_notify,
    assessment_approve,
    assessment_compute,
    monitoring_run,
)
from tests.solvency.factories import CASH, OPERATING, VALUATION, books, holding, post

pytestmark = pytest.mark.django_db
AL = SolvencyAlert.Status


@pytest.fixture
def weak(actuary, compliance):
    """C-ROSS: equity of 10,000,000 → market 3,100,000, minimum 0.9 × that = 2,790,000;
    capital 1,470,000 core: comprehensive 52.68% (< 100: the rung `inadequate`), core the
    same (≥ 50 but within 20 points: an early warning)."""
    books()
    holding(value="10000000.00")
    a = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    return assessment_approve(assessment=a, actor=compliance)


def standing():
    return SolvencyAlert.objects.exclude(status=AL.CLOSED)


def test_approval_records_the_breach_and_the_early_warning(weak):
    assert weak.comprehensive_ratio == D("52.68") and weak.core_ratio == D("52.68")
    breach = standing().get(kind="breach")
    warning = standing().get(kind="early_warning")

    assert (breach.measure, breach.ladder_status, breach.ratio, breach.threshold) == (
        "comprehensive",
        "inadequate",
        D("52.68"),
        D("100.00"),
    )
    assert breach.deadline == VALUATION + dt.timedelta(days=30)
    assert breach.rung is not None and breach.requires == breach.rung.requires != ""
    assert (warning.measure, warning.threshold, warning.deadline) == ("core", D("70.00"), None)
    assert breach.events.get().type == AlertEvent.Type.OPENED
    draft = breach.material_event
    assert draft.status == "draft" and draft.kind == "solvency_breach"
    assert "52.68" in draft.body_en and "52.68" in draft.body
    # each text in its own language (the catalog's Chinese arrives at merge: /work/i18n)
    assert breach.rung.requires in draft.body and breach.rung.requires_en in draft.body_en
    assert set(OutboxTask.objects.values_list("key", flat=True)) >= {
        f"solvency.alert_notify:{breach.pk}",
        f"solvency.alert_notify:{warning.pk}",
    }


def test_the_same_position_again_opens_nothing(weak):
    """The daily check on the same capital finds the same alerts standing."""
    before = SolvencyAlert.objects.count(), MaterialEventDraft.objects.count()
    result = monitoring_run(today=VALUATION)

    assert result["opened"] == [] and result["closed"] == []
    assert len(result["standing"]) == 2
    assert (SolvencyAlert.objects.count(), MaterialEventDraft.objects.count()) == before


def test_a_better_approved_assessment_closes_the_alerts_with_its_reason(weak, actuary, compliance):
    AssetHolding.objects.all().delete()
    holding(value="100000.00")
    better = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    assessment_approve(assessment=better, actor=compliance)

    assert not standing().exists()
    closed = SolvencyAlert.objects.get(kind="breach")
    assert str(better) in closed.closed_reason and closed.closed_at is not None
    assert closed.events.order_by("at", "id").last().type == AlertEvent.Type.CLOSED
    assert distribution_blocked(VALUATION) == (False, [])


def test_the_daily_check_opens_a_breach_on_todays_capital(actuary, compliance):
    """Adequate when approved; a loss posted since puts today's capital below."""
    books()
    holding(value="1000000.00")  # minimum 0.9 × 310,000 = 279,000
    a = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    assessment_approve(assessment=a, actor=compliance)
    assert not standing().exists()
    today = timezone.localdate()
    post("loss", OPERATING, CASH, "1300000.00", VALUATION + dt.timedelta(days=1))

    result = monitoring_run(today=today)

    breach = SolvencyAlert.objects.get(pk=result["opened"][0])
    assert (breach.origin, breach.valuation_date) == ("monitoring", today)
    assert breach.deadline == today + dt.timedelta(days=30)


def test_the_e_mail_goes_to_compliance_officers_and_directors(weak, make_user, compliance):
    compliance.email = "co@example.org"
    compliance.save()
    make_user("d1", roles=("director",), email="d1@example.org")
    make_user("f1", roles=("finance",), email="f1@example.org")
    breach = standing().get(kind="breach")

    assert alert_notify(alert_id=breach.pk) == 2
    assert mail.outbox[0].to == ["co@example.org", "d1@example.org"]
    assert "52.68" in mail.outbox[0].body


def test_compliance_acknowledges_an_alert_which_still_blocks(weak, compliance, actuary):
    breach = standing().get(kind="breach")
    with pytest.raises(NotAllowed):
        alert_acknowledge(alert=breach, actor=actuary)

    alert_acknowledge(alert=breach, actor=compliance, note="Seen; plan under way.")
    again = alert_acknowledge(alert=breach, actor=compliance)

    assert again.status == AL.ACKNOWLEDGED and again.acknowledged_by == compliance
    assert breach.events.filter(type="acknowledged").count() == 1
    blocked, reasons = distribution_blocked(timezone.localdate())
    assert blocked and len(reasons) == 2
    # the rung by its name, not its code
    assert any("status: Solvency inadequate" in reason for reason in reasons)


def test_distribution_is_blocked_without_any_approved_assessment():
    assert distribution_blocked(VALUATION) == (True, ["There is no approved solvency assessment."])


def test_the_admin_shows_a_banner_to_every_staff_user_while_an_alert_stands(
    weak, client, make_user
):
    person = make_user("clerk", is_staff=True)
    client.force_login(person)

    page = client.get("/admin/").content.decode()
    assert "Solvency alert: Breach of the Comprehensive ratio" in page

    SolvencyAlert.objects.update(status=AL.CLOSED)
    assert "Solvency alert" not in client.get("/admin/").content.decode()
