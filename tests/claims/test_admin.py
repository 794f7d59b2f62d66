import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from claims.models import ApportionmentPeriod, Claim
from tests.claims.factories import claim_approved, claim_make, covered_member

pytestmark = pytest.mark.django_db


def test_queue_and_detail_pages(client, aid, handler):
    claim = claim_make(covered_member(aid))
    client.force_login(handler)
    listing = client.get(reverse("admin:claims_claim_changelist"), {"status": "submitted"})
    assert listing.status_code == 200 and claim.number in listing.content.decode()
    assert client.get(reverse("admin:claims_claim_changelist"), {"age": "old"}).status_code == 200
    detail = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert detail.status_code == 200
    assert "Cover in force" in detail.content.decode()


def test_actions_call_services_with_four_eyes(client, aid, handler, approver):
    claim = claim_make(covered_member(aid))
    client.force_login(handler)
    url = reverse("admin:claims_claim_changelist")
    client.post(url, {"action": "start_review", ACTION_CHECKBOX_NAME: [claim.pk]})
    form = client.post(url, {"action": "assess", ACTION_CHECKBOX_NAME: [claim.pk]})
    assert form.status_code == 200 and b"investigation_summary" in form.content
    client.post(
        url,
        {
            "action": "assess",
            ACTION_CHECKBOX_NAME: [claim.pk],
            "apply": "yes",
            "amount": "1000.00",
            "reasons": "Checked.",
            "investigation_summary": "",
        },
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ASSESSED and claim.assessed_by == handler
    client.post(url, {"action": "approve", ACTION_CHECKBOX_NAME: [claim.pk], "apply": "yes"})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ASSESSED  # the assessor was refused
    client.force_login(approver)
    client.post(url, {"action": "approve", ACTION_CHECKBOX_NAME: [claim.pk], "apply": "yes"})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED


def test_each_person_is_offered_only_the_actions_they_may_take(client, aid, handler, approver):
    """The claims queue offers a handler review, assessment and payment, an approver
    approval and rejection: not an action whose service would refuse them (found by the
    browser journey, where the handler was offered "Approve")."""
    claim_make(covered_member(aid))
    url = reverse("admin:claims_claim_changelist")
    offered = {}
    for person in (handler, approver):
        client.force_login(person)
        response = client.get(url)
        offered[person.username] = set(response.context["action_form"].fields["action"].choices)
        offered[person.username] = {name for name, _label in offered[person.username] if name}
    assert {"start_review", "request_information", "assess", "send_back", "pay"} <= offered[
        handler.username
    ]
    assert not {"approve", "reject"} & offered[handler.username]
    assert {"approve", "reject", "send_back"} <= offered[approver.username]
    assert not {"start_review", "request_information", "assess", "pay"} & offered[approver.username]


def test_apportionment_preview_writes_nothing_then_run(
    client, aid, handler, approver, chart_of_accounts
):
    for _ in range(2):
        covered_member(aid)
    claim = claim_approved(covered_member(aid), handler, approver, amount="100.00")
    Claim.objects.filter(pk=claim.pk).update(
        notice_status="cleared", cleared_on=timezone.localdate()
    )
    client.force_login(handler)
    url = reverse("admin:claims_apportionmentperiod_run")
    data = {"plan": aid.plan_id, "cutoff": timezone.localdate().isoformat()}
    preview = client.post(url, {**data, "preview": "1"})
    assert preview.status_code == 200 and "108.00" in preview.content.decode()
    assert ApportionmentPeriod.objects.count() == 0
    run = client.post(url, {**data, "run": "1"})
    assert run.status_code == 302
    assert ApportionmentPeriod.objects.get().total.to_eng_string() == "108.00"
    # The same cut-off again, with a case cleared since: refused on the cut-off, not
    # "done" with the earlier period while the new case waits unsaid (a browser journey
    # run twice on one day found it).
    later = claim_approved(covered_member(aid), handler, approver, amount="50.00")
    Claim.objects.filter(pk=later.pk).update(
        notice_status="cleared", cleared_on=timezone.localdate()
    )
    for button in ("preview", "run"):
        again = client.post(url, {**data, button: "1"})
        assert again.status_code == 200
        assert "was already run: it shared 1 case." in again.context["form"].errors["cutoff"][0]
        assert again.context["preview"] is None
    assert ApportionmentPeriod.objects.count() == 1
    later.refresh_from_db()
    assert later.apportionment_period is None
    client.force_login(approver)  # no run_apportionment permission
    assert client.get(url).status_code == 403


def test_staff_decide_a_review_with_no_members_left(client, aid, handler, approver, make_user):
    """The admin action calls panel_staff_decide; the reasons are published."""
    from claims.models import ReviewPanel
    from claims.services.notice import claim_object

    aid.panel_quorum = 3
    aid.save(update_fields=["panel_quorum"])
    members = [covered_member(aid) for _ in range(2)]
    claim = claim_approved(covered_member(aid), handler, approver, amount="100.00")
    for member in members:
        claim_object(claim=claim, member=member, reason="Looks wrong to me.")
    panel = claim.panels.get()
    chief = make_user("chief", roles=("claims_approver",), is_staff=True)
    client.force_login(chief)
    url = reverse("admin:claims_reviewpanel_changelist")
    form = client.post(url, {"action": "staff_decide", ACTION_CHECKBOX_NAME: [panel.pk]})
    assert form.status_code == 200 and "reasons" in form.content.decode()
    client.post(
        url,
        {
            "action": "staff_decide",
            ACTION_CHECKBOX_NAME: [panel.pk],
            "apply": "yes",
            "outcome": "uphold",
            "reasons": "Hospital records confirm the date.",
        },
    )
    panel.refresh_from_db()
    claim.refresh_from_db()
    assert panel.status == ReviewPanel.Status.STAFF_DECIDED and panel.decided_by == chief
    assert claim.notice_status == Claim.Notice.CLEARED
