"""Publications made the way the platform makes them (``publication_publish_auto``) or the
way compliance does (draft, submit, a second person publishes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from disclosure.models import Kind, Publication
from disclosure.services import (
    publication_correct,
    publication_draft,
    publication_publish,
    publication_publish_auto,
    publication_submit,
    publication_withdraw,
)


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def quarter(year: int, number: int) -> dict:
    first = dt.date(year, 3 * number - 2, 1)
    last = dt.date(year + number // 4, 3 * number % 12 + 1, 1) - dt.timedelta(days=1)
    return {"period": f"{year}Q{number}", "period_start": first, "period_end": last}


def solvency(year: int = 2026, number: int = 1, *, ratio: str = "187.45", when=None, files=()):
    """A solvency summary of a quarter, published by the platform (due 30 days after)."""
    publication, _created = publication_publish_auto(
        kind=Kind.SOLVENCY_SUMMARY,
        key=f"solvency_summary:cross:{year}Q{number}",
        title=f"{year}年第{number}季度偿付能力报告摘要",
        title_en=f"Solvency report summary, {year}Q{number}",
        body="综合偿付能力充足率高于监管要求。\n核心偿付能力充足率同样达标。",
        body_en="The comprehensive ratio is above the requirement.\nSo is the core ratio.",
        source="solvency.assessment:1",
        content={
            "comprehensive_ratio": Decimal(ratio),
            "capital": {"actual": Decimal("1234567.80"), "minimum": Decimal("650000.00")},
            "modules": [
                {"module": "insurance", "charge": Decimal("400000.00")},
                {"module": "credit", "charge": Decimal("250000.00")},
            ],
        },
        files=list(files),
        at=when or at(year + number // 4, 3 * number % 12 + 1, 20),
        **quarter(year, number),
    )
    return publication


def manual_draft(compliance, **extra) -> Publication:
    fields = {
        "kind": Kind.RELATED_PARTY,
        "title": "关联交易公告",
        "title_en": "Related-party transaction",
        "body": "与某公司签订服务合同。",
        "content": {"amount": Decimal("120000.00")},
        "period": "2026-03-31",
        "period_end": dt.date(2026, 3, 31),
        **extra,
    }
    return publication_draft(actor=compliance, **fields)


def manual_published(compliance, compliance2, **extra) -> Publication:
    draft = manual_draft(compliance, **extra)
    publication_submit(publication=draft, actor=compliance)
    return publication_publish(publication=draft, actor=compliance2)


def corrected(publication: Publication, compliance, compliance2, note: str, **changes):
    """A correction of ``publication`` drafted by one person, published by another."""
    draft = publication_correct(publication=publication, actor=compliance, note=note, **changes)
    publication_submit(publication=draft, actor=compliance)
    return publication_publish(publication=draft, actor=compliance2)


def withdrawn(publication: Publication, compliance2, reason: str):
    return publication_withdraw(publication=publication, actor=compliance2, reason=reason)
