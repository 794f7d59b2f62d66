"""The enrolment wizard at /join/: five steps through the test client, every step checked
by the services' own rules, nothing saved until the last step succeeds."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from members.models import (
    Application,
    ConsentDocument,
    ContributionDue,
    Coverage,
    Member,
)
from mutualsociety.common.exceptions import InvalidInput
from tests.members.factories import (
    PASSWORD,
    birth_date,
    enrol,
    premium_plan_make,
    resident_id,
)

from .conftest import (
    Wizard,
    consent_data,
    current_step,
    declaration_data,
    login_data,
    person_form_data,
    plan_data,
    step_errors,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "members": Member.objects.count(),
        "applications": Application.objects.count(),
        "coverages": Coverage.objects.count(),
    }


def walk(client, version, *, yes=(), person=None, frequency="monthly", username="new.member"):
    """Post every step; return the last response."""
    wizard = Wizard(client)
    assert wizard.start().status_code == 200
    response = wizard.post("plan", plan_data(version, frequency))
    assert current_step(response) == "person", step_errors(response)
    response = wizard.post("person", person or person_form_data())
    assert current_step(response) == "declaration", step_errors(response)
    response = wizard.post("declaration", declaration_data(version, yes=yes))
    assert current_step(response) == "consents", step_errors(response)
    response = wizard.post("consents", consent_data())
    assert current_step(response) == "login", step_errors(response)
    return wizard.post("login", login_data(username))


# --- The three outcomes ---


def test_an_accepted_applicant_is_signed_in_and_sees_the_member_number(client, premium):
    """Accepted: a member number, the cover, the waiting period and the first premium."""
    response = walk(client, premium)

    assert response.status_code == 302
    assert response["Location"] == "/me/application/"
    member = Member.objects.get()
    assert member.status == Member.Status.ACTIVE
    assert member.email == "new.member@example.com"
    assert member.user.username == "new.member"
    assert member.consents.count() == 2
    assert member.applications.get().channel == Application.Channel.PORTAL
    # The new member is signed in.
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["user"] == member.user
    text = page.content.decode()
    assert "accepted" in text
    assert member.member_number in text
    coverage = Coverage.objects.get(member=member)
    assert page.context["coverage"] == coverage
    assert "90 days left" in text
    due = ContributionDue.objects.get(coverage=coverage)
    assert page.context["first_due"] == due
    assert "30.00" in text


def test_a_mutual_aid_plan_needs_no_frequency(client, aid):
    response = walk(client, aid, frequency="")

    assert response.status_code == 302
    coverage = Coverage.objects.get()
    assert coverage.plan == aid.plan
    assert coverage.premium is None
    page = client.get(response["Location"])
    assert "your share of the claims approved" in page.content.decode()


def test_a_referred_applicant_is_told_an_underwriter_will_review_it(client, premium):
    response = walk(client, premium, yes=("refer",))

    assert response.status_code == 302
    member = Member.objects.get()
    assert member.status == Member.Status.APPLICANT
    assert member.member_number is None
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "An underwriter will review your application" in text
    assert "Have you been in hospital in the last two years?" in text
    assert not Coverage.objects.exists()


def test_a_declined_applicant_is_told_why_politely(client, premium):
    response = walk(client, premium, yes=("decline",))

    assert response.status_code == 302
    assert Member.objects.get().status == Member.Status.DECLINED
    text = client.get(response["Location"]).content.decode()
    assert "We are sorry: your application was not accepted" in text
    assert "Have you ever been diagnosed with cancer?" in text
    assert not Coverage.objects.exists()


# --- Step 1: the plan ---


def test_the_plan_step_shows_each_open_plan_with_its_terms(client, premium, aid):
    premium_plan_make(code="closed", is_open=False)
    premium_plan_make(code="draft", publish=False)

    response = Wizard(client).start()

    assert response.status_code == 200
    offers = response.context["wizard"]["form"].offers
    assert [o.plan.code for o in offers] == ["aid", "care"]
    text = response.content.decode()
    assert "Premium-funded mutual insurance" in text
    assert "Post-funded mutual aid plan" in text
    assert "18 to 65 years" in text
    assert "90 days" in text
    assert "88.50" in text  # the quarterly premium of the youngest band
    assert "340.00" in text
    assert "300,000" in text  # a mutual aid benefit


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "plan", "Choose a plan."),
        ({"plan": "nope"}, "plan", "There is no plan with the code nope."),
        ({"plan": "care"}, "payment_frequency", "Choose how often to pay"),
    ],
)
def test_the_plan_step_refuses_bad_input(client, premium, data, field, message):
    wizard = Wizard(client)
    wizard.start()

    response = wizard.post("plan", data)

    assert response.status_code == 200
    assert current_step(response) == "plan"
    assert message in " ".join(step_errors(response)[field])


def test_a_closed_plan_is_refused_with_the_services_message(client, premium):
    wizard = Wizard(client)
    wizard.start()
    premium.plan.is_open = False
    premium.plan.save()

    response = wizard.post("plan", plan_data(premium))

    assert "closed to new members" in step_errors(response)["plan"][0]


# --- Step 2: the person ---


def person_step(client, version):
    wizard = Wizard(client)
    wizard.start()
    response = wizard.post("plan", plan_data(version))
    assert current_step(response) == "person"
    return wizard


def test_an_identity_number_with_a_wrong_check_character_is_refused(client, premium):
    wizard = person_step(client, premium)
    good = resident_id(birth_date(30))
    wrong = good[:17] + ("0" if good[17] != "0" else "1")

    response = wizard.post("person", person_form_data(id_number=wrong))

    assert response.status_code == 200
    assert current_step(response) == "person"
    assert f"The last character should be {good[17]}" in step_errors(response)["id_number"][0]
    assert counts() == {"users": 0, "members": 0, "applications": 0, "coverages": 0}


def test_a_birth_date_that_disagrees_with_the_identity_number_is_refused(client, premium):
    wizard = person_step(client, premium)
    born = birth_date(30)
    data = person_form_data(id_number=resident_id(born), date_of_birth=birth_date(31).isoformat())

    response = wizard.post("person", data)

    assert current_step(response) == "person"
    message = step_errors(response)["date_of_birth"][0]
    assert message == f"The identity number says you were born on {born.isoformat()}."


def test_an_age_outside_the_plan_limits_is_refused(client, premium):
    wizard = person_step(client, premium)
    born = birth_date(70)

    response = wizard.post(
        "person", person_form_data(id_number=resident_id(born), date_of_birth=born.isoformat())
    )

    assert current_step(response) == "person"
    assert "accepts members aged 18 to 65; you are 70" in step_errors(response)["date_of_birth"][0]


def test_a_second_membership_for_the_same_person_is_refused(client, premium, member):
    wizard = person_step(client, premium)
    data = person_form_data(
        id_number=member.id_number.lower(),
        date_of_birth=member.date_of_birth.isoformat(),
        sex=member.sex,
    )

    response = wizard.post("person", data)

    assert current_step(response) == "person"
    assert (
        "A membership already exists for this identity number"
        in (step_errors(response)["id_number"][0])
    )


def test_missing_personal_data_gives_the_services_messages(client, premium):
    wizard = person_step(client, premium)

    response = wizard.post("person", {"id_type": "resident_id"})

    errors = step_errors(response)
    assert errors["legal_name"] == ["Enter your name as it is written on your identity document."]
    assert errors["id_number"] == ["Enter the identity number."]
    assert errors["date_of_birth"] == ["Enter the date of birth."]
    assert "phone" in errors
    assert "region" in errors
    assert "email" not in errors
    assert "address" not in errors
    # The page says which fields are optional, and links the errors to their fields.
    text = response.content.decode()
    assert 'href="#id_person-legal_name"' in text
    assert 'href="#id_person-sex"' in text


def test_a_date_that_is_not_a_date_is_reported_once(client, premium):
    wizard = person_step(client, premium)

    response = wizard.post("person", person_form_data(date_of_birth="31/31/1990"))

    assert step_errors(response)["date_of_birth"] == ["Enter a valid date."]


# --- Step 3: the health declaration ---


def declaration_step(client, version):
    wizard = person_step(client, version)
    response = wizard.post("person", person_form_data())
    assert current_step(response) == "declaration"
    return wizard, response


def test_the_declaration_has_a_yes_no_question_each_with_nothing_preselected(client, premium):
    _wizard, response = declaration_step(client, premium)

    text = response.content.decode()
    for question in premium.questions.all():
        assert question.text_en in text
    assert text.count('<input type="radio"') == 2 * premium.questions.count()
    assert not re.search(r"<input[^>]*\bchecked\b", text)


def test_an_unanswered_question_is_refused(client, premium):
    wizard, _response = declaration_step(client, premium)
    answers = declaration_data(premium)
    first = premium.questions.order_by("order").first()
    del answers[f"q_{first.pk}"]

    response = wizard.post("declaration", answers)

    assert current_step(response) == "declaration"
    assert step_errors(response) == {f"q_{first.pk}": [f"Answer yes or no: {first.text_en}"]}


def test_a_plan_without_questions_skips_the_declaration(client, documents):
    version = premium_plan_make(code="simple", questions=False)
    wizard = person_step(client, version)

    response = wizard.post("person", person_form_data())

    assert current_step(response) == "consents"
    assert [step for step, _title in response.context["step_list"]] == [
        "plan",
        "person",
        "consents",
        "login",
    ]


# --- Step 4: consents ---


def consents_step(client, version):
    wizard, _response = declaration_step(client, version)
    response = wizard.post("declaration", declaration_data(version))
    assert current_step(response) == "consents"
    return wizard, response


def test_the_documents_in_force_are_shown_with_their_versions(client, premium, documents):
    _wizard, response = consents_step(client, premium)

    text = response.content.decode()
    assert "Articles of association" in text
    assert "Privacy notice" in text
    assert "Version 2025.1" in text
    assert 'class="document-text" tabindex="0" role="region"' in text


def test_a_missing_consent_is_refused(client, premium):
    wizard, _response = consents_step(client, premium)

    response = wizard.post("consents", {"articles_version": "2025.1"})

    assert current_step(response) == "consents"
    assert step_errors(response) == {
        "privacy_version": ["You must consent to Privacy notice to join."]
    }
    assert counts()["members"] == 0


def test_a_new_document_published_meanwhile_must_be_read_again(client, premium, documents):
    wizard, _response = consents_step(client, premium)
    articles = documents[ConsentDocument.Kind.ARTICLES]
    ConsentDocument.objects.create(
        kind="articles",
        version="2026.1",
        title="章程",
        title_en="Articles of association",
        body="新",
        effective_from=articles.effective_from.replace(year=articles.effective_from.year + 1),
    )

    response = wizard.post("consents", consent_data())

    assert current_step(response) == "consents"
    assert "is not the one in force (2026.1)" in step_errors(response)["articles_version"][0]


# --- Step 5: the login ---


def login_step(client, version):
    wizard, _response = consents_step(client, version)
    response = wizard.post("consents", consent_data())
    assert current_step(response) == "login"
    return wizard


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (login_data(password="12345678"), "password", "This password is entirely numeric."),
        (login_data(password="short"), "password", "This password is too short."),
        (
            {"username": "new.member", "password": PASSWORD, "password2": "other"},
            "password2",
            "The two passwords differ",
        ),
        (login_data(username="bad name!"), "username", "Enter a valid username"),
    ],
)
def test_a_weak_or_mistyped_password_is_refused(client, premium, data, field, message):
    wizard = login_step(client, premium)

    response = wizard.post("login", data)

    assert response.status_code == 200
    assert current_step(response) == "login"
    assert message in " ".join(step_errors(response)[field])
    assert counts() == {"users": 0, "members": 0, "applications": 0, "coverages": 0}


def test_a_taken_user_name_is_refused(client, premium, make_user):
    make_user("Taken.Name")
    wizard = login_step(client, premium)

    response = wizard.post("login", login_data(username="taken.name"))

    assert step_errors(response)["username"] == ["This user name is taken; choose another."]


def test_a_failed_last_step_keeps_no_password_in_the_session(client, premium):
    wizard = login_step(client, premium)

    wizard.post("login", {"username": "new.member", "password": PASSWORD, "password2": "x"})

    assert PASSWORD not in str(dict(client.session))


# --- When the service refuses at the end ---


def test_a_refusal_at_submission_is_shown_on_the_step_that_owns_the_field(
    client, premium, monkeypatch
):
    """Another person enrolled the same identity number between the steps and the
    submission: the person step shows the error, with the data typed kept."""
    wizard = login_step(client, premium)

    def refuse(**kwargs):
        raise InvalidInput(
            "A membership already exists for this identity number.", field="id_number"
        )

    monkeypatch.setattr("members.views.applications.enrolment_submit", refuse)
    response = wizard.post("login", login_data())

    assert response.status_code == 200
    assert current_step(response) == "person"
    assert step_errors(response)["id_number"] == [
        "A membership already exists for this identity number."
    ]
    assert response.context["wizard"]["form"]["legal_name"].value() == "张三"
    assert PASSWORD not in str(dict(client.session))


def test_a_refusal_without_a_field_is_a_general_error_on_the_last_step(
    client, premium, monkeypatch
):
    wizard = login_step(client, premium)

    def refuse(**kwargs):
        raise InvalidInput("Something in the society's set-up is missing.")

    monkeypatch.setattr("members.views.applications.enrolment_submit", refuse)
    response = wizard.post("login", login_data())

    assert response.status_code == 200
    assert current_step(response) == "login"
    assert step_errors(response) == {None: ["Something in the society's set-up is missing."]}


def test_going_back_keeps_the_earlier_answers(client, premium):
    wizard = login_step(client, premium)

    response = wizard.back_to("person", current="login")

    assert current_step(response) == "person"
    assert response.context["wizard"]["form"]["legal_name"].value() == "张三"
    assert "Change the plan" in response.content.decode()


def test_a_member_who_opens_join_is_sent_to_the_dashboard(member_client):
    response = member_client.get("/join/")

    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_a_referred_applicant_who_opens_join_is_sent_to_the_dashboard(client, premium):
    client.force_login(enrol(premium, yes=("refer",)).member.user)

    response = client.get("/join/", follow=True)

    assert response.redirect_chain == [("/me/", 302)]
    assert "Your application is with an underwriter" in response.content.decode()


def test_a_declined_applicant_who_opens_join_applies_through_the_membership(client, premium):
    client.force_login(enrol(premium, yes=("decline",)).member.user)

    response = client.get("/join/")

    assert response["Location"] == "/me/coverages/add/"


def test_a_signed_in_person_without_membership_may_join(client, premium, plain_user):
    client.force_login(plain_user)

    response = walk(client, premium, username="second.login")

    assert response.status_code == 302
    member = Member.objects.get()
    assert member.user.username == "second.login"
    assert client.get("/me/").context["user"] == member.user


def test_the_wizard_pages_are_not_cached(client, premium):
    response = Wizard(client).start()

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_declined_applicant_can_apply_again_signed_in(client, premium, aid):
    """Declined once, a person signs in with their login and applies for another plan."""
    application = enrol(premium, yes=("decline",))
    client.force_login(application.member.user)
    wizard = Wizard(client, url="/me/coverages/add/", prefix="coverage_add_wizard")
    wizard.start()
    wizard.post("plan", plan_data(aid, frequency=""))

    response = wizard.post("declaration", declaration_data(aid))

    assert response.status_code == 302
    member = Member.objects.get(pk=application.member_id)
    assert member.status == Member.Status.ACTIVE
    assert member.member_number
