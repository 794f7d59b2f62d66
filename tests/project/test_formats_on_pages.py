"""What a person reads on a page: one date format and one money format per language
everywhere, rates as percentages, and the admin in Chinese without raw app labels.

Before: /me/ showed ``12/04/2026`` beside ``Oct. 30, 2025`` and ``1360.00 CNY`` beside
``1,360.00 CNY``; the admin showed ``8000.00``; the apportionment fee ``0.00 (0.080000)``;
the Chinese admin index "AXES" and "OTP_TOTP"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from tests.claims.factories import claim_approved, covered_member
from tests.members.factories import member_make, mutual_aid_plan_make, pay, premium_plan_make

pytestmark = pytest.mark.django_db

# What a date looks like to a person, and what it must never look like.
DATE = {"zh-hans": r"\d{4}年\d{1,2}月\d{1,2}日", "en": r"\d{1,2} [A-Z][a-z]{2} \d{4}"}
OTHER_DATES = (
    r"\b\d{1,2}/\d{1,2}/\d{4}\b",  # 12/04/2026
    r"\b\d{4}/\d{1,2}/\d{1,2}\b",  # 2026/12/04
    r"\b\d{4}-\d{2}-\d{2}\b",  # 2026-12-04 (ISO) on the page itself
    r"\b[A-Z][a-z]{2}\. \d{1,2}, \d{4}",  # Oct. 30, 2025
    r"\b[A-Z][a-z]+ \d{1,2}, \d{4}",  # October 30, 2025
)
UNGROUPED_AMOUNT = r"(?<![\d,.])\d{4,}\.\d{2}\b"  # 1360.00, 8000.00


def visible_text(html: str) -> str:
    """The page as read: no tags (so no attribute such as <time datetime="2026-12-04">),
    no scripts or styles."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_one_format(text: str, language: str) -> None:
    for pattern in OTHER_DATES:
        assert not re.search(pattern, text), (language, re.search(pattern, text).group(0))
    assert not re.search(UNGROUPED_AMOUNT, text), re.search(UNGROUPED_AMOUNT, text).group(0)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_dashboard_writes_every_date_and_amount_one_way(client, language):
    """/me/ with a payment of 1,360.00: the history, the totals and the cover all write the
    amount grouped with the currency after it, and every date in the language's format."""
    member = member_make(premium_plan_make())
    pay(member, "1360.00")
    client.force_login(member.user)

    text = visible_text(client.get("/me/", HTTP_ACCEPT_LANGUAGE=language).content.decode())

    assert "1,360.00 CNY" in text  # the payment in the history (was 1360.00 CNY)
    assert "100,000.00 CNY" in text  # the benefit
    assert "1,330.00" in text  # credit in advance after the first 30.00
    dates = re.findall(DATE[language], text)
    today = timezone.localdate()
    written_today = {"zh-hans": f"{today.year}年{today.month}月{today.day}日"}.get(
        language, today.strftime("%-d %b %Y")
    )
    assert len(dates) >= 4 and written_today in dates  # member since, start, history...
    assert_one_format(text, language)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_statement_writes_every_date_and_amount_one_way(client, language):
    member = member_make(premium_plan_make())
    pay(member, "1360.00")
    client.force_login(member.user)

    text = visible_text(
        client.get("/me/statement/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    )

    assert "1,360.00" in text
    assert re.search(DATE[language], text)
    assert_one_format(text, language)


@pytest.fixture
def aid(db):
    return mutual_aid_plan_make(
        objection_threshold=2, panel_size=3, panel_quorum=2, panel_min_tenure_days=30
    )


@pytest.fixture
def handler(make_user):
    return make_user("handler", roles=("claims_handler",), is_staff=True)


@pytest.fixture
def approver(make_user):
    return make_user("approver", roles=("claims_approver",), is_staff=True)


def test_admin_lists_group_amounts_by_thousands(client, aid, handler, approver):
    """The claims queue wrote 8000.00; an amount reads 8,000.00 there as on the portal."""
    claim_approved(covered_member(aid), handler, approver, amount="8000.00")
    client.force_login(handler)

    text = visible_text(
        client.get(
            reverse("admin:claims_claim_changelist"), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    )

    assert "8,000.00" in text
    assert not re.search(UNGROUPED_AMOUNT, text)


def test_the_management_fee_rate_reads_as_a_percentage(
    client, aid, handler, approver, chart_of_accounts
):
    """The apportionment preview wrote the fee as "0.00 (0.080000)"; it reads
    "640.00 CNY (8%)", and the period's page shows the rate as 8%."""
    for _ in range(2):
        covered_member(aid)
    claim = claim_approved(covered_member(aid), handler, approver, amount="8000.00")
    Claim.objects.filter(pk=claim.pk).update(
        notice_status="cleared", cleared_on=timezone.localdate()
    )
    client.force_login(handler)
    url = reverse("admin:claims_apportionmentperiod_run")
    data = {"plan": aid.plan_id, "cutoff": timezone.localdate().isoformat()}

    preview = client.post(url, {**data, "preview": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    text = visible_text(preview.content.decode())
    assert "8,000.00 CNY" in text  # benefits shared
    assert "640.00 CNY (8%)" in text  # the fee and its rate
    assert "0.080000" not in text
    with_zh = visible_text(
        client.post(url, {**data, "preview": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    assert "640.00 CNY（8%）" in with_zh

    period = client.post(url, {**data, "run": "1"})
    page = client.get(period["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "8%" in visible_text(page) and "0.080000" not in page
    assert "8,640.00" in visible_text(page)  # the total to share, grouped


def test_the_admin_index_in_chinese_names_every_app_in_chinese(client, make_user):
    """No raw app label (AXES, OTP_TOTP) on the staff site's index in Chinese: the sign-in
    protection and the authenticator apps have translated names, and so do their models."""
    boss = make_user("boss", is_staff=True, is_superuser=True)
    client.force_login(boss)

    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    text = visible_text(html)

    for raw in ("AXES", "Axes", "OTP_TOTP", "Otp_Totp", "otp_totp"):
        assert raw not in text
    assert "登录防护" in text  # axes
    assert "身份验证器应用" in text  # django_otp.plugins.otp_totp
    assert "TOTP 身份验证器" in text  # its model
    assert "登录尝试" in text and "登录日志" in text  # axes' models
    for english in ("Access attempts", "Access logs", "TOTP devices"):
        assert english not in text
