"""The member admin: search, masked identity numbers, history, export and lifecycle."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from members.models import Coverage, Member, MemberEvent, mask_identity_number
from members.services.lifecycle import member_suspend
from tests.members.factories import (
    member_make,
    mutual_aid_plan_make,
    pay,
    person_data,
    premium_plan_make,
    user_with_perms,
)

pytestmark = pytest.mark.django_db

URL = reverse("admin:members_member_changelist")


def change_url(member: Member) -> str:
    return reverse("admin:members_member_change", args=[member.pk])


@pytest.fixture
def version():
    return premium_plan_make(code="life")


@pytest.fixture
def member(version):
    return member_make(version, person=person_data(legal_name="欧阳娜娜", sex="F"))


def act(client, action: str, members, **data):
    return client.post(
        URL, {"action": action, ACTION_CHECKBOX_NAME: [m.pk for m in members], **data}, follow=True
    )


# --- Identity numbers ---


def test_identity_numbers_are_masked_without_the_permission(client, member):
    reader = user_with_perms("reader", "members.view_member")
    client.force_login(reader)

    for url in (URL, change_url(member)):
        html = client.get(url).content.decode()
        assert member.id_number not in html
        assert mask_identity_number(member.id_number) in html


def test_identity_numbers_are_shown_in_full_with_the_permission(client, member):
    officer = user_with_perms("officer", "members.view_member", "members.view_identity_number")
    client.force_login(officer)

    for url in (URL, change_url(member)):
        assert member.id_number in client.get(url).content.decode()


# --- Search and filters ---


@pytest.mark.parametrize(
    "term",
    ["number", "name", "phone prefix", "identity number", "identity number lower case"],
)
def test_search_by_number_name_phone_or_identity_number(staff, version, member, term):
    other = member_make(version)
    query = {
        "number": member.member_number,
        "name": "欧阳",
        "phone prefix": member.phone[:7],
        "identity number": member.id_number,
        "identity number lower case": member.id_number.lower(),
    }[term]

    response = staff.get(URL, {"q": query})

    results = list(response.context["cl"].result_list)
    assert member in results
    if term != "phone prefix":
        assert other not in results


def test_a_partial_identity_number_finds_nobody(staff, member):
    """Only a whole identity number matches: the list must not be a way to guess one."""
    response = staff.get(URL, {"q": member.id_number[:10]})
    assert list(response.context["cl"].result_list) == []


def test_filters_by_status_plan_and_region(staff, version, member):
    aid = mutual_aid_plan_make(code="aid")
    other = member_make(aid, person=person_data(region="44"))
    member_suspend(member=member, actor=None, reason="test")

    def results(**params):
        return set(staff.get(URL, params).context["cl"].result_list)

    assert results(status="suspended") == {member}
    assert results(coverages__plan__id__exact=aid.plan_id) == {other}
    assert results(region="44") == {other}


def test_the_list_takes_the_same_number_of_queries_for_more_members(
    staff, version, django_assert_max_num_queries
):
    member_make(version)
    with django_assert_max_num_queries(20) as few:
        staff.get(URL)
    for _ in range(5):
        member_make(version)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(URL)


# --- The change page ---


def test_the_change_page_shows_cover_dues_payments_and_the_whole_history(staff, member):
    pay(member, "12.34")

    response = staff.get(change_url(member))

    html = response.content.decode()
    assert "life v1" in html
    assert "12.34" in html
    events = list(member.events.order_by("-at", "-id"))
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    history = next(f for p, f in formsets.items() if p.startswith("events"))
    assert [f.instance for f in history.forms] == events  # newest first
    for formset in formsets.values():
        assert not formset.forms or not formset.forms[0].fields.get("DELETE")


def test_status_number_and_dates_are_read_only(staff, member):
    number = member.member_number
    page = staff.get(change_url(member))
    html = page.content.decode()
    for name in ("status", "member_number", "joined_on", "legal_name", "id_number"):
        assert f'name="{name}"' not in html
    assert 'name="phone"' in html

    response = staff.post(
        change_url(member),
        {
            "status": "deceased",
            "member_number": "X",
            "legal_name": "Someone else",
            "phone": member.phone,
            "email": member.email,
            "region": member.region,
            "address": "新地址",
            **_inlines(page),
        },
    )

    assert response.status_code == 302  # saved: only the contact details took
    member.refresh_from_db()
    assert (member.status, member.member_number, member.legal_name) == (
        "active",
        number,
        "欧阳娜娜",
    )
    assert member.address == "新地址"


def _inlines(page) -> dict:
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{inline.formset.prefix}-{name}"] = management[name].value()
    return data


def test_contact_details_are_changed_through_the_service(staff, admin_user, member):
    page = staff.get(change_url(member))

    response = staff.post(
        change_url(member),
        {
            "phone": "13800001111",
            "email": "new@example.com",
            "region": "31",
            "address": "上海市",
            **_inlines(page),
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.region) == ("13800001111", "31")
    changed = member.events.filter(type=MemberEvent.Type.PROFILE, actor=admin_user)
    assert set(changed.values_list("data__field", flat=True)) == {
        "phone",
        "email",
        "region",
        "address",
    }


def test_a_contact_change_the_service_refuses_is_reported_and_nothing_is_saved(staff, member):
    page = staff.get(change_url(member))

    response = staff.post(
        change_url(member),
        {
            "phone": "12345",
            "email": "new@example.com",
            "region": "31",
            "address": "",
            **_inlines(page),
        },
        follow=True,
    )

    assert "Enter an 11-digit mobile number" in response.content.decode()
    member.refresh_from_db()
    assert member.email != "new@example.com"
    assert not member.events.filter(type=MemberEvent.Type.PROFILE).exists()


def test_members_cannot_be_added_or_deleted(staff, member):
    assert staff.get(reverse("admin:members_member_add")).status_code == 403
    assert staff.get(reverse("admin:members_member_delete", args=[member.pk])).status_code == 403
    assert (
        "delete_selected"
        not in staff.get(URL).context["action_form"].fields["action"].choices.__repr__()
    )


# --- Export ---


def export(client, members) -> list[list[str]]:
    response = client.post(
        URL, {"action": "export_csv", ACTION_CHECKBOX_NAME: [m.pk for m in members]}
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="members-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_has_one_row_per_selected_member_with_the_identity_masked(
    client, version, member
):
    aid = mutual_aid_plan_make(code="aid")
    other = member_make(aid)
    member_make(version)  # not selected
    client.force_login(user_with_perms("reader", "members.view_member"))

    header, *rows = export(client, [member, other])

    assert header == [
        "member_number",
        "legal_name",
        "id_type",
        "id_number",
        "date_of_birth",
        "sex",
        "phone",
        "email",
        "region",
        "address",
        "status",
        "joined_on",
        "plans",
    ]
    assert [r[0] for r in rows] == [member.member_number, other.member_number]
    first = dict(zip(header, rows[0], strict=True))
    assert first["legal_name"] == "欧阳娜娜"
    assert first["id_number"] == mask_identity_number(member.id_number)
    assert first["date_of_birth"] == member.date_of_birth.isoformat()
    assert (first["status"], first["plans"]) == ("active", "life")
    assert rows[1][-1] == "aid"


def test_the_export_shows_full_identity_numbers_with_the_permission(client, member):
    client.force_login(
        user_with_perms("officer", "members.view_member", "members.view_identity_number")
    )
    _header, row = export(client, [member])
    assert row[3] == member.id_number


def test_the_export_defuses_spreadsheet_formulas(staff, version):
    member = member_make(version, person=person_data(address="=HYPERLINK(1)"))
    _header, row = export(staff, [member])
    assert row[9] == "'=HYPERLINK(1)"


# --- Lifecycle ---


def test_suspending_needs_a_reason_and_goes_through_the_service(staff, admin_user, member):
    first = act(staff, "suspend", [member])
    assert first.templates[0].name == "admin/action_form.html"
    refused = act(staff, "suspend", [member], apply="yes", reason="")
    assert "reason" in refused.context["form"].errors
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE

    response = act(staff, "suspend", [member], apply="yes", reason="Premium unpaid.")

    assert "1 member suspended." in response.content.decode()
    member.refresh_from_db()
    assert member.status == Member.Status.SUSPENDED
    assert member.coverages.get().status == Coverage.Status.SUSPENDED
    event = member.events.filter(type=MemberEvent.Type.STATUS).first()
    assert (event.actor, event.reason, event.new_value) == (
        admin_user,
        "Premium unpaid.",
        "suspended",
    )


def test_reinstating_a_suspended_member_and_refusing_an_active_one(staff, version, member):
    active = member_make(version)
    member_suspend(member=member, actor=None, reason="test")

    response = act(staff, "reinstate", [member, active], apply="yes", reason="Arrears waived.")

    html = response.content.decode()
    assert "1 member reinstated." in html
    assert "Only a suspended membership can be reinstated." in html
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE


def test_recording_a_death(staff, member):
    died_on = member.joined_on.isoformat()
    response = act(
        staff,
        "mark_deceased",
        [member],
        apply="yes",
        reason="Death certificate seen.",
        died_on=died_on,
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.status == Member.Status.DECEASED
    assert member.coverages.get().status == Coverage.Status.ENDED
    assert member.events.filter(new_value=died_on).exists()


def test_a_date_of_death_before_joining_is_refused_with_the_reason(staff, member):
    """The admin shows the service's refusal (a mistyped year) and changes nothing."""
    response = act(
        staff,
        "mark_deceased",
        [member],
        apply="yes",
        reason="Death certificate seen.",
        died_on="0001-01-01",
    )

    assert response.status_code == 200
    assert (
        f"The date of death 0001-01-01 is before {member.joined_on.isoformat()}, when the "
        "member joined; check the year."
    ) in response.content.decode()
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE


def test_a_reader_has_no_lifecycle_actions(client, member):
    client.force_login(user_with_perms("reader", "members.view_member"))
    choices = [c[0] for c in client.get(URL).context["action_form"].fields["action"].choices]
    assert choices == ["", "export_csv"]
