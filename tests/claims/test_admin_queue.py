"""The claims admin as staff meet it (issue 10): the queue opens on the claims still to
handle, decide or pay; a refused action names the claim and the rule; a run with no case
to share is refused, the preview says so and offers no run; the message after a run names
the plan by its name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from claims.models import ApportionmentPeriod, Claim
from claims.services.handling import claim_pay, claim_reject, claim_withdraw
from ledger.models import JournalEntry
from mutualsociety.common.display import format_money
from tests.claims.factories import claim_approved, claim_assessed, claim_make, covered_member

pytestmark = pytest.mark.django_db
QUEUE = "admin:claims_claim_changelist"


@pytest.fixture
def claims_in_every_state(premium, handler, approver, chart_of_accounts):
    """One claim per end of the road, and the open ones beside them."""
    submitted = claim_make(covered_member(premium))
    assessed = claim_assessed(covered_member(premium), handler, amount="100.00")
    approved = claim_approved(covered_member(premium), handler, approver, amount="100.00")
    paid = claim_approved(covered_member(premium), handler, approver, amount="100.00")
    claim_pay(claim=paid, actor=handler)
    rejected = claim_assessed(covered_member(premium), handler, amount="100.00")
    claim_reject(claim=rejected, actor=approver, reasons="Not covered.")
    member = covered_member(premium)
    withdrawn = claim_make(member)
    claim_withdraw(claim=withdrawn, member=member)
    return {
        "open": [submitted, assessed, approved],
        "done": [paid, rejected, withdrawn],
    }


def _numbers(response) -> set[str]:
    return {claim.number for claim in response.context["cl"].result_list}


def test_the_queue_opens_on_open_claims_and_shows_all_on_request(
    client, handler, claims_in_every_state
):
    """Paid, rejected and withdrawn claims are not in the working queue by default; the
    queue filter's "All claims" and the status filter still find them."""
    client.force_login(handler)
    opened = {c.number for c in claims_in_every_state["open"]}
    done = {c.number for c in claims_in_every_state["done"]}

    default = client.get(reverse(QUEUE))
    assert default.status_code == 200
    assert _numbers(default) == opened
    assert "Open claims (to handle, decide or pay)" in default.content.decode()

    everything = client.get(reverse(QUEUE), {"queue": "all"})
    assert _numbers(everything) == opened | done

    paid = client.get(reverse(QUEUE), {"status__exact": "paid"})
    assert _numbers(paid) == {claims_in_every_state["done"][0].number}


def test_a_refused_action_names_the_claim_and_the_rule(client, aid, handler):
    """Through common.admin_actions: "<claim>: <why>", and nothing changed."""
    claim = claim_assessed(covered_member(aid), handler, amount="100.00")
    client.force_login(handler)
    response = client.post(
        reverse(QUEUE),
        {"action": "pay", ACTION_CHECKBOX_NAME: [claim.pk]},
        follow=True,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [f"{claim.number}: A claim that is Assessed cannot become Paid."]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ASSESSED


@pytest.fixture
def sharing_members(aid, chart_of_accounts):
    return [covered_member(aid) for _ in range(3)]


def test_a_period_without_a_case_is_refused_and_the_admin_offers_no_run(
    client, aid, handler, sharing_members
):
    """Decision (issue 10): a cut-off with no case to share is refused by the service —
    no 0.00 period, no entry; the preview says so and shows no run button."""
    client.force_login(handler)
    url = reverse("admin:claims_apportionmentperiod_run")
    data = {"plan": aid.plan_id, "cutoff": timezone.localdate().isoformat()}

    preview = client.post(url, {**data, "preview": "1"})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "No case to share up to this cut-off" in page
    assert 'name="run"' not in page

    run = client.post(url, {**data, "run": "1"})
    assert run.status_code == 200
    assert "No case to share" in run.content.decode()
    assert ApportionmentPeriod.objects.count() == 0
    assert not JournalEntry.objects.filter(source_type="claims.apportionment").exists()


def test_the_daily_run_skips_a_plan_with_no_case(aid, sharing_members):
    """On an apportionment day with nothing cleared, the job makes no period (it used to
    make a 0.00 one) and the next plan still runs."""
    from claims.services.apportionment import NothingToShare, apportionment_run
    from claims.services.apportionment import apportionments_run_due as run_due

    today = timezone.localdate()
    aid.apportionment_days = str(today.day)
    aid.save(update_fields=["apportionment_days"])
    assert run_due(today=today) == []
    with pytest.raises(NothingToShare) as refused:
        apportionment_run(plan=aid.plan, cutoff=today)
    assert "cutoff" in refused.value.fields
    assert ApportionmentPeriod.objects.count() == 0


def test_the_message_after_a_run_names_the_plan_by_its_name(
    client, aid, handler, approver, sharing_members
):
    claim = claim_approved(covered_member(aid), handler, approver, amount="100.00")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Claim.objects.filter(pk=claim.pk).update(notice_status="cleared", cleared_on=yesterday)
    client.force_login(handler)
    response = client.post(
        reverse("admin:claims_apportionmentperiod_run"),
        {"plan": aid.plan_id, "cutoff": timezone.localdate().isoformat(), "run": "1"},
        follow=True,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(shown) == 1
    assert shown[0].startswith("Apportionment of Mutual aid plan for ")
    assert "done: 1 case shared among 4 members." in shown[0]
    assert aid.plan.code not in shown[0]


def test_a_claim_s_checks_read_in_the_page_s_punctuation_and_formats(client, handler, premium):
    """The automatic checks on the claim page: "label：✔" in Chinese, "label: ✔" in
    English, and the remaining limit as an amount (it read "剩余保障额度: ✔" and
    "剩余额度 300000.00")."""
    claim = claim_make(covered_member(premium))
    client.force_login(handler)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    remaining = Decimal(claim.checks["remaining_limit"])

    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<li>Waiting period passed: ✔</li>" in english
    assert f"Remaining limit {format_money(remaining)};" in english
    assert ": ✔" not in chinese and "：✔" in chinese
    assert f"{remaining:f}" not in chinese


def test_a_claim_s_history_names_its_statuses_in_the_page_s_language(client, handler, premium):
    """The history on the claim page reads 已提交 → 审核中, not the stored values
    "submitted" → "under_review"."""
    from claims.services.handling import claim_review_start

    claim = claim_make(covered_member(premium))
    claim_review_start(claim=claim, actor=handler)
    client.force_login(handler)
    url = reverse("admin:claims_claim_change", args=[claim.pk])

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    history = page[page.index('id="events-group"') :]
    history = history[: history.index("</fieldset>")]

    assert "审核中" in history and "已提交" in history
    assert "under_review" not in history and "submitted" not in history
