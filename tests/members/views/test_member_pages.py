"""The member's own pages: contact details, statement, certificate, withdrawal and
applying for another plan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from members.models import Application, Coverage, Member, MemberEvent
from members.services.lifecycle import member_lapse, member_suspend
from tests.members.factories import enrol, member_make, pay

from .conftest import ADD_URL, Wizard, current_step, declaration_data, plan_data, step_errors

pytestmark = pytest.mark.django_db


# --- Contact details ---


def test_the_profile_shows_identity_read_only_and_masked(member_client, member):
    response = member_client.get("/me/profile/")

    assert response.status_code == 200
    text = response.content.decode()
    assert member.masked_id_number in text
    assert member.id_number not in text
    assert member.legal_name in text
    assert "can only be changed by the society's staff" in text
    form = response.context["form"]
    assert set(form.fields) == {"phone", "email", "region", "address"}
    assert form.initial["phone"] == member.phone


def test_contact_details_are_changed_through_the_service(member_client, member):
    response = member_client.post(
        "/me/profile/",
        {"phone": "138 0013 8000", "email": "new@example.com", "region": "31", "address": "上海"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.email, member.region, member.address) == (
        "13800138000",
        "new@example.com",
        "31",
        "上海",
    )
    assert member.user.email == "new@example.com"
    assert member.events.filter(type=MemberEvent.Type.PROFILE).count() == 4


def test_identity_fields_cannot_be_changed_from_the_portal(member_client, member):
    name, number = member.legal_name, member.id_number

    member_client.post(
        "/me/profile/",
        {
            "phone": member.phone,
            "region": member.region,
            "legal_name": "Someone Else",
            "id_number": "110101199001011237",
        },
    )

    member.refresh_from_db()
    assert (member.legal_name, member.id_number) == (name, number)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"phone": "12345", "region": "11"}, "phone", "Enter an 11-digit mobile number"),
        ({"phone": "13800138000", "region": "11", "email": "x@"}, "email", "valid e-mail"),
        ({"phone": "13800138000", "region": ""}, "region", "Choose your province"),
    ],
)
def test_bad_contact_details_are_refused_with_the_field(
    member_client, member, data, field, message
):
    before = (member.phone, member.email, member.region)

    response = member_client.post("/me/profile/", data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    member.refresh_from_db()
    assert (member.phone, member.email, member.region) == before


# --- Statement ---


def test_the_statement_lists_dues_payments_and_totals(member_client, member):
    pay(member, "50.00")

    response = member_client.get("/me/statement/")

    assert response.status_code == 200
    statement = response.context["statement"]
    assert [d.amount for d in statement.dues] == [Decimal("30.00")]
    assert statement.total_paid == Decimal("50.00")
    assert statement.advance == Decimal("20.00")
    assert statement.outstanding == Decimal("0.00")
    text = response.content.decode()
    assert "Premium" in text
    assert "50.00" in text
    assert "20.00" in text
    assert "Bank transfer" in text


# --- Certificate ---


def test_the_certificate_is_a_pdf_named_with_the_member_number(member_client, member):
    response = member_client.get("/me/certificate.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{member.member_number}.pdf"'
    )
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_each_member_gets_their_own_certificate(client, member, premium):
    """There is no id in the URL: the certificate is always the signed-in member's."""
    other = member_make(premium)

    client.force_login(other.user)
    response = client.get("/me/certificate.pdf")

    assert other.member_number in response["Content-Disposition"]
    assert member.member_number not in response["Content-Disposition"]


def test_a_suspended_member_still_gets_a_certificate(member_client, member):
    member_suspend(member=member, reason="unpaid")

    assert member_client.get("/me/certificate.pdf").status_code == 200


def test_no_certificate_without_an_active_or_suspended_membership(client, premium, member):
    referred = enrol(premium, yes=("refer",)).member
    declined = enrol(premium, yes=("decline",)).member
    member_suspend(member=member, reason="unpaid")
    lapsed = member_lapse(member=member, reason="not reinstated")

    for person in (referred, declined, lapsed):
        client.force_login(person.user)
        assert client.get("/me/certificate.pdf").status_code == 404, person.status


# --- Withdrawal ---


def test_the_withdrawal_page_explains_the_consequences(member_client):
    text = member_client.get("/me/withdraw/").content.decode()

    assert "Your cover ends on that date." in text
    assert "public notice" not in text  # only a mutual aid member owes shares after leaving


def test_a_mutual_aid_member_is_told_about_shares_on_public_notice(client, aid):
    member = member_make(aid)
    client.force_login(member.user)

    text = client.get("/me/withdraw/").content.decode()

    assert "already on public notice" in text


def test_withdrawing_needs_the_confirmation(member_client, member):
    response = member_client.post("/me/withdraw/", {"reason": "Moving abroad"})

    assert response.status_code == 200
    assert response.context["form"].errors["confirm"] == [
        "Tick the box to confirm that you want to withdraw."
    ]
    member.refresh_from_db()
    assert member.withdrawal_effective_on is None


def test_a_withdrawal_shows_its_effective_date_afterwards(member_client, member):
    pay(member, "30.00")

    response = member_client.post(
        "/me/withdraw/", {"reason": "Moving abroad", "confirm": "on"}, follow=True
    )

    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE
    assert member.withdrawal_effective_on is not None
    text = response.content.decode()
    assert "Your withdrawal is recorded. It takes effect on" in text
    assert "You asked to withdraw. It takes effect on" in text
    assert member.events.get(type=MemberEvent.Type.WITHDRAWAL).reason == "Moving abroad"


def test_a_withdrawal_effective_today_ends_the_cover(member_client, member):
    response = member_client.post("/me/withdraw/", {"confirm": "on"}, follow=True)

    member.refresh_from_db()
    assert member.status == Member.Status.WITHDRAWN
    assert not Coverage.objects.filter(member=member, status=Coverage.Status.IN_FORCE).exists()
    assert "You have withdrawn from the society" in response.content.decode()


def test_a_second_withdrawal_is_refused_with_a_message(member_client, member):
    pay(member, "30.00")
    member_client.post("/me/withdraw/", {"confirm": "on"})

    response = member_client.post("/me/withdraw/", {"confirm": "on"}, follow=True)

    assert "You asked to withdraw already" in response.content.decode()
    assert member.events.filter(type=MemberEvent.Type.WITHDRAWAL).count() == 1


def test_a_lapsed_member_cannot_withdraw(member_client, member):
    member_suspend(member=member, reason="unpaid")
    member_lapse(member=member, reason="not reinstated")

    response = member_client.get("/me/withdraw/")
    assert "Only an active or suspended member can withdraw" in response.content.decode()
    response = member_client.post("/me/withdraw/", {"confirm": "on"}, follow=True)
    assert "Only an active or suspended member can withdraw" in response.content.decode()


# --- Applying for another plan ---


def add_wizard(client) -> Wizard:
    wizard = Wizard(client, url=ADD_URL, prefix="coverage_add_wizard")
    assert wizard.start().status_code == 200
    return wizard


def test_a_member_applies_for_another_plan(member_client, member, aid, premium):
    wizard = add_wizard(member_client)
    response = wizard.start()
    assert [o.plan.code for o in response.context["wizard"]["form"].offers] == ["aid"]

    response = wizard.post("plan", plan_data(aid, frequency=""))
    assert current_step(response) == "declaration"
    response = wizard.post("declaration", declaration_data(aid))

    assert response.status_code == 302
    application = Application.objects.filter(member=member).latest("submitted_at")
    assert application.status == Application.Status.ACCEPTED
    assert application.plan_version == aid
    text = member_client.get(response["Location"]).content.decode()
    assert "Your application is accepted" in text
    assert f"The new cover is added to your membership {member.member_number}" in text
    assert "Welcome" not in text


def test_applying_for_a_referred_plan_shows_the_review(member_client, member, aid):
    wizard = add_wizard(member_client)
    wizard.post("plan", plan_data(aid, frequency=""))

    response = wizard.post("declaration", declaration_data(aid, yes=("refer",)))

    text = member_client.get(response["Location"]).content.decode()
    assert "An underwriter will review your application" in text


def test_a_plan_already_held_is_refused(member_client, member, premium):
    wizard = add_wizard(member_client)

    response = wizard.post("plan", plan_data(premium))

    assert current_step(response) == "plan"
    assert step_errors(response) == {"plan": ["Choose one of the plans shown."]}


def test_an_age_outside_the_plan_is_shown_on_the_plan(member_client, member, documents):
    from tests.members.factories import premium_plan_make

    premium_plan_make(
        code="young",
        min_entry_age=0,
        max_entry_age=10,
        bands=((0, 10, "1000.00", "1.00", "3.00", "12.00"),),
    )
    wizard = add_wizard(member_client)

    response = wizard.post("plan", {"plan": "young", "payment_frequency": "annual"})

    assert current_step(response) == "plan"
    assert "accepts members aged 0 to 10" in step_errors(response)["plan"][0]


def test_a_suspended_member_cannot_add_a_coverage(member_client, member):
    member_suspend(member=member, reason="unpaid")

    response = member_client.get(ADD_URL, follow=True)

    assert response.redirect_chain[-1][0] == "/me/"
    assert "Only an active member can add a coverage" in response.content.decode()
