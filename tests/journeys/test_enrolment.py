"""Journey 1: a person enrols in the mutual aid plan through /join/, answers a health
question so that the application is referred, and is told so; an underwriter accepts it
in the admin; the new member signs in with the login chosen at enrolment and sees the
cover with the date its waiting period ends. The welcome e-mail goes out through the
worker.

Each run is a new person (a fresh valid resident identity number, phone and user name),
so the journey runs again on the same platform."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from members.identity import check_character

from .conftest import JOURNEY, eventually

pytestmark = JOURNEY

PLAN = "mutual-aid"


def new_person() -> dict[str, str]:
    """A person nobody has enrolled: a resident identity number valid under GB 11643-1999
    (Shanghai, Pudong; born 1991; a woman: an even sequence digit)."""
    token = secrets.token_hex(3)
    born = dt.date(1991, 1, 1) + dt.timedelta(days=secrets.randbelow(365))
    sequence = secrets.randbelow(500) * 2  # even: a woman
    body = f"310115{born:%Y%m%d}{sequence:03d}"
    return {
        "legal_name": f"林晓{secrets.choice('安宁静雅欣怡')}{secrets.choice('兰梅竹菊')}",
        "id_number": body + check_character(body),
        "born": born.isoformat(),
        "phone": f"139{secrets.randbelow(10**8):08d}",
        "email": f"journey-{token}@example.com",
        "username": f"journey_{token}",
        "password": f"Tongzhou-{secrets.token_urlsafe(9)}",
    }


def next_step(applicant) -> None:
    """The wizard's main button (Continue, then Join the society on the last step)."""
    with applicant.page.expect_navigation():
        applicant.page.click("form.wizard-form button.button:not([name])")


def test_a_person_enrols_is_referred_accepted_and_sees_the_waiting_period(journey, platform):
    person = new_person()
    applicant = journey("applicant", language="en")
    underwriter = journey("underwriter")
    # The plan's terms as published, and the day in the society's time zone.
    terms = json.loads(
        platform.shell(
            "import json; from django.utils import timezone, formats, translation; "
            "from datetime import timedelta; from members.models import Plan; "
            f"v = Plan.objects.get(code='{PLAN}').versions.order_by('-number').first(); "
            "end = timezone.localdate() + timedelta(days=v.waiting_period_days); "
            "translation.activate('en'); "
            "print(json.dumps({'days': v.waiting_period_days, "
            "'ends': formats.date_format(end, 'DATE_FORMAT')}))"
        ).splitlines()[-1]
    )

    with applicant.step("choose the plan"):
        applicant.go("/join/")
        assert "Step 1 of 5" in applicant.text()
        card = applicant.page.locator(".plan-option", has_text="Tongzhou mutual aid plan")
        assert f"{terms['days']} days" in card.inner_text(), "the waiting period is stated"
        applicant.shot("plans")
        applicant.fill({"plan-plan": PLAN})
        next_step(applicant)

    with applicant.step("personal details"):
        assert "About you" in applicant.text()
        applicant.fill(
            {
                "person-legal_name": person["legal_name"],
                "person-id_type": "resident_id",
                "person-id_number": person["id_number"],
                "person-date_of_birth": person["born"],
                "person-sex": "F",
                "person-phone": person["phone"],
                "person-email": person["email"],
                "person-region": "31",
                "person-address": "上海市浦东新区世纪大道100号",
            }
        )
        applicant.shot("about you")
        next_step(applicant)

    with applicant.step("health declaration"):
        assert "Health declaration" in applicant.text(), applicant.text()
        questions = applicant.page.locator(".wizard-form fieldset")
        assert questions.count() == 3
        for index in range(questions.count()):
            question = questions.nth(index)
            # In hospital now, or advised to go: an underwriter must look at it.
            answer = "yes" if "hospital" in question.inner_text() else "no"
            question.locator(f"input[value={answer}]").check()
        applicant.shot("declaration")
        next_step(applicant)

    with applicant.step("consents"):
        assert "Articles and privacy" in applicant.text()
        boxes = applicant.page.locator(".consent input[type=checkbox]")
        assert boxes.count() == 2
        for index in range(2):
            boxes.nth(index).check()
        next_step(applicant)

    with applicant.step("login"):
        assert "Your login" in applicant.text()
        applicant.fill(
            {
                "login-username": person["username"],
                "login-password": person["password"],
                "login-password2": person["password"],
            }
        )
        next_step(applicant)

    with applicant.step("application received, referred"):
        assert applicant.page.url.endswith("/me/application/"), applicant.page.url
        text = applicant.text()
        assert "An underwriter will review your application" in text
        assert "Your application for Tongzhou mutual aid plan" in text
        assert "member number" not in text.lower(), "no member number before acceptance"
        applicant.shot("application referred")
        applicant.go("/me/")
        assert "Waiting period ends" not in applicant.text(), "no cover before acceptance"
        applicant.sign_out()

    with underwriter.step("accept in the admin"):
        underwriter.sign_in_admin("underwriter")
        underwriter.go(f"/admin/members/application/?q={person['phone']}")
        row = underwriter.page.locator("#result_list tbody tr")
        assert row.count() == 1
        assert person["legal_name"] in row.inner_text()
        underwriter.shot("referred queue")
        message = underwriter.admin_action(
            "/admin/members/application/",
            "accept",
            search=person["phone"],
            fields={"reason": "住院为择期小手术，已康复，接受。"},
        )
        assert "1" in message
        underwriter.shot("accepted")
        # Accepted: out of the queue of referred applications.
        underwriter.go(f"/admin/members/application/?q={person['phone']}")
        assert underwriter.page.locator("#result_list tbody tr").count() == 0

    with applicant.step("welcome e-mail"):
        eventually(
            lambda: f"To: {person['email']}" in platform.log("worker"),
            f"the welcome e-mail to {person['email']} in the worker's log",
        )

    with applicant.step("signs in and sees the waiting period"):
        applicant.sign_in(person["username"], person["password"], next_path="/me/")
        text = applicant.text()
        number = platform.shell(
            "from members.models import Member; "
            f"print(Member.objects.get(phone='{person['phone']}').member_number)"
        ).splitlines()[-1]
        assert number and number in text, f"the member number {number} on the dashboard"
        card = applicant.page.locator(".coverage-list li", has_text="Tongzhou mutual aid plan")
        cover = card.inner_text()
        assert "300,000.00" in cover, cover  # aged 18-39: the benefit of the band
        assert terms["ends"] in cover, f"the waiting period ends {terms['ends']}: {cover}"
        assert f"{terms['days']} days left in the waiting period" in cover, cover
        assert f"illness is covered from {terms['ends']}" in cover
        applicant.shot("dashboard waiting period")
    assert not applicant.errors, applicant.errors
    assert not underwriter.errors, underwriter.errors
