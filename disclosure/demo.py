"""The demo society's disclosures (part of ``manage.py seed_demo``, the last app seeded).

Through the real services:

- every automatic publication the demo's records call for (``disclosure_sync``): the
  solvency summaries of the approved quarters with their reports, the claims statistics
  and financial statements of the settled quarters since the founding, the notice,
  resolutions and minutes of the demo meetings, the apportionment periods, the annual
  reports of the years whose fourth quarter is approved. Each is dated when the society
  would have published it (a quarter's figures some three weeks after its end, a meeting's
  results when the meeting was published), never later than now, so the archive shows a
  year of disclosures published on time;
- the material event the early-warning quarter raised, published by the compliance
  officer;
- four manual publications (basic information, articles of association, a product, a
  related-party transaction), drafted by ``compliance`` and approved by ``compliance2``
  (maker-checker), and one correction of the product's page, with its note.

Idempotent: the catch-up finds nothing missing the second time, a published material
event is returned as it is, and a manual document that exists is not drafted again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.selectors.statistics import apportionment_summaries
from governance.selectors import meetings_convened
from members.selectors import wind_down_visible
from mutualsociety.common.selectors import society_get
from solvency.models import MaterialEventDraft
from solvency.selectors import approved_assessments, material_event_drafts, regime_default

from .models import Kind, KindRule, Publication
from .services import (
    publication_correct,
    publication_draft,
    publication_publish,
    publication_submit,
)
from .services.figures import quarter_bounds
from .services.sources import disclosure_sync, material_event_publish

#: When after a quarter's end the demo society publishes its figures (due within 30 days).
QUARTER_LAG = dt.timedelta(days=20)
#: The annual report: 20 April of the next year (due within four months).
ANNUAL_ON = (4, 20)


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _dating() -> Any:
    """``dated(kind, source)`` for ``disclosure_sync``: when the demo society would have
    published each source (three queries, read once), never later than now."""
    now = timezone.now()
    meetings = {
        pk: (convened, published)
        for pk, convened, published in meetings_convened().values_list(
            "pk", "convened_at", "published_at"
        )
    }
    periods = dict(apportionment_summaries().values_list("pk", "cutoff"))
    quarters = dict(approved_assessments(None).values_list("pk", "valuation_date"))

    def dated(kind: str, source: Any) -> dt.datetime | None:
        moment: dt.datetime | None
        if kind == Kind.MEETING_NOTICE:
            moment = meetings.get(source, (None, None))[0]
        elif kind in (Kind.RESOLUTIONS, Kind.MINUTES):
            moment = meetings.get(source, (None, None))[1]
        elif kind == Kind.APPORTIONMENT:  # the day after the cut-off
            cutoff = periods.get(source)
            moment = _moment(cutoff + dt.timedelta(days=1)) if cutoff else None
        elif kind == Kind.ANNUAL_REPORT:
            moment = _moment(dt.date(source + 1, *ANNUAL_ON))
        elif kind == Kind.MATERIAL_EVENT:  # a wind-down's step (id, step): on its day
            row = wind_down_visible(source[0])
            day = {step: on for step, _label, on in row.timeline()}.get(source[1]) if row else None
            moment = _moment(day) if day else None
        elif kind == Kind.SOLVENCY_SUMMARY:
            day = quarters.get(source)
            moment = _moment(quarter_bounds(day)[1] + QUARTER_LAG) if day else None
        else:  # claims statistics, financial statements: the source is the quarter's end
            moment = _moment(source + QUARTER_LAG)
        return min(moment, now) if moment else None

    return dated


def _manual(compliance, compliance2) -> list[Publication]:
    """The four manual publications, drafted by one officer and approved by the other."""
    society = society_get()
    documents = [
        {
            "kind": Kind.BASIC_INFORMATION,
            "key": "basic_information:society",
            "title": f"{society.name}基本信息",
            "title_en": f"{society.name_en}: basic information",
            "body": (
                f"{society.name}是会员共同所有的相互保险组织，成立于"
                f"{society.founded_on:%Y年%m月%d日}，住所：{society.registered_address}。"
                f"统一社会信用代码：{society.registration_number}。"
                f"联系电话：{society.contact_phone}；电子邮箱：{society.contact_email}。"
            )
            if society.founded_on
            else f"{society.name}是会员共同所有的相互保险组织。",
            "body_en": (
                f"{society.name_en} is a mutual insurance society owned by its members, "
                f"founded on {society.founded_on:%d %B %Y}. Unified social credit code "
                f"{society.registration_number}. Telephone {society.contact_phone}; e-mail "
                f"{society.contact_email}."
            )
            if society.founded_on
            else f"{society.name_en} is a mutual insurance society owned by its members.",
            "content": {
                "name": society.name,
                "name_en": society.name_en,
                "founded_on": society.founded_on,
                "registration_number": society.registration_number,
            },
        },
        {
            "kind": Kind.ARTICLES,
            "key": "articles:current",
            "title": "同舟相互保险社章程（2024年版）",
            "title_en": "Articles of association (2024 edition)",
            "body": (
                "本社章程经创立大会通过，规定会员的权利与义务、会员代表大会、董事会和监事会的"
                "组成与职权、初始运营资金的偿还条件以及盈余分配规则。会员代表大会是本社的最高"
                "权力机构；修改章程须经出席会员代表三分之二以上同意。"
            ),
            "body_en": (
                "The articles were adopted by the founding assembly. They set out the members' "
                "rights and duties, the composition and powers of the representative "
                "assembly, the board of directors and the supervisory board, the conditions "
                "for repaying the initial operating fund and the rules for distributing "
                "surplus. The representative assembly is the highest authority; amending the "
                "articles takes two thirds of the representatives present."
            ),
            "content": {"edition": "2024", "adopted_on": "2024-03-18"},
        },
        {
            "kind": Kind.PRODUCT,
            "key": "product:mutual-aid-critical-illness",
            "title": "互助计划产品信息：重大疾病互助",
            "title_en": "Product information: critical illness mutual aid plan",
            "body": (
                "加入免费；等待期90天（意外免等待期）；确诊重大疾病最高互助金30万元。"
                "每月14日和28日分摊，管理费为分摊金额的8%，每位会员每年分摊上限188元。"
            ),
            "body_en": (
                "Free to join; a 90-day waiting period (none for accidents); up to 300,000 "
                "CNY for a critical illness. Shared on the 14th and the 28th of each month "
                "with a management fee of 8% of the benefits shared, capped at 188 CNY per "
                "member per year."
            ),
            "content": {
                "waiting_days": 90,
                "benefit_max": "300000.00",
                "fee_rate": "0.080000",
                "annual_cap": "188.00",
            },
        },
        {
            "kind": Kind.RELATED_PARTY,
            "key": "related_party:demo-trust-plan",
            "title": "关联交易公告：购买发起单位关联方信托计划",
            "title_en": "Related-party transaction: a trust plan of a founder's related party",
            "body": (
                "本社购买了发起单位同舟控股有限公司关联方发行的信托计划，金额为1,500万元，"
                "并于下一季度全部出售。该资产不计入认可资产，当季偿付能力充足率因此进入预警区间。"
            ),
            "body_en": (
                "The society bought a trust plan issued by a related party of its founder "
                "Tongzhou Holdings, for 15 million CNY, and sold it in full the next quarter. "
                "The asset was not admitted, which brought that quarter's solvency ratio "
                "into the early-warning band."
            ),
            "content": {"counterparty": "同舟控股有限公司关联方", "amount": "15000000.00"},
        },
    ]
    out = []
    for document in documents:
        existing = Publication.objects.filter(key=document["key"]).order_by("version").first()
        if existing is not None:
            out.append(existing)
            continue
        draft = publication_draft(actor=compliance, **document)
        publication_submit(publication=draft, actor=compliance)
        out.append(publication_publish(publication=draft, actor=compliance2))
    return out


def _correction(product: Publication, compliance, compliance2) -> Publication | None:
    """One correction: the product page gave the waiting period without its exception."""
    if Publication.objects.filter(key=product.key, version__gt=1).exists():
        return None
    correction = publication_correct(
        publication=product,
        actor=compliance,
        note=(
            "更正等待期说明：意外事故免等待期，此前版本遗漏了因意外导致的重大疾病同样适用。"
            " / The waiting period: the earlier version left out that a critical illness "
            "caused by an accident is also exempt."
        ),
        body=product.body + "因意外事故导致的重大疾病同样免等待期。",
        body_en=product.body_en
        + " A critical illness caused by an accident is exempt from the waiting period too.",
    )
    publication_submit(publication=correction, actor=compliance)
    return publication_publish(publication=correction, actor=compliance2)


def _solvency_reports_from_first_assessment() -> None:
    """The demo society's quarterly solvency reports are owed from the quarter of its
    first approved assessment (the demo's history starts there), so the archive does not
    list the quarters before it as overdue."""
    first = approved_assessments(regime_default()).order_by("valuation_date").first()
    if first is None:
        return
    start = first.valuation_date.replace(day=1, month=first.valuation_date.month - 2)
    KindRule.objects.filter(kind=Kind.SOLVENCY_SUMMARY, first_period_start__isnull=True).update(
        first_period_start=start
    )


def seed() -> dict[str, Any]:
    """Publish the demo's disclosures (see the module's docstring); return what was done."""
    User = get_user_model()  # noqa: N806
    compliance = User.objects.get(username="compliance")
    compliance2 = User.objects.get(username="compliance2")
    today = timezone.localdate()
    _solvency_reports_from_first_assessment()
    synced = disclosure_sync(today=today, dated=_dating())
    events = []
    draft = material_event_drafts().filter(status=MaterialEventDraft.Status.DRAFT).last()
    if draft is not None:
        events.append(material_event_publish(draft=draft, actor=compliance))
    manual = _manual(compliance, compliance2)
    product = next(p for p in manual if p.kind == Kind.PRODUCT)
    corrected = _correction(product, compliance, compliance2)
    return {
        "automatic": len(synced["published"]),
        "material_events": len(events),
        "manual": len(manual),
        "corrected": 1 if corrected else 0,
        "total": Publication.objects.published().count(),
    }
