"""Journey 5: a member files a complaint and sees it acknowledged; the member dashboard
and the disclosure home at 390 px wide, in Chinese and in English."""

from __future__ import annotations

import re

import pytest

from .conftest import JOURNEY, PHONE

pytestmark = JOURNEY


def test_a_member_files_a_complaint_and_sees_it_acknowledged(journey, platform):
    member = journey("member")
    handler = journey("handler")

    with member.step("file"):
        member.sign_in("chenmei")
        member.go("/complaints/new/")
        member.page.select_option("select[name=category]", "service")
        member.page.fill(
            "textarea[name=description]",
            "客服电话三次无人接听。The hotline did not answer three times.",
        )
        member.shot("complaint form")
        with member.page.expect_navigation():
            member.page.click("form.complaint-form button[type=submit], main form button")
        member.shot("complaint filed")
        reference = re.search(r"TS\d{4}\d+", member.page.content())
        assert reference, "the member is given the complaint's reference"
        reference = reference.group(0)

    with member.step("listed as received"):
        member.go("/me/complaints/")
        row = member.page.locator("tr, li", has_text=reference).first
        assert row.is_visible()

    with handler.step("acknowledge in the admin"):
        handler.sign_in_admin("complaints")
        handler.admin_action(
            "/admin/support/complaint/",
            "acknowledge",
            search=reference,
            fields={"note": "已收到，三个工作日内回复。"},
        )
        handler.shot("acknowledged")

    with member.step("sees the acknowledgement"):
        member.go("/me/complaints/")
        member.page.click(f"a:has-text('{reference}')")
        text = member.page.inner_text("main")
        assert "已收到，三个工作日内回复。" in text
        assert "已确认" in text
        member.shot("complaint acknowledged")
    assert not member.errors, member.errors


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_dashboard_and_the_disclosure_home_on_a_phone(journey, language):
    person = journey(f"phone-{language}", viewport=PHONE, language=language)
    heading = {"zh-hans": "我的", "en": "My"}[language]
    with person.step("disclosure home"):
        person.go("/disclosure/")
        person.fits_width()
        assert person.page.locator("html").get_attribute("lang") == language
        person.shot("disclosure home")
    with person.step("dashboard"):
        person.sign_in("chenmei", next_path="/me/")
        assert "/me/" in person.page.url
        person.fits_width()
        assert heading in person.page.inner_text("main") or heading in person.page.title()
        person.shot("dashboard")
    assert not person.errors, person.errors
