"""Plans and their versions: terms change only by publishing a new version."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.services import amount_ceiling_check

from ..models import AgeBand, HealthQuestion, Plan, PlanVersion
from ..selectors import plan_current_version
from ..transitions import PLAN_VERSION

__all__ = [
    "plan_current_version",  # a read, now in members.selectors; importable here as before
    "plan_version_check",
    "plan_version_draft",
    "plan_version_publish",
]

BAND_AMOUNTS = ("sum_assured", "premium_monthly", "premium_quarterly", "premium_annual")
VERSION_AMOUNTS = ("annual_cap", "claim_approval_threshold")


def _amount_problems(version: PlanVersion, bands: list[AgeBand]) -> list[str]:
    """The version's amounts over the society's largest single amount (a benefit, a
    premium, the cap, the approval threshold), each named with its field and band."""
    problems: list[str] = []
    owners = [(version, VERSION_AMOUNTS, "")] + [(b, BAND_AMOUNTS, str(b)) for b in bands]
    for owner, names, band in owners:
        for name in names:
            value = getattr(owner, name)
            if value is None:
                continue
            try:
                amount_ceiling_check(value, field=name)
            except InvalidInput as error:
                field = owner._meta.get_field(name)  # an amount column, not a relation
                what = field.verbose_name if isinstance(field, models.Field) else name
                problems.append(
                    (
                        _("Age band %(band)s, %(what)s: %(problem)s")
                        if band
                        else _("%(what)s: %(problem)s")
                    )
                    % {"band": band, "what": what, "problem": error.message}
                )
    return problems


def plan_version_check(version: PlanVersion) -> list[str]:
    """What stops a version from being published (empty when it is complete): no age
    bands, overlapping bands or bands that miss an entry age, a premium plan's missing
    premiums, a mutual aid plan's missing cap or bad apportionment days, and an amount
    over the society's largest single amount (``amount_ceiling_check``; the admin's
    forms refuse those already, this catches a limit lowered since)."""
    problems: list[str] = []
    bands = list(version.age_bands.order_by("min_age"))
    if not bands:
        problems.append(_("Add at least one age band with its benefit."))
    for earlier, later in zip(bands, bands[1:], strict=False):
        if later.min_age <= earlier.max_age:
            problems.append(_("Age bands %(a)s and %(b)s overlap.") % {"a": earlier, "b": later})
    if bands and (
        bands[0].min_age > version.min_entry_age or bands[-1].max_age < version.max_entry_age
    ):
        problems.append(_("The age bands do not cover every entry age."))
    if version.plan.kind == Plan.Kind.PREMIUM:
        for band in bands:
            if not (band.premium_monthly and band.premium_quarterly and band.premium_annual):
                problems.append(
                    _("Age band %(band)s needs a monthly, quarterly and annual premium.")
                    % {"band": band}
                )
    else:
        if version.annual_cap is None or version.annual_cap <= 0:
            problems.append(_("A mutual aid plan needs a positive annual cap per member."))
        days = [d.strip() for d in version.apportionment_days.split(",") if d.strip()]
        if not days or not all(d.isdigit() and 1 <= int(d) <= 28 for d in days):
            problems.append(_("Apportionment days must be days of the month from 1 to 28."))
    problems.extend(_amount_problems(version, bands))
    return problems


@transaction.atomic
def plan_version_publish(*, version: PlanVersion | int, actor) -> PlanVersion:
    """Publish a draft version: from its effective date new coverages are written on it.

    Refused when it is not a draft, is incomplete (``plan_version_check``), or takes
    effect before the version currently in force.
    """
    version_id = version.pk if isinstance(version, PlanVersion) else version
    version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version_id)
    PLAN_VERSION.check(version.status, PlanVersion.Status.PUBLISHED)
    problems = plan_version_check(version)
    if problems:
        raise InvalidInput(" ".join(problems), field="version")
    latest = (
        version.plan.versions.filter(status=PlanVersion.Status.PUBLISHED)
        .order_by("-effective_from")
        .first()
    )
    if latest and version.effective_from < latest.effective_from:
        raise InvalidInput(
            _("It must take effect on or after %(date)s, when version %(n)d took effect.")
            % {"date": format_date(latest.effective_from), "n": latest.number},
            field="effective_from",
        )
    PLAN_VERSION.move(version, PlanVersion.Status.PUBLISHED)
    version.published_at = timezone.now()
    version.published_by = actor if getattr(actor, "pk", None) else None
    version.save(update_fields=["status", "published_at", "published_by"])
    return version


COPIED_FIELDS = (
    "min_entry_age",
    "max_entry_age",
    "waiting_period_days",
    "accidents_exempt_from_waiting",
    "policy_term_months",
    "auto_renew",
    "grace_period_days",
    "lapse_after_days",
    "withdrawal_notice_days",
    "management_fee_rate",
    "annual_cap",
    "apportionment_days",
    "claim_reporting_deadline_days",
    "claim_approval_threshold",
    "claim_appeal_days",
    "public_notice_days",
    "public_notice_for_insurance",
    "objection_threshold",
    "panel_size",
    "panel_quorum",
    "panel_vote_days",
    "panel_min_tenure_days",
    "benefit_schedule",
    "benefit_schedule_en",
)


@transaction.atomic
def plan_version_draft(*, plan: Plan | int, effective_from: dt.date, actor=None) -> PlanVersion:
    """Start a new draft version as a copy of the latest one (terms, bands, questions)."""
    plan_id = plan.pk if isinstance(plan, Plan) else plan
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if plan.versions.filter(status=PlanVersion.Status.DRAFT).exists():
        raise InvalidInput(_("This plan already has a draft version; edit that one."))
    latest = plan.versions.order_by("-number").first()
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = PlanVersion(plan=plan, number=number, effective_from=effective_from)
    if latest:
        for name in COPIED_FIELDS:
            setattr(draft, name, getattr(latest, name))
    draft.save()
    if latest:
        AgeBand.objects.bulk_create(
            AgeBand(
                plan_version=draft,
                min_age=b.min_age,
                max_age=b.max_age,
                sum_assured=b.sum_assured,
                premium_monthly=b.premium_monthly,
                premium_quarterly=b.premium_quarterly,
                premium_annual=b.premium_annual,
            )
            for b in latest.age_bands.all()
        )
        HealthQuestion.objects.bulk_create(
            HealthQuestion(
                plan_version=draft,
                order=q.order,
                text=q.text,
                text_en=q.text_en,
                yes_outcome=q.yes_outcome,
            )
            for q in latest.questions.all()
        )
    return draft
