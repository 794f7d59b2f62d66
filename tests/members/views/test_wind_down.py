"""A plan in wind-down as people see it: /join/ and the enrolment API refuse it with the
dates, the member's dashboard and the public products page show it with its timeline,
and staff record and start it in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from members.models import Member, WindDown
from members.services.wind_down import plan_wind_down_propose, plan_wind_down_start
from tests.helpers import assert_error
from tests.members.api.conftest import enrolment_body
from tests.members.factories import member_make, user_with_perms

from .conftest import Wizard, current_step, plan_data, step_errors

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def wound_down(aid) -> WindDown:
    secretary = user_with_perms("secretary", "members.manage_wind_down")
    officer = user_with_perms("officer", "members.manage_wind_down")
    row = plan_wind_down_propose(
        plan=aid.plan,
        reason="监管要求停止运营。",
        reason_en="The regulator asked the plan to stop.",
        board_resolution_reference="BR-2026-07",
        board_resolved_on=TODAY() - dt.timedelta(days=1),
        board_minutes_reference="minutes/2026-07.pdf",
        actor=secretary,
    )
    return plan_wind_down_start(wind_down=row, actor=officer)


def dates(row: WindDown) -> tuple[str, str]:
    from django.utils.formats import date_format

    return date_format(row.stop_date, "DATE_FORMAT"), date_format(row.claims_until, "DATE_FORMAT")


def test_the_join_page_says_so_and_refuses_the_plan(client, aid, premium, wound_down):
    stop, until = dates(wound_down)
    wizard = Wizard(client)

    page = wizard.start()

    html = page.content.decode()
    assert f"is in wind-down since {stop}" in html and until in html
    assert 'value="aid"' not in html  # not offered

    response = wizard.post("plan", plan_data(aid, ""))
    assert current_step(response) == "plan"
    assert "is in wind-down since" in step_errors(response)["plan"][0]
    assert Member.objects.count() == 0


def test_the_api_refuses_the_plan_with_400_on_the_plan_field(client, aid, wound_down):
    response = client.post(
        "/api/v1/enrolment/", enrolment_body(aid), content_type="application/json"
    )

    error = assert_error(response, 400, "invalid", fields={"plan"})
    assert "is in wind-down since" in error["fields"]["plan"][0]
    assert Member.objects.count() == 0


def test_the_member_sees_the_wind_down_on_the_dashboard(client, aid):
    member = member_make(aid)
    client.force_login(member.user)
    assert "wind-down" not in client.get("/me/").content.decode()

    secretary = user_with_perms("secretary", "members.manage_wind_down")
    officer = user_with_perms("officer", "members.manage_wind_down")
    row = plan_wind_down_start(
        wind_down=plan_wind_down_propose(
            plan=aid.plan,
            reason="停止运营。",
            board_resolution_reference="BR-1",
            board_resolved_on=TODAY(),
            board_minutes_reference="m-1",
            actor=secretary,
        ),
        actor=officer,
    )
    stop, until = dates(row)

    html = client.get("/me/").content.decode()

    assert f"is in wind-down since {stop}" in html
    assert f"accepted until {until}" in html
    assert "Claims window closed" in html and "not yet" in html


def test_the_public_products_page_shows_the_timeline(client, aid, wound_down):
    stop, _until = dates(wound_down)

    html = client.get("/disclosure/products/").content.decode()

    assert "Plans in wind-down" in html
    assert f"is in wind-down since {stop}" in html
    assert "BR-2026-07" in html
    assert f"Wind-down started{': '}{stop}" in html.replace("\n", "")


def test_staff_record_it_in_the_admin_and_see_the_timeline(client, aid):
    secretary = user_with_perms("secretary", "members.manage_wind_down", "members.view_winddown",
                                "members.change_winddown")  # fmt: skip
    client.force_login(secretary)
    url = "/admin/members/winddown/propose/"
    assert client.get(url).status_code == 200

    missing = client.post(url, {"plan": aid.plan_id, "tail_window_days": 180})
    assert missing.status_code == 200 and not WindDown.objects.exists()

    response = client.post(
        url,
        {
            "plan": aid.plan_id,
            "tail_window_days": 90,
            "reason": "停止运营。",
            "board_resolution_reference": "BR-9",
            "board_resolved_on": TODAY().isoformat(),
            "board_minutes_reference": "m-9",
        },
    )
    row = WindDown.objects.get()
    assert response.status_code == 302 and row.tail_window_days == 90
    # Starting it oneself is refused (four eyes); the page names the rule.
    action = client.post(
        "/admin/members/winddown/",
        {"action": "start", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "Someone other than the person who recorded" in action.content.decode()
    row.refresh_from_db()
    assert row.status == WindDown.Status.PROPOSED
    page = client.get(f"/admin/members/winddown/{row.pk}/change/").content.decode()
    assert "Claims window closed" in page and "not yet" in page


def test_only_staff_with_the_permission_open_the_record_page(client, aid):
    clerk = user_with_perms("clerk", "members.view_winddown")
    client.force_login(clerk)
    assert client.get("/admin/members/winddown/propose/").status_code == 403
