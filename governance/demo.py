"""The demo assembly: a published annual assembly of last spring (results declared, minutes
approved), an extraordinary assembly whose vote is open now (chenmei can vote: an ordinary
motion, a special one and an election to the supervisory board), a member proposal
collecting co-signatures, and two consultations of the members: one closed before last
spring's assembly with its results published, one open now before the extraordinary
assembly with answers and a discussion (one comment hidden by the secretary, with the
reason); chenmei, lijun and wangfang have not answered, so they can try.

Part of ``manage.py seed_demo`` (after the members). Everything goes through the
governance services, with the dates of each step; a second run finds the meetings by
title and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.models import AgendaDocument, Body, Consultation, Matter, Meeting, Proposal
from governance.services.consultations import (
    comment_hide,
    consultation_close,
    consultation_comment,
    consultation_draft,
    consultation_open,
    consultation_question_add,
    consultation_respond,
)
from governance.services.elections import candidate_nominate, candidate_second
from governance.services.meetings import (
    agenda_item_add,
    articles_in_force,
    meeting_approve_minutes,
    meeting_close_voting,
    meeting_convene,
    meeting_declare_results,
    meeting_draft,
    meeting_draft_minutes,
    meeting_open_voting,
    meeting_publish,
    motion_add,
)
from governance.services.proposals import proposal_cosign, proposal_draft
from governance.services.voting import ballot_cast
from members.models import Member

# The minutes are a document written in Chinese, whatever language the seeding runs in.
OUTCOME_ZH = {"adopted": "通过", "rejected": "未通过", "elected": "当选"}

PAST_TITLE = "2025年度会员大会"
OPEN_TITLE = "2026年临时会员大会"
PROPOSAL_TITLE = "按月公开互助计划理赔统计"
CLOSED_CONSULTATION_TITLE = "会前征询：2026年预算与盈余返还"
OPEN_CONSULTATION_TITLE = "会前征询：管理费下调与会员代表大会"


def _chinese_day(at: dt.datetime) -> str:
    """A day as the society's Chinese documents write it (2026年5月19日), in its time zone."""
    day = timezone.localtime(at).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _tz(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _item(meeting, title, description, document=None, actor=None):
    item = agenda_item_add(meeting=meeting, title=title, description=description, actor=actor)
    if document:
        AgendaDocument.objects.create(item=item, title=document[0], body=document[1])
    return item


def _past_meeting(voters: list[Member], secretary, rng: random.Random) -> Meeting:
    today = timezone.localdate()
    opens = _tz(today - dt.timedelta(days=200), 9)
    assembly = Body.objects.get(kind=Body.Kind.GENERAL_ASSEMBLY)
    meeting = meeting_draft(
        body=assembly,
        kind=Meeting.Kind.ANNUAL,
        title=PAST_TITLE,
        location="上海市浦东新区 会议中心",
        voting_opens_at=opens,
        voting_closes_at=opens + dt.timedelta(days=7),
        actor=secretary,
    )
    report = _item(
        meeting,
        "2025年度报告",
        "董事会工作报告、财务报告与偿付能力报告。",
        ("2025年度报告", "综合偿付能力充足率 186%，核心 142%。"),
        secretary,
    )
    motion_add(
        meeting=meeting,
        item=report,
        title="审议2025年度报告",
        text="会员大会审议通过2025年度董事会工作报告及经审计的财务报告。",
        matter=Matter.REPORT,
        actor=secretary,
    )
    budget = _item(meeting, "2026年预算", "管理费预算。", None, secretary)
    motion_add(
        meeting=meeting,
        item=budget,
        title="批准2026年预算",
        text="批准2026年管理费预算 5,200,000.00 元。",
        matter=Matter.BUDGET,
        actor=secretary,
    )
    surplus = _item(meeting, "盈余分配", "2025年度盈余的30%返还会员。", None, secretary)
    motion_add(
        meeting=meeting,
        item=surplus,
        title="分配2025年盈余",
        text="2025年度盈余的30%按缴费比例返还会员，其余计入公积金。",
        matter=Matter.SURPLUS,
        actor=secretary,
    )
    meeting_convene(meeting=meeting, actor=secretary, at=opens - dt.timedelta(days=30))
    meeting = meeting_open_voting(meeting=meeting, actor=secretary, at=opens)
    motions = list(meeting.motions.order_by("number"))
    weights = {  # for / against / abstain per motion
        1: (80, 12, 8),
        2: (70, 20, 10),
        3: (60, 30, 10),  # special: needs two thirds of 90 cast: 60/90 adopts exactly
    }
    at = opens + dt.timedelta(hours=1)
    # The roll was frozen as it stood on the record date: members who joined later, or
    # whose membership was not yet active then, are not on it and cannot vote.
    on_roll = set(meeting.roll.values_list("member_id", flat=True))
    for voter in voters:
        if voter.pk not in on_roll:
            continue
        if rng.random() > 0.55:
            continue  # about 55% turnout
        at += dt.timedelta(minutes=7)
        for motion in motions:
            choice = rng.choices(["for", "against", "abstain"], weights[motion.number])[0]
            ballot_cast(motion=motion, voter=voter, choice=choice, at=at)
    meeting = meeting_close_voting(meeting=meeting, actor=secretary, at=meeting.voting_closes_at)
    meeting = meeting_declare_results(
        meeting=meeting, actor=secretary, at=meeting.voting_closes_at + dt.timedelta(hours=2)
    )
    lines = [
        f"{PAST_TITLE}",
        f"投票期间：{_chinese_day(opens)}至{_chinese_day(meeting.voting_closes_at)}。",
        f"冻结投票名册 {meeting.roll_size} 人，SHA-256 {meeting.roll_hash}。",
    ]
    for motion in meeting.motions.order_by("number"):
        lines.append(
            f"议案{motion.number}《{motion.title}》：赞成 {motion.votes_for}，反对 "
            f"{motion.votes_against}，弃权 {motion.abstentions}；"
            f"{OUTCOME_ZH.get(motion.outcome, motion.outcome)}。"
        )
    meeting_draft_minutes(meeting=meeting, text="\n".join(lines), actor=secretary)
    meeting = meeting_approve_minutes(
        meeting=meeting, actor=secretary, at=meeting.voting_closes_at + dt.timedelta(days=10)
    )
    return meeting_publish(
        meeting=meeting, actor=secretary, at=meeting.voting_closes_at + dt.timedelta(days=11)
    )


def _open_meeting(voters: list[Member], secretary) -> Meeting:
    now = timezone.now()
    opens = now - dt.timedelta(days=1)
    assembly = Body.objects.get(kind=Body.Kind.GENERAL_ASSEMBLY)
    supervisors = Body.objects.get(kind=Body.Kind.SUPERVISORY_BOARD)
    meeting = meeting_draft(
        body=assembly,
        kind=Meeting.Kind.EXTRAORDINARY,
        title=OPEN_TITLE,
        location="线上",
        voting_opens_at=opens,
        voting_closes_at=now + dt.timedelta(days=14),
        actor=secretary,
    )
    fee = _item(
        meeting,
        "管理费",
        "董事会提议下调互助计划管理费。",
        ("董事会说明", "管理费由8%下调至7%，预计每年减少会员分摊约 120,000 元。"),
        secretary,
    )
    motion_add(
        meeting=meeting,
        item=fee,
        title="下调管理费",
        text="自2027年1月1日起，互助计划管理费由8%下调至7%。",
        matter=Matter.GENERAL,
        actor=secretary,
    )
    articles = _item(
        meeting,
        "修改章程",
        "增加会员代表大会条款。",
        ("章程修正案", "第二十条增加：会员超过五万人时，设立会员代表大会。"),
        secretary,
    )
    motion_add(
        meeting=meeting,
        item=articles,
        title="修改章程第二十条",
        text="会员超过五万人时，由各省会员选举代表组成会员代表大会。",
        matter=Matter.AMEND_ARTICLES,
        actor=secretary,
    )
    election = _item(meeting, "监事会选举", "补选两名监事。", None, secretary)
    motion = motion_add(
        meeting=meeting,
        item=election,
        title="选举监事",
        text="",
        matter=Matter.ELECTION,
        seats=2,
        elects_to=supervisors,
        actor=secretary,
    )
    statements = (
        "注册会计师，十五年审计经验，愿意监督财务与偿付能力。",
        "退休教师，十年会员，关注理赔公开与公平。",
        "精算师，关注准备金评估与费率充足。",
    )
    for i, statement in enumerate(statements):
        candidate = candidate_nominate(
            motion=motion,
            member=voters[i],
            nominated_by=voters[10 + i],
            statement=statement,
            actor=secretary,
        )
        candidate_second(candidate=candidate, member=voters[20 + i], actor=secretary)
    meeting_convene(meeting=meeting, actor=secretary, at=opens - dt.timedelta(days=20))
    return meeting_open_voting(meeting=meeting, actor=secretary, at=opens)


def _proposal(voters: list[Member]) -> Proposal:
    proposal = proposal_draft(
        author=voters[5],
        title=PROPOSAL_TITLE,
        text="每月第一个工作日，在信息披露页面公开上月互助计划的理赔件数、金额与拒赔原因统计。",
        matter=Matter.GENERAL,
    )
    for voter in voters[30:34]:
        proposal_cosign(proposal=proposal, member=voter)
    return proposal


def _consultation(meeting, title, description, questions, opens, closes, secretary, audience):
    consultation = consultation_draft(
        title=title, description=description, meeting=meeting, audience=audience,
        opens_at=opens, closes_at=closes, actor=secretary,
    )  # fmt: skip
    for text, kind, options in questions:
        consultation_question_add(
            consultation=consultation, text=text, kind=kind, options=options,
            required=kind != "text", actor=secretary,
        )  # fmt: skip
    consultation = consultation_open(consultation=consultation, actor=secretary, at=opens)
    return consultation, list(consultation.questions.prefetch_related("options").order_by("order"))


def _answers(questions, i: int) -> dict:
    """A deterministic spread of answers for the ``i``-th member."""
    out: dict = {}
    for question in questions:
        options = [o.pk for o in question.options.all()]
        if question.kind == "single":
            out[question.pk] = options[(i * 7 // 5) % len(options)]
        elif question.kind == "multiple":
            out[question.pk] = [o for k, o in enumerate(options) if (i + k) % 3 != 2]
        elif question.kind == "scale":
            out[question.pk] = (3, 4, 5, 4, 2, 4, 5, 3)[i % 8]
        elif i % 4 == 0:
            out[question.pk] = ("希望尽快公开理赔时效统计。", "建议增加线上答疑会。")[i // 4 % 2]
    return out


def _consultations(past: Meeting, current: Meeting, voters: list[Member], secretary) -> list:
    """Closed before last spring's assembly (results published); open before the
    extraordinary one, with answers, comments and a moderation."""
    opens = past.voting_opens_at - dt.timedelta(days=21)
    closes = past.voting_opens_at - dt.timedelta(days=3)
    closed, questions = _consultation(
        past, CLOSED_CONSULTATION_TITLE,
        "董事会在年度会员大会前征求会员对预算与盈余返还的意见，结果供大会参考。",
        (
            ("2026年管理费预算应如何安排？", "single", ["维持", "下调", "上调"]),
            ("盈余返还方式（可多选）", "multiple", ["抵扣下期分摊", "现金返还", "转入风险准备"]),
            ("您对本年度理赔服务的满意度", "scale", []),
            ("其他意见", "text", []),
        ),
        opens, closes, secretary, Consultation.Audience.MEMBERS,
    )  # fmt: skip
    for i, member in enumerate(voters[:24]):
        consultation_respond(consultation=closed, member=member, answers=_answers(questions, i),
                             at=opens + dt.timedelta(days=1, hours=i))  # fmt: skip
    consultation_comment(consultation=closed, member=voters[3], body="盈余返还建议优先抵扣分摊。",
                         at=opens + dt.timedelta(days=2))  # fmt: skip
    closed = consultation_close(consultation=closed, at=closes)

    now = timezone.now()
    current_one, questions = _consultation(
        current, OPEN_CONSULTATION_TITLE,
        "临时会员大会表决前，董事会希望了解会员对两项议案的看法。欢迎在下方讨论。",
        (
            ("您是否支持管理费由8%下调至7%？", "single", ["支持", "反对", "暂无意见"]),
            ("会员代表大会应按什么划分选区？", "single", ["按省份", "按计划", "按入会年份"]),
            ("您对本次议案说明材料的清晰程度评价", "scale", []),
            ("其他建议", "text", []),
        ),
        now - dt.timedelta(days=1), now + dt.timedelta(days=10), secretary,
        Consultation.Audience.VOTERS,
    )  # fmt: skip
    on_roll = set(current.roll.values_list("member_id", flat=True))
    consulted = [m for m in voters if m.pk in on_roll] if current.roll_frozen else voters
    for i, member in enumerate(consulted[:9]):
        consultation_respond(consultation=current_one, member=member,
                             answers=_answers(questions, i),
                             at=now - dt.timedelta(hours=20 - i))  # fmt: skip
    first = consultation_comment(
        consultation=current_one, member=consulted[1], at=now - dt.timedelta(hours=18),
        body="下调管理费后，运营费用是否足够？希望董事会说明测算。",
    )  # fmt: skip
    consultation_comment(
        consultation=current_one, member=consulted[2], reply_to=first,
        at=now - dt.timedelta(hours=16),
        body="说明材料里有测算：每年减少分摊约12万元，运营费用由盈余覆盖。",
    )  # fmt: skip
    rude = consultation_comment(
        consultation=current_one, member=consulted[4], at=now - dt.timedelta(hours=12),
        body="广告：低价代办各类保险，加微信详询。",
    )  # fmt: skip
    comment_hide(comment=rude, actor=secretary, at=now - dt.timedelta(hours=11),
                 reason="与议题无关的广告信息。")  # fmt: skip
    return [closed.pk, current_one.pk]


def seed() -> dict:
    """Create the demo assembly once."""
    if Meeting.objects.filter(title__in=[PAST_TITLE, OPEN_TITLE]).exists():
        return {"created": 0}
    articles_in_force()
    secretary = get_user_model().objects.filter(username="secretary").first()
    rng = random.Random(2025)  # noqa: S311 - demo data, the same on every machine
    active = Member.objects.filter(status=Member.Status.ACTIVE)
    # Demo logins last in the list: they never stand or sign, so they can try everything.
    logins = ("chenmei", "lijun", "wangfang")
    others = list(active.exclude(user__username__in=logins).order_by("member_number"))
    past = _past_meeting(list(active.order_by("member_number")), secretary, rng)
    current = _open_meeting(others, secretary)
    proposal = _proposal(others)
    consultations = _consultations(past, current, others, secretary)
    return {
        "created": 3,
        "meetings": [past.pk, current.pk],
        "proposal": proposal.pk,
        "consultations": consultations,
    }
