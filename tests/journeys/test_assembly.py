"""Journey 2: the board secretary drafts an extraordinary assembly with one motion in the
admin and convenes it; a member (chenmei) appoints another (lijun) as her proxy, and a
suspended member (wangfang) is told why she can neither vote nor appoint one; on the
record date the daily job freezes the voter roll (run by the worker); the secretary opens
the vote; lijun votes in the portal for himself and for chenmei; the rest of the assembly
votes; the secretary closes the vote, counts, drafts and approves the minutes and
publishes; the result and the minutes appear on the public disclosure pages, and chenmei
checks the receipt of the ballot cast for her.

The days between convening and the vote pass for this meeting only: its timeline
(announced window, record date, convening) is moved back as if convened that many days
earlier (``days_pass``), which is what the clock would have done. Each run convenes a new
meeting, so the journey runs again on the same platform."""

from __future__ import annotations

import json
import secrets

from .conftest import JOURNEY

pytestmark = JOURNEY

MEETINGS = "/admin/governance/meeting/"


def shell_json(platform, code: str):
    return json.loads(platform.shell(code).splitlines()[-1])


def days_pass(platform, meeting_id: int, until: str) -> None:
    """Time passes for the meeting until ``until``: "record date" (the day the daily
    job freezes the roll), "opening" or "close" (a minute after the announced moment).
    Every date of its timeline moves back by the same time, as if it had been convened
    that much earlier."""
    platform.shell(
        "import datetime as dt; from django.db.models import F; from django.utils import "
        "timezone; from governance.models import Meeting; "
        f"m = Meeting.objects.get(pk={meeting_id}); now = timezone.now(); "
        f"until = {until!r}; "
        "delta = (dt.timedelta(days=(m.record_date - timezone.localdate()).days) "
        "if until == 'record date' else (m.voting_opens_at if until == 'opening' "
        "else m.voting_closes_at) - now + dt.timedelta(minutes=1)); "
        "Meeting.objects.filter(pk=m.pk).update("
        "convened_at=F('convened_at') - delta, voting_opened_at=F('voting_opened_at') - delta, "
        "voting_opens_at=F('voting_opens_at') - delta, "
        "voting_closes_at=F('voting_closes_at') - delta, "
        "record_date=F('record_date') - dt.timedelta(days=delta.days))"
    )


def test_an_assembly_is_convened_voted_by_proxy_published_and_a_receipt_checked(journey, platform):
    token = secrets.token_hex(3)
    title = f"临时会员大会 {token}"
    motion_title = f"设立会员服务热线 {token}"
    secretary = journey("secretary")
    chenmei = journey("chenmei", language="en")
    wangfang = journey("wangfang", language="en")
    lijun = journey("lijun", language="en")
    visitor = journey("public", language="en")
    people = shell_json(
        platform,
        "import json, datetime as dt; from django.utils import timezone; "
        "from members.models import Member; from governance.models import Body; "
        "today = timezone.localdate(); "
        "print(json.dumps({**{m.user.username: [m.member_number, m.legal_name] for m in "
        "Member.objects.filter(user__username__in=['chenmei', 'wangfang', 'lijun'])"
        ".select_related('user')}, "
        "'assembly': Body.objects.get(kind='general_assembly').pk, "
        "'opens': str(today + dt.timedelta(days=16)), "
        "'closes': str(today + dt.timedelta(days=18))}))",
    )
    lijun_number, lijun_name = people["lijun"]
    chenmei_number, chenmei_name = people["chenmei"]
    wangfang_number = people["wangfang"][0]

    with secretary.step("draft the meeting and its motion"):
        secretary.sign_in_admin("secretary")
        meeting = secretary.admin_add(
            MEETINGS,
            {
                "body": str(people["assembly"]),
                "kind": "extraordinary",
                "title": title,
                "location": "线上",
                "voting_opens_at_0": people["opens"],
                "voting_opens_at_1": "09:00:00",
                "voting_closes_at_0": people["closes"],
                "voting_closes_at_1": "17:00:00",
            },
        )
        secretary.admin_add(
            "/admin/governance/motion/",
            {
                "meeting": str(meeting),
                "title": motion_title,
                "text": "设立7×24小时会员服务热线，年度预算 360,000.00 元。",
                "matter": "general",
            },
        )
        secretary.go(f"{MEETINGS}{meeting}/change/")
        assert motion_title in secretary.text("#content")
        secretary.shot("meeting drafted")

    with secretary.step("convene"):
        secretary.admin_action(MEETINGS, "convene", search=token)
        secretary.go(f"{MEETINGS}?q={token}")
        assert "已召集" in secretary.text("#result_list"), "the meeting is convened"
        secretary.shot("convened")

    with chenmei.step("appoint a proxy"):
        chenmei.sign_in("chenmei")
        chenmei.go("/assembly/")
        with chenmei.page.expect_navigation():
            chenmei.page.click(f"a:has-text('{token}')")
        assert f"/assembly/{meeting}/" in chenmei.page.url
        text = chenmei.text()
        assert "Voting has not opened yet." in text
        assert motion_title in text
        chenmei.fill({"holder": lijun_number})
        with chenmei.page.expect_navigation():
            chenmei.page.click("form[action$='/proxy/'] button[type=submit]")
        text = chenmei.text()
        assert f"{lijun_name} is your proxy for this meeting and will vote for you." in text
        assert f"Your proxy for this meeting is {lijun_name}, who votes for you." in text
        chenmei.shot("proxy appointed")

    with wangfang.step("a suspended member is told why she cannot vote"):
        wangfang.sign_in("wangfang")
        wangfang.go(f"/assembly/{meeting}/")
        assert "Only members in good standing vote at this meeting" in wangfang.text()
        assert wangfang.page.locator("form[action$='/proxy/']").count() == 0
        wangfang.shot("not in good standing")

    with lijun.step("the record date: the daily job freezes the roll"):
        days_pass(platform, meeting, "record date")
        platform.shell("from governance.tasks import freeze_rolls; freeze_rolls.delay()")
        lijun.sign_in("lijun")
        lijun.wait_for_text(f"/assembly/{meeting}/", "SHA-256")
        text = lijun.text()
        assert f"You hold the proxy of: {chenmei_name}" in text
        size, fingerprint, numbers = shell_json(
            platform,
            "import json; from governance.models import Meeting; "
            f"m = Meeting.objects.get(pk={meeting}); "
            "print(json.dumps([m.roll_size, m.roll_hash, "
            "list(m.roll.values_list('member__member_number', flat=True))]))",
        )
        assert fingerprint in text and f"{size} voters" in text
        assert {lijun_number, chenmei_number} <= set(numbers)
        assert wangfang_number not in numbers, "suspended on the record date"

    with secretary.step("voting opens"):
        days_pass(platform, meeting, "opening")
        secretary.admin_action(MEETINGS, "open_voting", search=token)

    with chenmei.step("her proxy votes, not she"):
        chenmei.go(f"/assembly/{meeting}/")
        assert chenmei.page.locator("form[action$='/vote/']").count() == 0
        assert f"Your proxy for this meeting is {lijun_name}" in chenmei.text()
        chenmei.shot("proxy votes for her")

    receipts: dict[str, str] = {}
    with lijun.step("vote for himself and for chenmei"):
        for voter, choice in (("", "against"), (chenmei_number, "for")):
            lijun.go(f"/assembly/{meeting}/")
            ballot = lijun.page.locator("form[action$='/vote/']")
            assert ballot.count() == 1, "the ballot is open"
            ballot.locator("select[name=voter]").select_option(voter)
            ballot.locator(f"input[type=radio][value={choice}]").check()
            lijun.shot("ballot for chenmei" if voter else "ballot")
            with lijun.page.expect_navigation():
                ballot.locator("button[type=submit]").click()
            text = lijun.text()
            assert "Your ballot is recorded" in text
            if voter:
                assert f"Ballot of {chenmei_name}." in text
            receipts["chenmei" if voter else "lijun"] = (
                lijun.page.locator(".receipt").first.inner_text().strip()
            )
        lijun.shot("receipt for chenmei")
        lijun.go(f"/assembly/{meeting}/")
        assert "You have voted on this motion" in lijun.text()

    with secretary.step("the rest of the assembly votes"):
        # A fifth of the roll, through the same service the API and the portal call:
        # the quorum (a tenth of the roll) is met. Two in three for, the rest against.
        others = shell_json(
            platform,
            "import json; from governance.models import Meeting; "
            "from governance.services.voting import ballot_cast; "
            f"m = Meeting.objects.get(pk={meeting}); motion = m.motions.get(); "
            "voters = [e.member for e in m.roll.select_related('member').exclude("
            "member__user__username__in=['chenmei', 'wangfang', 'lijun'])"
            ".order_by('member__member_number')[: m.roll_size // 5]]; "
            "choices = ['for' if i % 3 else 'against' for i in range(len(voters))]; "
            "[ballot_cast(motion=motion, voter=v, choice=c) for v, c in zip(voters, choices)]; "
            "print(json.dumps([choices.count('for'), choices.count('against')]))",
        )
        votes_for, votes_against = others[0] + 1, others[1] + 1
        took_part = votes_for + votes_against

    with secretary.step("close, count, minutes, publish"):
        days_pass(platform, meeting, "close")
        secretary.admin_action(MEETINGS, "close_voting", search=token)
        secretary.admin_action(MEETINGS, "declare_results", search=token)
        secretary.go(f"/admin/governance/motion/?q={token}")
        secretary.shot("results declared")
        minutes = (
            f"{title}：议案《{motion_title}》赞成 {votes_for} 票，反对 {votes_against} 票，通过。"
        )
        secretary.go(f"{MEETINGS}{meeting}/minutes/")
        secretary.fill({"minutes": minutes})
        with secretary.page.expect_navigation():
            secretary.page.click("#content form [type=submit]")
        assert secretary.page.locator(".messagelist li.success").count()
        secretary.admin_action(MEETINGS, "approve_minutes", search=token)
        secretary.admin_action(MEETINGS, "publish", search=token)
        secretary.shot("published")

    with visitor.step("the result and the minutes on the disclosure pages"):
        visitor.wait_for_text("/disclosure/governance/", title)
        visitor.shot("disclosure governance")
        with visitor.page.expect_navigation():
            visitor.page.click(f"a:has-text('{title}')")
        assert f"/disclosure/governance/meetings/{meeting}/" in visitor.page.url
        text = visitor.text()
        assert minutes in text, "the approved minutes are published"
        card = visitor.page.locator("article.motion", has_text=motion_title)
        assert "Adopted" in card.locator(".badge").inner_text()
        cells = card.locator("tbody tr").first.locator("td").all_inner_texts()
        assert cells[:5] == [
            str(votes_for),
            str(votes_against),
            "0",
            str(took_part),
            str(size),
        ], cells
        assert cells[6] == "met"
        assert fingerprint in text
        card.locator("details.receipts summary").click()
        listed = card.locator("details.receipts tbody").inner_text()
        for code in receipts.values():
            assert code in listed, f"receipt {code} is published"
        visitor.shot("disclosure meeting")

    with chenmei.step("checks her receipt"):
        chenmei.go("/assembly/receipt/")
        chenmei.fill({"code": receipts["chenmei"]})
        with chenmei.page.expect_navigation():
            chenmei.page.click("main form button[type=submit]")
        text = chenmei.text()
        assert f"{title}, motion 1: {motion_title}" in text
        assert "This ballot is recorded and counts." in text
        assert "Recorded choice: For" in text
        chenmei.shot("receipt checked")

    for person in (secretary, chenmei, wangfang, lijun, visitor):
        assert not person.errors, (person.who, person.errors)
