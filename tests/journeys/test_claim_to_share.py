"""Journey 2: a claim of the mutual aid plan from the member's submission to the shares of
the other members.

A member past the waiting period claims in the portal with a real PDF; a claims handler
assesses it in the admin and an approver (another person: four eyes) approves it; the
case goes on the public notice de-identified; three members object there, which draws a
review panel; the drawn members vote in the portal and uphold the decision; the handler
previews, runs and publishes the apportionment in the admin; a member who shares sees
their share, to the cent, at ``/claims/apportionment/``.

What is not a person's doing goes through ``platform.shell``: the society giving members
who exist in the demo register a portal login (as ``members/demo.py`` does for 陈美), and
reading back what the journey cannot see in a page. Every run makes a new claim, new
objectors and new panel members; the apportionment is run at today's cut-off (a cut-off
cannot be in the future and cut-offs only go forward), so a second run on the same
platform on the same day finds today's period taken and says so at once.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest

from .conftest import DEMO_PASSWORD, JOURNEY
from .platform import ROOT

pytestmark = JOURNEY

CENT = Decimal("0.01")

#: Gives members of the demo register a portal login (a fresh user name each run), the
#: way members/demo.py gives 陈美 hers; prints what the journey needs to know of them.
LOGINS = """
import json, secrets
from django.contrib.auth import get_user_model
from members.models import Member
User = get_user_model()
out = []
for pk in {ids}:
    member = Member.objects.get(pk=pk)
    if member.user_id is None:
        name = "jb" + secrets.token_hex(4)
        member.user = User.objects.create_user(
            username=name, password={password!r}, full_name=member.legal_name,
            preferred_language="en")
        member.save(update_fields=["user"])
    out.append(member.user.username)
print(json.dumps(out))
"""

#: The claimant (an active member of the mutual aid plan, cover in force and past its
#: waiting period, no claim of their own yet, no login) and three objectors (active
#: members who may object, none of them the claimant).
PEOPLE = """
import datetime as dt, json
from django.utils import timezone
from claims.models import ApportionmentPeriod
from members.models import Coverage, Member
today = timezone.localdate()
coverage = (
    Coverage.objects.filter(
        plan__code="mutual-aid", status="in_force", member__status="active",
        member__user__isnull=True, waiting_period_end__lt=today - dt.timedelta(days=30),
        member__claims__isnull=True,
    ).select_related("member", "plan_version").order_by("?").first()
)
member = coverage.member
objectors = list(
    Member.objects.filter(status="active", user__isnull=True)
    .exclude(pk=member.pk).order_by("?").values_list("pk", flat=True)[:3]
)
print(json.dumps({
    "member": member.pk, "number": member.member_number, "name": member.legal_name,
    "id_number": member.id_number, "born": member.date_of_birth.isoformat(),
    "coverage": coverage.pk, "sum_assured": str(coverage.sum_assured),
    "objectors": objectors,
    "today": today.isoformat(),
    "period_today": ApportionmentPeriod.objects.filter(
        plan=coverage.plan, cutoff=today).exists(),
}))
"""

SEATS = """
import json
from claims.models import Claim
claim = Claim.objects.get(number={number!r})
panel = claim.panels.get()
print(json.dumps({{"panel": panel.pk, "size": panel.size, "quorum": panel.quorum,
    "seats": list(panel.seats.order_by("rank").values_list("member_id", flat=True))}}))
"""


#: A member who owes a share of the period: their share, what they shared earlier in the
#: year, the period's equal part and the cap.
SHARE = """
import json
from django.db.models import Sum
from claims.models import ApportionmentPeriod
from members.models import ContributionDue
period = ApportionmentPeriod.objects.get(pk={period})
shares = ContributionDue.objects.filter(kind="share", coverage__plan=period.plan)
due = shares.filter(period_start=period.period_start, period_end=period.cutoff,
                    amount__gt=0).order_by("?").first()
earlier = shares.filter(coverage=due.coverage, due_date__year=period.cutoff.year,
                        period_end__lt=period.cutoff).aggregate(s=Sum("amount"))["s"] or 0
print(json.dumps({{"member": due.member_id, "amount": str(due.amount), "earlier": str(earlier),
    "base": str(period.share_per_member), "cap": str(period.annual_cap)}}))
"""


def diagnosis_pdf(name: str) -> bytes:
    """A small real PDF, as a hospital's diagnosis certificate would be scanned."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle("Diagnosis certificate")
    page.drawString(72, 770, "Provincial People's Hospital - Diagnosis certificate")
    page.drawString(72, 740, f"Patient: member {name}")
    page.drawString(72, 720, "Diagnosis: malignant neoplasm, confirmed by pathology.")
    page.drawString(72, 700, "Admitted for surgery; discharge summary attached.")
    page.showPage()
    page.save()
    return buffer.getvalue()


def shell_json(platform, code: str):
    return json.loads(platform.shell(code).splitlines()[-1])


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def test_a_claim_goes_from_the_portal_to_every_members_share(journey, platform, tmp_path):
    people = shell_json(platform, PEOPLE)
    today = dt.date.fromisoformat(people["today"])
    if people["period_today"]:
        pytest.fail(
            "The mutual aid plan's apportionment at today's cut-off was already run on this "
            "platform: cut-offs go forward and cannot be in the future, so the journey runs "
            "once a day on one platform. Start a fresh one."
        )
    claimant_login, *objector_logins = shell_json(
        platform,
        LOGINS.format(ids=[people["member"], *people["objectors"]], password=DEMO_PASSWORD),
    )
    claimed = Decimal("23456.78")
    assessed = Decimal("20000.00")
    assert assessed <= Decimal(people["sum_assured"])

    member = journey("claimant", language="en")
    handler = journey("handler", language="en")
    approver = journey("approver", language="en")
    public = journey("public", language="en")

    with member.step("submit the claim with a PDF"):
        member.sign_in(claimant_login, next_path="/claims/new/")
        page = member.page
        page.select_option("select[name=coverage]", str(people["coverage"]))
        page.select_option("select[name=kind]", "illness")
        page.fill("input[name=event_date]", (today - dt.timedelta(days=6)).isoformat())
        page.fill(
            "textarea[name=description]",
            "Diagnosed with a malignant tumour after a biopsy; operated on in hospital.",
        )
        page.fill("input[name=amount_claimed]", str(claimed))
        page.fill("input[name=bank_account_name]", people["name"])
        page.fill("input[name=bank_account_number]", "6222 0200 1234 5678")
        pdf = tmp_path / "diagnosis.pdf"
        pdf.write_bytes(diagnosis_pdf(people["number"]))
        page.set_input_files("input[name=documents]", str(pdf))
        member.shot("claim form")
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
        text = page.inner_text("main")
        number = re.search(r"Your claim (\S+) was submitted", text)
        assert number, text[:500]
        number = number.group(1)
        assert re.search(r"/claims/\d+/$", page.url), page.url
        assert "diagnosis.pdf" in text
        assert money(claimed) in text
        member.shot("claim submitted")

    with member.step("the member downloads their own document"):
        with page.expect_download() as download:
            page.click("a:has-text('diagnosis.pdf')")
        assert download.value.path().read_bytes() == pdf.read_bytes()

    with handler.step("review and assess in the admin"):
        handler.sign_in_admin("handler")
        handler.admin_action("/admin/claims/claim/", "start_review", search=number)
        handler.admin_action(
            "/admin/claims/claim/",
            "assess",
            search=number,
            fields={
                "amount": str(assessed),
                "reasons": "Diagnosis confirmed by pathology; pays the band's benefit less the "
                "part not covered.",
                "investigation_summary": "Pathology confirms a covered critical illness, "
                "first diagnosed after the observation period.",
            },
        )
        handler.page.click(f"#result_list a:has-text('{number}')")
        text = handler.page.inner_text("#content")
        assert "Assessed" in text and money(assessed) in text
        handler.shot("claim assessed")

    with handler.step("the handler cannot approve (four eyes)"):
        handler.go(f"/admin/claims/claim/?q={number}")
        options = handler.page.locator("select[name=action] option").all_inner_texts()
        assert "Approve" not in options, options

    with approver.step("approve"):
        approver.sign_in_admin("approver")
        approver.admin_action(
            "/admin/claims/claim/", "approve", search=number, fields={"reason": "Checked."}
        )
        approver.page.goto(f"{platform.url}/admin/claims/claim/?q={number}&queue=all")
        assert "Approved" in approver.page.inner_text("#result_list")

    with member.step("the member sees the approval"):
        member.page.reload()
        text = member.page.inner_text("main")
        assert "Approved" in text and money(assessed) in text
        member.shot("claim approved")

    with public.step("the case on the public notice, de-identified"):
        public.go("/claims/notices/")
        row = public.page.locator("tr", has_text=number)
        assert row.count() == 1
        assert money(assessed) in row.inner_text()
        public.shot("public notice list")
        row.locator("a").click()
        public.page.wait_for_url(re.compile(r"/claims/notices/\d+/$"))
        notice_url = public.page.url.removeprefix(platform.url)
        html = public.page.content()
        for secret in (
            people["name"],
            people["id_number"],
            people["number"],
            people["born"],
            "6222 0200",
            "malignant tumour after a biopsy",  # the member's own description
        ):
            assert secret not in html, f"the public case page shows {secret!r}"
        text = public.page.inner_text("main")
        assert "Pathology confirms a covered critical illness" in text
        assert "On public notice" in text or "on notice" in text.lower()
        public.shot("public case page")

    objector = journey("objector", language="en")
    for index, login in enumerate(objector_logins):
        with objector.step(f"objection {index + 1}"):
            objector.sign_out()
            objector.sign_in(login, next_path=notice_url)
            objector.page.fill(
                "textarea[name=reason]",
                "The diagnosis date is close to the end of the observation period; please "
                "check the earlier hospital records.",
            )
            with objector.page.expect_navigation():
                objector.page.click("main form button[type=submit]")
            text = objector.page.inner_text("main")
            assert "Your objection was recorded." in text
            if index == 0:
                objector.shot("objection recorded")

    with public.step("three objections draw a review panel"):
        public.go(notice_url)
        text = public.page.inner_text("main")
        assert "Objections\n3" in text or re.search(r"Objections\s+3", text), text
        assert "Review panels" in text
        seats = shell_json(platform, SEATS.format(number=number))
        assert seats["size"] == len(seats["seats"]) == 11
        assert not set(seats["seats"]) & {people["member"], *people["objectors"]}
        public.shot("panel drawn")

    voter_logins = shell_json(platform, LOGINS.format(ids=seats["seats"], password=DEMO_PASSWORD))
    voter = journey("panel member", language="en")
    overturn = 3
    for index, login in enumerate(voter_logins):
        vote = "overturn" if index < overturn else "uphold"
        with voter.step(f"vote {index + 1}"):
            voter.sign_out()
            voter.sign_in(login, next_path="/claims/panels/")
            voter.page.click(f"main a:has-text('{number}')")
            voter.page.wait_for_url(re.compile(r"/claims/panels/\d+/$"))
            if index == 0:
                voter.shot("panel case file")
            html = voter.page.content()
            assert people["name"] not in html and people["id_number"] not in html
            voter.page.check(f"input[name=vote][value={vote}]")
            voter.page.fill(
                "textarea[name=reason]",
                "The records show the first visit after the observation period."
                if vote == "uphold"
                else "The timing needs a closer look.",
            )
            with voter.page.expect_navigation():
                voter.page.click("main form button[type=submit]")
            text = voter.page.inner_text("main")
            assert "Your vote was recorded." in text, text[:400]
            assert f"You voted: {vote.capitalize()}" in text
            if index == 0:
                voter.shot("vote recorded")

    with public.step("the panel upholds the decision and the notice clears"):
        public.go(notice_url)
        text = public.page.inner_text("main")
        uphold = len(voter_logins) - overturn
        assert (
            f"{len(voter_logins)} of {seats['size']} drawn members voted: {uphold} to uphold, "
            f"{overturn} to overturn"
        ) in text, text
        assert f"Votes: {uphold} uphold, {overturn} overturn." in text
        assert "Cleared" in text
        public.shot("panel decided")

    with member.step("the member sees the notice cleared"):
        member.page.reload()
        text = member.page.inner_text("main")
        assert "Approved" in text
        member.shot("claim cleared")

    with handler.step("preview, run and publish the apportionment"):
        handler.go("/admin/claims/apportionmentperiod/run/")
        handler.page.select_option("select[name=plan]", label="Tongzhou mutual aid plan")
        handler.page.fill("input[name=cutoff]", today.isoformat())
        with handler.page.expect_navigation():
            handler.page.click("input[name=preview], button[name=preview]")
        preview = handler.page.inner_text("#content")
        handler.shot("apportionment preview")
        fee = (assessed * Decimal("0.08")).quantize(CENT, rounding=ROUND_HALF_UP)
        assert money(assessed) in preview, preview
        assert money(assessed + fee) in preview, preview
        members_sharing = int(
            re.search(r"Members sharing\s+([\d,]+)", preview).group(1).replace(",", "")
        )
        base = ((assessed + fee) / members_sharing).quantize(CENT, rounding=ROUND_DOWN)
        assert money(base) in preview, (base, preview)
        with handler.page.expect_navigation():
            handler.page.click("input[name=run], button[name=run]")
        message = handler.page.inner_text(".messagelist")
        assert "done: 1 case shared among" in message, message
        period_url = handler.page.url.removeprefix(platform.url)
        period_id = re.search(r"/(\d+)/change/", period_url).group(1)
        handler.go("/admin/claims/apportionmentperiod/")
        handler.page.check(f"input[name=_selected_action][value='{period_id}']")
        handler.page.select_option("select[name=action]", "publish")
        with handler.page.expect_navigation():
            handler.page.click("button[name=index]")
        assert "Published." in handler.page.inner_text(".messagelist")
        handler.shot("apportionment published")

    sharer = journey("covered member", language="en")
    with sharer.step("a covered member sees their share"):
        share = shell_json(platform, SHARE.format(period=period_id))
        assert Decimal(share["base"]) == base
        # The share is the equal part (a cent more for the first members by coverage
        # number), cut to what the annual cap leaves of what this member shared this year.
        room = Decimal(share["cap"]) - Decimal(share["earlier"])
        assert Decimal(share["amount"]) in (min(base, room), min(base + CENT, room)), share
        (login,) = shell_json(
            platform, LOGINS.format(ids=[share["member"]], password=DEMO_PASSWORD)
        )
        sharer.sign_in(login, next_path="/claims/apportionment/")
        row = sharer.page.locator("tbody tr").first
        text = row.inner_text()
        assert today.strftime("%Y") in text
        assert money(Decimal(share["amount"])) in text, text
        sharer.shot("my shares")

    with sharer.step("the member checks their share against the published root"):
        root = row.locator("code").inner_text().strip()
        with sharer.page.expect_download() as download:
            row.locator("a:has-text('Download proof')").click()
        proof = tmp_path / "share-proof.json"
        download.value.save_as(proof)
        checked = subprocess.run(
            [sys.executable, "scripts/verify_share_proof.py", str(proof), "--root", root],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.startswith(f"OK: share {share['amount']} of period {period_id}")
    for person in (member, handler, approver, public, objector, voter, sharer):
        assert not person.errors, (person.who, person.errors)
