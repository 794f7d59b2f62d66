"""/me/beneficiaries/: the designation in force with masked numbers, and the formset that
replaces it; and the claims admin, which shows the designation in force on a claim's
event date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from members.models import Designation
from members.services.beneficiaries import BeneficiaryData, designation_change
from tests.members.factories import birth_date, resident_id

pytestmark = pytest.mark.django_db
URL = "/me/beneficiaries/"


def formset(rows: list[dict], *, based_on: int = 0, reason: str = "") -> dict:
    data = {
        "based_on": str(based_on),
        "reason": reason,
        "beneficiaries-TOTAL_FORMS": str(max(len(rows), 2)),
        "beneficiaries-INITIAL_FORMS": "0",
        "beneficiaries-MIN_NUM_FORMS": "0",
        "beneficiaries-MAX_NUM_FORMS": "10",
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"beneficiaries-{i}-{name}"] = value
    return data


def row(share: str, name: str = "王芳", **extra) -> dict:
    return {
        "name": name,
        "relation": "spouse",
        "id_type": "resident_id",
        "id_number": extra.pop("id_number", None) or resident_id(birth_date(40), sex="F"),
        "share": share,
        **extra,
    }


@pytest.fixture
def member_client(client, member):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(member.user)
    return client


def test_the_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_member_names_two_people_and_sees_them_masked(member_client, member):
    first, second = row("70.00"), row("30.00", name="张小明", relation="child")
    response = member_client.post(URL, formset([first, second]))

    assert response.status_code == 302
    page = member_client.get(URL).content.decode()
    assert "王芳" in page and "张小明" in page
    assert first["id_number"] not in page
    assert "*" * 14 + first["id_number"][-4:] in page
    assert "Version 1" in page


def test_shares_of_99_99_come_back_with_the_shares_named(member_client, member):
    response = member_client.post(URL, formset([row("60.00"), row("39.99", name="张小明")]))

    assert response.status_code == 400
    assert "The shares add up to 99.99%" in response.content.decode()
    assert not Designation.objects.filter(member=member).exists()


def test_a_bad_identity_number_is_shown_on_its_row(member_client, member):
    response = member_client.post(URL, formset([row("100.00", id_number="110101199001011234")]))

    assert response.status_code == 400
    errors = response.context["formset"].forms[0].errors
    assert "id_number" in errors


def test_a_double_click_saves_once(member_client, member):
    data = formset([row("100.00")])
    member_client.post(URL, data)
    again = member_client.post(URL, data)

    assert again.status_code == 302
    assert Designation.objects.filter(member=member).count() == 1


def test_the_form_keeps_the_number_on_file_when_left_empty(member_client, member):
    original = row("100.00")
    member_client.post(URL, formset([original]))
    kept = Designation.objects.get(member=member).beneficiaries.get()
    page = member_client.get(URL)
    assert original["id_number"] not in page.content.decode()

    changed = {**original, "id_number": "", "keep": str(kept.pk), "name": "王芳芳"}
    response = member_client.post(URL, formset([changed], based_on=1))

    assert response.status_code == 302
    current = Designation.objects.get(member=member, valid_to__isnull=True)
    assert current.version == 2
    assert current.beneficiaries.get().id_number == original["id_number"]


def test_the_page_is_translated(client, member):
    client.force_login(member.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    response = client.get(URL)

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"


def test_the_claims_admin_shows_the_designation_in_force_on_the_event_date(
    client, make_user, member
):
    """Version 1 stood on the event date; version 2 came after: the claim shows version 1."""
    from claims.services.intake import Upload, claim_submit
    from members.models import Coverage, Member
    from tests.claims.factories import PDF, claim_data

    start = timezone.localdate() - dt.timedelta(days=400)
    Coverage.objects.filter(member=member).update(
        start_date=start, waiting_period_end=start + dt.timedelta(days=90)
    )
    Member.objects.filter(pk=member.pk).update(joined_on=start)
    number = resident_id(birth_date(40), sex="F")
    first = designation_change(
        member=member,
        actor=None,
        beneficiaries=[BeneficiaryData("王芳", "spouse", "resident_id", number, "100.00")],
        based_on=0,
    )
    Designation.objects.filter(pk=first.pk).update(
        valid_from=timezone.now() - dt.timedelta(days=60)
    )
    designation_change(
        member=member,
        actor=None,
        beneficiaries=[
            BeneficiaryData("李雷", "sibling", "resident_id", resident_id(birth_date(30)), "100.00")
        ],
        based_on=1,
    )
    claim = claim_submit(
        member=member,
        data=claim_data(member, event_date=timezone.localdate() - dt.timedelta(days=20)),
        documents=[Upload("report.pdf", PDF)],
        actor=member.user,
    )
    handler = make_user("handler", roles=("claims_handler",), is_staff=True)
    client.force_login(handler)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()

    assert "Version 1" in page
    assert "王芳" in page and "李雷" not in page
    assert number not in page
    assert number[-4:] in page


def test_staff_see_every_version_masked_unless_allowed_the_full_number(client, make_user, member):
    number = resident_id(birth_date(40), sex="F")
    designation = designation_change(
        member=member,
        actor=None,
        beneficiaries=[BeneficiaryData("王芳", "spouse", "resident_id", number, "100.00")],
        based_on=0,
    )
    url = f"/admin/members/designation/{designation.pk}/change/"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    client.force_login(make_user("approver", roles=("claims_approver",), is_staff=True))
    masked = client.get(url).content.decode()
    client.force_login(make_user("handler", roles=("claims_handler",), is_staff=True))
    full = client.get(url).content.decode()

    assert "王芳" in masked and number not in masked and number[-4:] in masked
    assert number in full
