"""Journey 3: the quarterly solvency run, its published report, and a regulator who reads
the workings and can change nothing.

Finance records a correction to the quarter's capital (an admitted-asset adjustment found
after the quarter end) in the admin; the scheduler's quarterly job runs on the real worker
and computes a new draft; the actuary approves it in the admin (the job computed it as
the scheduler's account: four eyes); the platform publishes the solvency summary with its
report, and anyone downloads the PDF from ``/disclosure/solvency/``. A regulator signs in,
sets up an authenticator at ``/accounts/two-factor/``, reads the workings at
``/disclosure/regulator/``, downloads them as CSV and JSON, and finds no way to change
anything.

Each run records a new adjustment (so the job finds changed inputs and makes a new
version) and signs in a new regulator account (its authenticator is set up in the
browser), so the journey runs again on the same platform.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import time
from decimal import Decimal

from .conftest import DEMO_PASSWORD, JOURNEY

pytestmark = JOURNEY

#: The quarterly job as the beat starts it, on the platform's worker; waits for its run.
QUARTERLY = """
import json, time
from solvency.models import SolvencyJobRun
from solvency.tasks import quarterly_assessment
before = SolvencyJobRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
quarterly_assessment.delay()
run = None
for _ in range(480):
    run = (SolvencyJobRun.objects.filter(pk__gt=before, kind="quarterly_assessment")
           .exclude(status="running").first())
    if run is not None:
        break
    time.sleep(0.25)
print(json.dumps({"status": run and run.status, "period": run and run.period,
                  "result": run and run.result, "error": run and run.error}))
"""

ASSESSMENT = """
import json
from solvency.models import SolvencyAssessment
a = SolvencyAssessment.objects.get(pk={pk})
print(json.dumps({{"state": a.state, "version": a.version, "valuation_date": str(a.valuation_date),
    "comprehensive_ratio": str(a.comprehensive_ratio), "core_ratio": str(a.core_ratio),
    "actual_capital": str(a.actual_capital), "computed_by": a.computed_by.username,
    "approved_by": a.approved_by and a.approved_by.username}}))
"""

#: A regulator's account, as the society's administrator gives one to an inspector.
REGULATOR = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from accounts.roles import ROLE_BY_SLUG
user = get_user_model().objects.create_user(
    username={username!r}, password={password!r}, full_name="监管查阅 Inspector",
    is_staff=True, preferred_language="en")
user.groups.add(Group.objects.get(name=ROLE_BY_SLUG["regulator"].group_name))
print(user.pk)
"""


def shell_json(platform, code: str):
    return json.loads(platform.shell(code).splitlines()[-1])


def pct(value: str) -> str:
    """A ratio as the pages show it: ``1234.5`` → ``1,234.50%``."""
    return f"{Decimal(value):,.2f}%"


def totp(secret: str) -> str:
    from base64 import b32decode

    from django_otp.oath import totp as oath_totp

    key = secret.replace(" ", "")
    key = b32decode(key + "=" * (-len(key) % 8))
    return f"{oath_totp(key):06d}"


def test_the_quarterly_solvency_run_reaches_the_public_and_the_regulator(journey, platform):
    finance = journey("finance", language="en")
    actuary = journey("actuary", language="en")
    public = journey("public", language="en")
    regulator = journey("regulator", language="en")
    adjustment = Decimal(f"-{secrets.randbelow(900_000) + 100_000}.{secrets.randbelow(100):02d}")

    with finance.step("a correction to the quarter's capital"):
        job = {"period": ""}
        finance.sign_in_admin("finance")
        finance.go("/admin/solvency/capitalitem/add/")
        page = finance.page
        page.select_option("select[name=kind]", "admitted_asset_adjustment")
        page.select_option("select[name=tier]", "core")
        page.fill("input[name=description]", "Receivable written off after the quarter's audit")
        page.fill("input[name=amount]", str(adjustment))
        quarter_end = platform.shell(
            "from django.utils import timezone; from solvency.services.jobs import "
            "quarter_end_before; print(quarter_end_before(timezone.localdate()))"
        )
        page.fill("input[name=valid_from]", quarter_end)
        page.fill("input[name=valid_until]", quarter_end)
        page.fill("input[name=reference]", f"AUDIT-{quarter_end}-{abs(adjustment)}")
        finance.shot("capital correction")
        with page.expect_navigation():
            page.click("input[name=_save]")
        assert page.locator(".messagelist li.success").count(), page.inner_text("#content")

    with finance.step("the quarterly job on the worker computes a draft"):
        job = shell_json(platform, QUARTERLY)
        assert job["status"] == "succeeded", job
        assert job["period"] == quarter_end
        assert job["result"]["state"] == "computed", job
        draft = shell_json(platform, ASSESSMENT.format(pk=job["result"]["assessment"]))
        assert draft["computed_by"] == "solvency-scheduler"
        assert draft["state"] == "computed" and draft["approved_by"] is None

    assessment_id = job["result"]["assessment"]
    with actuary.step("the actuary approves the draft (four eyes)"):
        actuary.sign_in_admin("actuary")
        actuary.go(f"/admin/solvency/solvencyassessment/{assessment_id}/change/")
        text = actuary.page.inner_text("#content")
        assert "solvency-scheduler" in text
        actuary.shot("draft assessment")
        actuary.go("/admin/solvency/solvencyassessment/?state__exact=computed")
        actuary.page.check(f"input[name=_selected_action][value='{assessment_id}']")
        actuary.page.select_option("select[name=action]", "approve")
        with actuary.page.expect_navigation():
            actuary.page.click("button[name=index]")
        if actuary.page.locator("input[name=apply]").count():
            actuary.page.fill("[name=note]", "Checked against the audited receivables.")
            with actuary.page.expect_navigation():
                actuary.page.click(".submit-row input[type=submit]")
        messages = actuary.page.inner_text(".messagelist")
        assert actuary.page.locator(".messagelist li.success").count(), messages
        approved = shell_json(platform, ASSESSMENT.format(pk=assessment_id))
        assert approved["state"] == "approved" and approved["approved_by"] == "actuary"
        actuary.shot("assessment approved")

    ratio = pct(approved["comprehensive_ratio"])
    with public.step("the public page shows the approved ratio"):
        # The publication is made on the worker after the approval's commit.
        deadline = time.monotonic() + 180
        while True:
            public.go("/disclosure/solvency/")
            summary = public.page.inner_text("section[aria-labelledby=summary-title]")
            if ratio in summary and f"version {approved['version']}" in summary:
                break
            assert time.monotonic() < deadline, (ratio, summary)
            time.sleep(3)
        assert pct(approved["core_ratio"]) in summary
        public.shot("public solvency page")

    with public.step("the report PDF"):
        public.page.click("section[aria-labelledby=summary-title] p.small a")
        public.page.wait_for_url(re.compile(r"/disclosure/"))
        public.shot("solvency publication")
        link = public.page.locator("ul.files a", has_text=re.compile(r"\.pdf$")).first
        with public.page.expect_download() as download:
            link.click()
        data = download.value.path().read_bytes()
        assert data.startswith(b"%PDF")
        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        flat = re.sub(r"\s+", "", text)
        assert ratio.replace(",", "") in flat.replace(",", ""), (ratio, text[:1500])

    username = "inspector-" + secrets.token_hex(3)
    platform.shell(REGULATOR.format(username=username, password=DEMO_PASSWORD))
    with regulator.step("sign in with two-factor"):
        regulator.sign_in(username, next_path="/disclosure/regulator/")
        page = regulator.page
        if "/accounts/two-factor/" not in page.url:
            regulator.go("/accounts/two-factor/?next=/disclosure/regulator/")
        regulator.shot("two-factor set up")
        secret = page.locator("code.secret, [data-secret], .secret").first.inner_text()
        page.fill("input[name=token]", totp(secret))
        with page.expect_navigation():
            page.press("input[name=token]", "Enter")
        assert page.url.endswith("/disclosure/regulator/"), page.url

    with regulator.step("the workings of the assessment"):
        regulator.go(f"/disclosure/regulator/solvency/assessments/{assessment_id}/")
        text = page.inner_text("main")
        assert ratio in text or approved["comprehensive_ratio"] in text, text[:1500]
        regulator.shot("assessment workings")
        regulator.go("/disclosure/regulator/solvency/")
        regulator.shot("regulator solvency")

    with regulator.step("exports: CSV and JSON"):
        base = f"{platform.url}/disclosure/regulator/solvency/export/assessments"
        response = regulator.context.request.get(base + ".csv")
        assert response.status == 200
        assert "attachment" in response.headers["content-disposition"]
        body = response.body().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(body)))
        row = next(r for r in rows if str(assessment_id) in r.values())
        assert approved["comprehensive_ratio"] in row.values(), row
        response = regulator.context.request.get(base + ".json")
        assert response.status == 200
        table = response.json()
        assert table["table"] == "assessments" and table["rows"]
        assert any(
            approved["comprehensive_ratio"] in map(str, r.values())
            if isinstance(r, dict)
            else approved["comprehensive_ratio"] in map(str, r)
            for r in table["rows"]
        )

    with regulator.step("nothing to change"):
        for path in (
            "/disclosure/regulator/",
            "/disclosure/regulator/solvency/",
            f"/disclosure/regulator/solvency/assessments/{assessment_id}/",
        ):
            regulator.go(path)
            forms = page.locator("main form[method=post], main form[method=POST]")
            assert forms.count() == 0, path
            assert page.locator("main button, main input[type=submit]").count() == 0, path
        # The token of a form the regulator was given (the admin's sign-out form), so a
        # refusal below is the platform's answer, not a CSRF failure.
        regulator.go("/admin/")
        token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
        headers = {"X-CSRFToken": token, "Referer": platform.url + "/"}

        def post(path: str, form: dict[str, str]):
            answer = regulator.context.request.post(
                platform.url + path, headers=headers, form={"csrfmiddlewaretoken": token, **form}
            )
            assert "CSRF" not in answer.text(), path
            return answer

        assert post("/disclosure/regulator/solvency/", {}).status in (403, 405)
        regulator.go(f"/admin/solvency/solvencyassessment/{assessment_id}/change/")
        assert page.locator("input[name=_save], input[name=_continue]").count() == 0
        regulator.shot("admin read only")
        regulator.go("/admin/solvency/solvencyassessment/")
        options = page.locator("select[name=action] option").all_inner_texts()
        assert not [o for o in options if o.strip("- ")], options
        added = post(
            "/admin/solvency/capitalitem/add/",
            {
                "kind": "other",
                "tier": "core",
                "description": "x",
                "amount": "1.00",
                "valid_from": quarter_end,
            },
        )
        assert added.status == 403
        # An action the changelist does not offer the regulator, posted anyway: refused
        # (Django answers the list again with "No action selected"), nothing changes.
        post(
            "/admin/solvency/solvencyassessment/",
            {"action": "approve", "_selected_action": str(assessment_id), "index": "0"},
        )
        after = shell_json(platform, ASSESSMENT.format(pk=assessment_id))
        assert after == approved
    for person in (finance, actuary, public, regulator):
        assert not person.errors, (person.who, person.errors)
