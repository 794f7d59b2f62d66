"""Demo members: two plans, a few hundred members with cover, payments and some arrears;
and a small third plan in wind-down (``seed_wind_down``).

Part of ``manage.py seed_demo`` (after the society, the staff and the ledger). Members
are created through the members services (cover, billing, payments, the grace-period
job), backdated so that the society has a history; it runs once (a second run finds the
plans' members and stops).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.calculations import member_number
from members.identity import check_character
from members.models import (
    AgeBand,
    ConsentDocument,
    Coverage,
    HealthQuestion,
    Member,
    Plan,
    PlanVersion,
    WindDown,
)
from members.services.beneficiaries import BeneficiaryData, designation_change
from members.services.contributions import coverage_bill, payment_record
from members.services.enrolment import coverage_open
from members.services.lifecycle import member_event, memberships_enforce_grace
from members.services.plans import plan_version_publish
from members.services.wind_down import plan_wind_down_propose, plan_wind_down_start
from mutualsociety.common.services import sequence_next

LAUNCH = dt.date(2024, 4, 1)
MEMBER_COUNT = 320

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞"
    "宇浩然欣怡子涵梓轩雨晨思源文博嘉怡晓东建国志强海燕春梅秋菊冬"
    "雪凯丹慧琳"
)
PROVINCE_AREAS = {
    "11": "110105",
    "31": "310115",
    "44": "440305",
    "33": "330106",
    "32": "320102",
    "51": "510107",
    "42": "420106",
    "37": "370202",
    "35": "350203",
    "50": "500103",
}

ARTICLES = (
    "第一条 本社为会员共同所有的相互保险组织，会员大会是本社的最高权力机构。\n"
    "第二条 会员享有选举权和被选举权，一人一票。\n"
    "第三条 董事会执行会员大会决议，监事会监督董事会和高级管理人员。\n"
    "第四条 初始运营资金在本社偿付能力充足时方可从盈余中偿还。\n"
    "第五条 本社定期披露治理、财务、偿付能力和理赔信息。"
)
ARTICLES_EN = (
    "Art. 1 The society is a mutual insurance organisation owned by its members; the "
    "general assembly of members is its highest authority.\n"
    "Art. 2 Every member may vote and stand for election, one member one vote.\n"
    "Art. 3 The board of directors carries out the assembly's resolutions; the supervisory "
    "board oversees the board and the management.\n"
    "Art. 4 The initial operating fund is repaid only out of surplus while solvency is "
    "adequate.\n"
    "Art. 5 The society discloses its governance, finances, solvency and claims regularly."
)
PRIVACY = (
    "我们仅为办理入会、保障、缴费、理赔和会员治理收集和使用您的个人信息；"
    "身份证件号码仅授权员工可见，公示材料均经去标识化处理；您可随时查阅和更正联系方式。"
)
PRIVACY_EN = (
    "We collect and use your personal information only to enrol you, cover you, collect "
    "contributions, settle claims and run member governance. Your identity number is "
    "visible only to authorised staff; anything published is de-identified; you can see "
    "and correct your contact details at any time."
)

QUESTIONS = (
    (
        "过去五年内是否被诊断患有恶性肿瘤？",
        "In the last five years, were you diagnosed with cancer?",
        "decline",
    ),
    (
        "目前是否正在住院，或被医生建议住院或手术？",
        "Are you in hospital now, or were you advised to have hospital treatment or surgery?",
        "refer",
    ),
    (
        "是否患有高血压或糖尿病并正在服药？",
        "Do you take medication for high blood pressure or diabetes?",
        "refer",
    ),
)


def _plan(code, name, name_en, kind, summary, summary_en, bands, **terms) -> PlanVersion:
    plan, _ = Plan.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "name_en": name_en,
            "kind": kind,
            "summary": summary,
            "summary_en": summary_en,
        },
    )
    version = plan.versions.first()
    if version is None:
        version = PlanVersion.objects.create(plan=plan, number=1, effective_from=LAUNCH, **terms)
        for min_age, max_age, benefit, monthly, quarterly, annual in bands:
            AgeBand.objects.create(
                plan_version=version,
                min_age=min_age,
                max_age=max_age,
                sum_assured=Decimal(benefit),
                premium_monthly=Decimal(monthly) if monthly else None,
                premium_quarterly=Decimal(quarterly) if quarterly else None,
                premium_annual=Decimal(annual) if annual else None,
            )
        for order, (text, text_en, outcome) in enumerate(QUESTIONS, start=1):
            HealthQuestion.objects.create(
                plan_version=version, order=order, text=text, text_en=text_en, yes_outcome=outcome
            )
        plan_version_publish(version=version, actor=None)
        version.refresh_from_db()
    return version


def plans() -> tuple[PlanVersion, PlanVersion]:
    ConsentDocument.objects.get_or_create(
        kind="articles",
        version="2024.1",
        defaults={
            "title": "同舟相互保险社章程",
            "title_en": "Articles of association of Tongzhou Mutual",
            "body": ARTICLES,
            "body_en": ARTICLES_EN,
            "effective_from": dt.date(2024, 3, 18),
        },
    )
    ConsentDocument.objects.get_or_create(
        kind="privacy",
        version="2025.1",
        defaults={
            "title": "个人信息保护政策",
            "title_en": "Privacy notice",
            "body": PRIVACY,
            "body_en": PRIVACY_EN,
            "effective_from": dt.date(2025, 1, 1),
        },
    )
    premium = _plan(
        "ci-cover",
        "同舟重疾保障",
        "Tongzhou critical illness cover",
        Plan.Kind.PREMIUM,
        "确诊合同约定的重大疾病一次性给付保额；按年龄段定额缴费，年度续保。",
        "A lump sum on diagnosis of a covered critical illness; "
        "premiums by age band, renewed yearly.",
        [
            (18, 30, "300000.00", "38.00", "112.00", "438.00"),
            (31, 40, "300000.00", "58.00", "171.00", "668.00"),
            (41, 50, "200000.00", "86.00", "254.00", "990.00"),
            (51, 60, "100000.00", "118.00", "348.00", "1360.00"),
        ],
        min_entry_age=18,
        max_entry_age=60,
        annual_cap=None,
        benefit_schedule="重大疾病确诊：一次性给付对应年龄段保额；意外伤害导致的重大疾病不受等待期限制。",
        benefit_schedule_en="Critical illness diagnosed: the sum assured of your age band, once; "
        "illness caused by an accident is covered without a waiting period.",
    )
    aid = _plan(
        "mutual-aid",
        "同舟互助计划",
        "Tongzhou mutual aid plan",
        Plan.Kind.MUTUAL_AID,
        "免费加入，观察期后患重疾可获互助金；每月14日、28日由全体成员分摊，每人每年分摊上限188元。",
        "Free to join; after the observation period a member with a critical illness receives "
        "aid, shared by all members on the 14th and 28th, at most 188 CNY a member a year.",
        [
            (18, 39, "300000.00", None, None, None),
            (40, 59, "100000.00", None, None, None),
        ],
        min_entry_age=18,
        max_entry_age=59,
        withdrawal_notice_days=0,
        benefit_schedule="确诊约定重疾：18-39岁最高30万元，40-59岁最高10万元。",
        benefit_schedule_en="Covered critical illness: up to 300,000 CNY aged 18-39, "
        "up to 100,000 CNY aged 40-59.",
    )
    return premium, aid


def _resident_id(rng: random.Random, province: str, born: dt.date, sex: str) -> str:
    area = PROVINCE_AREAS[province]
    sequence = rng.randrange(0, 99) * 10 + rng.choice(
        (1, 3, 5, 7, 9) if sex == "M" else (0, 2, 4, 6, 8)
    )
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    return body + check_character(body)


def _new_member(rng: random.Random, *, start: dt.date, user=None, name=None) -> Member:
    sex = rng.choice("FM")
    age = rng.randint(22, 57)
    born = dt.date(start.year - age, rng.randint(1, 12), rng.randint(1, 28))
    province = rng.choice(list(PROVINCE_AREAS))
    while True:
        id_number = _resident_id(rng, province, born, sex)
        if not Member.objects.filter(id_type="resident_id", id_number=id_number).exists():
            break
    sequence = sequence_next(name=f"member_number:{start.year}")
    member = Member.objects.create(
        user=user,
        member_number=member_number(start.year, sequence),
        legal_name=name or rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
        id_number=id_number,
        date_of_birth=born,
        sex=sex,
        phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        email=f"member{sequence}@example.cn",
        region=province,
        address="",
        status=Member.Status.ACTIVE,
        joined_on=start,
    )
    member_event(member=member, type="accepted", new="demo", reason="演示数据")
    return member


def _pay_dues(rng: random.Random, member: Member, *, skip_last: int = 0) -> int:
    dues = list(member.dues.filter(status="open").order_by("due_date"))
    paid = 0
    today = timezone.localdate()
    for due in dues[: len(dues) - skip_last] if skip_last else dues:
        received = min(today, due.due_date + dt.timedelta(days=rng.randint(0, 20)))
        payment_record(
            member=member,
            amount=due.amount,
            received_on=received,
            provider="bank_transfer",
            reference=f"DEMO{due.pk:06d}",
            idempotency_key=f"demo:payment:{due.pk}",
        )
        paid += 1
    return paid


def seed(*, demo_password: str) -> dict:
    """Create the demo members once; return counts and the member logins (their
    password is ``demo_password``)."""
    premium, aid = plans()
    logins = [
        ("chenmei", "陈美", premium, "annual", 400, 0),
        ("wangfang", "王芳", premium, "monthly", 300, 3),
        ("lijun", "李军", aid, "", 20, 0),
    ]
    User = get_user_model()  # noqa: N806
    if Member.objects.filter(coverages__plan__code__in=["ci-cover", "mutual-aid"]).exists():
        return {"created": 0, "logins": [(u, n) for u, n, *_ in logins]}
    rng = random.Random(2026)  # noqa: S311 - demo data, the same on every machine
    today = timezone.localdate()
    span = (today - LAUNCH).days - 10
    created = 0
    for index in range(MEMBER_COUNT):
        start = LAUNCH + dt.timedelta(days=rng.randint(0, span))
        version = aid if rng.random() < 0.6 else premium
        member = _new_member(rng, start=start)
        frequency = rng.choices(["monthly", "quarterly", "annual"], [3, 3, 4])[0]
        coverage_open(
            member=member,
            version=version,
            start=start,
            frequency=frequency if version == premium else "",
        )
        if version == premium:
            coverage = Coverage.objects.get(member=member, plan=premium.plan)
            coverage_bill(coverage=coverage, until=today)
            # Most pay everything; about one in eight is behind with the last two.
            _pay_dues(rng, member, skip_last=2 if index % 8 == 0 else 0)
        created += 1
    for username, name, version, frequency, days_ago, skip in logins:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=demo_password,
                full_name=name,
                email=f"{username}@example.cn",
            )
        start = today - dt.timedelta(days=days_ago)
        member = _new_member(rng, start=start, user=user, name=name)
        coverage_open(member=member, version=version, start=start, frequency=frequency)
        if version == premium:
            coverage_bill(
                coverage=Coverage.objects.get(member=member, plan=premium.plan), until=today
            )
            _pay_dues(rng, member, skip_last=skip)
        created += 1
        if username == "chenmei":
            _beneficiaries(member, user)
    suspended = memberships_enforce_grace(today=today)
    return {"created": created, "suspended": suspended, "logins": [(u, n) for u, n, *_ in logins]}


def _beneficiaries(member: Member, user) -> None:
    """陈美 names her husband and her daughter (60/40), so /me/beneficiaries/ has a
    designation to show and the claims admin one to find. A random generator of its own:
    the other demo members stay what they were."""
    rng = random.Random(13)  # noqa: S311 - demo data
    spouse_born = dt.date(member.date_of_birth.year - 2, 5, 17)
    child_born = dt.date(min(member.date_of_birth.year + 28, timezone.localdate().year - 1), 9, 3)
    designation_change(
        member=member,
        actor=user,
        beneficiaries=[
            BeneficiaryData(
                "林建国",
                "spouse",
                "resident_id",
                _resident_id(rng, "31", spouse_born, "M"),
                "60.00",
            ),
            BeneficiaryData(
                "林小雨", "child", "resident_id", _resident_id(rng, "31", child_born, "F"), "40.00"
            ),
        ],
        based_on=0,
        reason="演示数据",
    )


#: The demo's second mutual aid plan, in wind-down (docs/members.md, "Wind-down of a
#: mutual aid plan").
WOUND_DOWN_CODE = "mutual-aid-2019"


def seed_wind_down() -> dict:
    """A second, small mutual aid plan (a dozen members, some with money paid in advance)
    whose wind-down the board secretary recorded and the compliance officer started some
    weeks ago: the join page, the members' dashboards and the public products page show
    it with its timeline. Once: a second run finds the wind-down and adds nothing."""
    if WindDown.objects.filter(plan__code=WOUND_DOWN_CODE).exists():
        return {"wind_down": 0}
    version = _plan(
        WOUND_DOWN_CODE,
        "同舟互助计划（2019版）",
        "Tongzhou mutual aid plan (2019 edition)",
        Plan.Kind.MUTUAL_AID,
        "2019年推出的互助计划，已由董事会决议停止运营；成员已转入新版互助计划或自愿退出。",
        "The 2019 mutual aid plan, wound down by the board's resolution; its members moved to "
        "the current plan or left.",
        [(18, 59, "100000.00", None, None, None)],
        min_entry_age=18,
        max_entry_age=59,
    )
    rng = random.Random(2019)  # noqa: S311 - demo data, the same on every machine
    for index in range(12):
        start = LAUNCH + dt.timedelta(days=30 + index)
        member = _new_member(rng, start=start)
        coverage_open(member=member, version=version, start=start, frequency="")
        if index % 3 == 0:  # a few paid ahead: refunded at the end of the wind-down
            payment_record(
                member=member,
                amount=Decimal("20.00"),
                received_on=start,
                provider="bank_transfer",
                reference=f"DEMO-WD{index:02d}",
                idempotency_key=f"demo:wind-down-advance:{member.pk}",
            )
    User = get_user_model()  # noqa: N806
    today = timezone.localdate()
    row = plan_wind_down_propose(
        plan=version.plan,
        reason="该计划已由新版互助计划取代，成员人数不足以稳定分摊，董事会决议有序停止运营。",
        reason_en="The plan was replaced by the current mutual aid plan and has too few members "
        "to share claims steadily; the board resolved to wind it down in an orderly way.",
        board_resolution_reference="董事会决议〔2026〕7号 Board resolution 2026-7",
        board_resolved_on=today - dt.timedelta(days=45),
        board_minutes_reference="董事会2026年第3次会议记录 Board minutes 2026/3",
        actor=User.objects.get(username="secretary"),
    )
    row = plan_wind_down_start(wind_down=row, actor=User.objects.get(username="compliance"))
    # Started some weeks ago, so the demo shows a claims window half run.
    WindDown.objects.filter(pk=row.pk).update(stop_date=today - dt.timedelta(days=40))
    return {"wind_down": 1}
