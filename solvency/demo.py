"""The demo society's solvency (part of ``manage.py seed_demo``, after claims): the
initial operating fund's register, quarterly statements of asset holdings, a capital
item, and eight quarters of approved C-ROSS assessments ending at the last quarter end
before today, computed by the actuary and approved by the compliance officer (four
eyes) through the real services.

Before the last quarter's assessment, the actuary runs the reserves at that quarter end
(Mack chain ladder on quarterly triangles of the demo claims: UPR, case reserves, IBNR)
and the compliance officer approves the run, which posts the reserve movements to the
ledger; the last assessment counts those reserves (``selectors.reserve_run_latest_approved``).

One quarter (the third before the last) is an early-warning episode: a trust plan of a
founder's related party, bought that quarter and sold the next, is not an admitted asset
(C-ROSS rule 1, actual capital), so finance records it as a negative admitted-asset
adjustment sized to leave the comprehensive ratio about 112%, within the 20-point margin
above 100%. Texts are Chinese, as in the other demo files.

Idempotent: the register and the capital items are found by their reference, a date that
has holdings is not imported again, and a valuation date with an approved assessment is
skipped, and so is the reserve run of a date that has an approved one.

Last, a surplus distribution of a tenth of what is distributable today is computed by the
actuary and proposed by the board's secretary (by contributions 70%, by membership 30%)
when the demo's finances allow one (surplus after the fund still owed, no alert, the
ratios after it above every threshold); the demo has no assembly resolution on it, so it
waits there to be adopted. Skipped when one exists.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from mutualsociety.common.demo import FOUNDED
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import ZERO, quantize_money

from . import selectors
from .models import (
    AssetHolding,
    CapitalItem,
    FundTranche,
    Grain,
    ReservingMethod,
    SurplusDistribution,
    Tier,
)
from .services.assessments import assessment_approve, assessment_compute
from .services.capital import asset_holdings_import
from .services.distribution import (
    distribution_checks,
    distribution_compute,
    distribution_propose,
)
from .services.evaluation import assessment_evaluate
from .services.reserves import reserve_run_approve, reserve_run_create

QUARTERS = 8
#: Days after a quarter's end on which the demo approves its assessment.
APPROVAL_LAG_DAYS = 19
#: The quarter (0 = the oldest of the eight) whose ratio falls into the early-warning band.
EPISODE = 5
EPISODE_RATIO = Decimal("1.12")
EPISODE_REFERENCE = "demo:solvency:related-trust"
#: The integrated risk rating (风险综合评级) the compliance officer reports, by quarter.
RATINGS = ("A", "A", "A", "B", "B", "B", "A", "A")

TRANCHES = (
    # (reference, provider, amount, received on, kind, terms)
    (
        "demo:iof:tranche-1",
        "同舟控股有限公司等五家发起单位",
        "60000000.00",
        FOUNDED,
        "donation",
        "",
    ),
    (
        "demo:iof:tranche-2",
        "同舟控股有限公司",
        "40000000.00",
        dt.date(2024, 6, 28),
        "loan",
        "年利率2.5%，仅以盈余偿还，偿还须经会员代表大会决议",
    ),
)


def quarter_ends(today: dt.date, n: int = QUARTERS) -> list[dt.date]:
    """The last ``n`` quarter ends before ``today``, oldest first (none before the
    society was founded)."""
    ends: list[dt.date] = []
    year, quarter = today.year, (today.month - 1) // 3  # the last complete quarter
    while len(ends) < n:
        if quarter == 0:
            year, quarter = year - 1, 4
        month = quarter * 3
        end = dt.date(year, month, 31 if month in (3, 12) else 30)
        if end < FOUNDED:
            break
        ends.append(end)
        quarter -= 1
    return list(reversed(ends))


def _portfolio(index: int) -> list[tuple[str, str, str, str, str]]:
    """(asset class, issuer, rating, market value in millions, duration) at quarter
    ``index``: the fund first in bonds and deposits, then a growing share of equity and
    funds, de-risked after the episode."""
    equity = (8, 12, 16, 20, 22, 24, 14, 12)[index]
    funds = (6, 8, 10, 12, 12, 12, 8, 8)[index]
    corporate = (10, 10, 12, 12, 12, 12, 14, 14)[index]
    government = 30
    deposits = 88 - equity - funds - corporate - government
    rows = [
        ("government_bond", "2024年记账式附息国债", "AAA", government, "6.2"),
        ("corporate_bond", "某城投公司债", "AA", corporate, "3.1"),
        ("deposit", "某国有大型银行定期存款", "AAA", deposits, ""),
        ("equity", "沪深300成分股组合", "unrated", equity, ""),
        ("fund", "某债券型证券投资基金", "unrated", funds, ""),
        ("cash", "活期存款", "AAA", 4, ""),
    ]
    return [(c, issuer, rating, f"{m}000000.00", d) for c, issuer, rating, m, d in rows]


def _holdings(day: dt.date, index: int, finance) -> None:
    if AssetHolding.objects.filter(as_of=day).exists():
        return
    lines = ["as_of,asset_class,issuer,rating,market_value,duration"]
    lines += [
        f"{day.isoformat()},{c},{issuer},{rating},{value},{duration}"
        for c, issuer, rating, value, duration in _portfolio(index)
    ]
    report = asset_holdings_import(file=io.StringIO("\n".join(lines) + "\n"), actor=finance)
    if report.errors:  # the demo's own rows: a bug here, not bad input
        raise RuntimeError(f"demo holdings refused: {report.errors}")


def _register(finance) -> None:
    for reference, provider, amount, received_on, kind, terms in TRANCHES:
        FundTranche.objects.get_or_create(
            reference=reference,
            defaults={
                "provider": provider,
                "amount": Decimal(amount),
                "received_on": received_on,
                "kind": kind,
                "tier": Tier.CORE,
                "interest_rate": Decimal("0.025") if kind == "loan" else None,
                "interest_terms": terms,
                "recorded_by": finance,
            },
        )


def _episode(day: dt.date, finance) -> None:
    """Record the related-party trust plan as not admitted for the episode's quarter,
    sized from the position computed without it (nothing is written by the evaluation)."""
    if CapitalItem.objects.filter(reference=EPISODE_REFERENCE).exists():
        return
    regime = selectors.regime_default()
    position, _inputs = assessment_evaluate(valuation_date=day, regime=regime)
    target = position.requirement.minimum_capital * EPISODE_RATIO
    excess = position.actual_capital - target
    # Whole ten thousands, towards a smaller adjustment (the ratio stays above the
    # target): integer division, no rounding of money by hand.
    amount = Decimal(int(excess // 10000) * 10000)
    if amount <= 0:
        return
    start = dt.date(day.year, day.month - 2, 1)
    CapitalItem.objects.create(
        kind=CapitalItem.Kind.ADMITTED_ASSET_ADJUSTMENT,
        tier=Tier.CORE,
        description="关联方（发起单位）信托计划投资，属非认可资产；次季度已全部转让",
        amount=-amount,
        valid_from=start,
        valid_until=day,
        reference=EPISODE_REFERENCE,
        recorded_by=finance,
    )


def _reserves(day: dt.date, actuary, compliance) -> int:
    """The reserve run at ``day`` by the actuary, approved by the compliance officer (four
    eyes; the approval posts the movements to the ledger). 1 when approved now, 0 when
    ``day`` already has an approved run."""
    if selectors.reserve_run_versions(valuation_date=day).filter(state="approved").exists():
        return 0
    run = reserve_run_create(
        valuation_date=day, method=ReservingMethod.MACK, grain=Grain.QUARTER, actor=actuary
    )
    reserve_run_approve(run=run, actor=compliance)
    return 1


def seed() -> dict:
    """Seed the register, the holdings, the last quarter's reserve run and the
    assessments that are missing; return how many assessments and reserve runs were
    approved this run."""
    User = get_user_model()  # noqa: N806
    actuary = User.objects.get(username="actuary")
    compliance = User.objects.get(username="compliance")
    finance = User.objects.get(username="finance")
    _register(finance)
    days = quarter_ends(timezone.localdate())
    regime = selectors.regime_default()
    approved = reserves = 0
    for index, day in enumerate(days):
        _holdings(day, index, finance)
        if index == EPISODE:
            _episode(day, finance)
        if index == len(days) - 1:
            # Before the quarter's assessment, which counts the approved reserves.
            reserves = _reserves(day, actuary, compliance)
        if (
            selectors.assessment_versions(valuation_date=day, regime=regime)
            .filter(state="approved")
            .exists()
        ):
            continue
        assessment = assessment_compute(
            valuation_date=day, regime=regime, rating=RATINGS[index], actor=actuary
        )
        assessment_approve(
            assessment=assessment,
            actor=compliance,
            note="季度偿付能力报告已复核"
            if not assessment.early_warning
            else "已提示预警，报董事会",
            # approved in the weeks after the quarter, as a society's history has it (its
            # summary is published the next day: disclosure/demo.py)
            at=timezone.make_aware(
                dt.datetime.combine(day + dt.timedelta(days=APPROVAL_LAG_DAYS), dt.time(16))
            ),
        )
        approved += 1
    proposed = _surplus(actuary, User.objects.get(username="secretary"))
    return {
        "approved": approved,
        "quarters": len(days),
        "reserve_runs": reserves,
        "surplus_proposed": proposed,
    }


def _surplus(actuary, secretary) -> bool:
    """A distribution computed and proposed, when the finances allow one (see above)."""
    if SurplusDistribution.objects.exists():
        return False
    today = timezone.localdate()
    _fails, workings = distribution_checks(
        amount=ZERO, as_of=today, reserve_outstanding_fund=True, on=today
    )
    amount = quantize_money(Decimal(workings["distributable"]) / 10)
    if amount <= 0:
        return False
    try:
        distribution = distribution_compute(
            year=today.year,
            as_of=today,
            basis="mix",
            contributions_weight="0.7",
            amount=amount,
            actor=actuary,
        )
        distribution_propose(distribution=distribution, actor=secretary)
    except InvalidInput:
        return False  # the demo's finances do not allow one today
    return True
