"""Underwriting decisions and the cover they open.

An application is decided once (``transitions.APPLICATION``): by the automatic
underwriting when it is made (``enrolment``), or by an underwriter from the queue
(``application_accept`` / ``application_decline``, a reason required). Acceptance admits
an applicant (member number, active), opens the cover (``coverage_open``) and bills its
first premium (``billing``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput, TransitionNotAllowed
from mutualsociety.common.services import sequence_next

from ..calculations import add_months, member_number
from ..events import member_event
from ..identity import age_on
from ..models import Application, Coverage, Member, MemberEvent, Plan, PlanVersion
from ..rules import band_for
from ..transitions import APPLICATION, MEMBER
from .billing import coverage_bill
from .locks import member_lock
from .membership import member_status_set
from .notices import member_welcome


def coverage_open(
    *,
    member: Member,
    version: PlanVersion,
    frequency: str,
    start: dt.date,
    application: Application | None = None,
) -> Coverage:
    """Open cover from ``start`` under ``version`` and bill its first premium."""
    age = age_on(member.date_of_birth, start)
    band = band_for(version.age_bands.all(), age)
    if band is None:
        raise InvalidInput(_("The plan has no benefit for age %(age)d.") % {"age": age})
    is_premium = version.plan.kind == Plan.Kind.PREMIUM
    premium = band.premium_for(frequency) if is_premium else None
    if is_premium and not premium:
        raise InvalidInput(
            _("The plan has no %(frequency)s premium for age %(age)d.")
            % {
                "frequency": dict(Application._meta.get_field("payment_frequency").flatchoices).get(
                    frequency, frequency
                ),
                "age": age,
            },
            field="payment_frequency",
        )
    coverage = Coverage.objects.create(
        member=member,
        plan=version.plan,
        plan_version=version,
        application=application,
        start_date=start,
        waiting_period_end=start + dt.timedelta(days=version.waiting_period_days),
        term_end=(
            add_months(start, version.policy_term_months) - dt.timedelta(days=1)
            if is_premium
            else None
        ),
        sum_assured=band.sum_assured,
        premium=premium,
        payment_frequency=frequency if is_premium else "",
        next_due_date=start if is_premium else None,
    )
    if is_premium:
        coverage_bill(coverage=coverage, until=start)
    return coverage


def application_accept_locked(application: Application, *, actor, reasons: list[str]) -> Coverage:
    """Accept a locked, referred application (the automatic underwriting or an
    underwriter): the applicant is admitted (a member number, active) unless a member
    already, the cover opens today and its first premium is billed; the welcome e-mail
    is recorded and goes out after the commit on a first admission. Refused when the membership was
    withdrawn or suspended while the application waited."""
    today = timezone.localdate()
    member = member_lock(application.member_id)
    if member.status not in (Member.Status.APPLICANT, Member.Status.ACTIVE):
        # Withdrawn or suspended while the application waited: no cover is opened.
        raise TransitionNotAllowed(
            _("The membership is %(status)s; the application can only be declined.")
            % {"status": member.get_status_display()}
        )
    version = application.plan_version
    APPLICATION.move(application, Application.Status.ACCEPTED)
    application.reasons = reasons
    application.decided_at = timezone.now()
    application.decided_by = actor if getattr(actor, "pk", None) else None
    application.save(update_fields=["status", "reasons", "decided_at", "decided_by"])
    first_admission = member.status == Member.Status.APPLICANT
    if first_admission:
        if not member.member_number:
            sequence = sequence_next(name=f"member_number:{today.year}")
            member.member_number = member_number(today.year, sequence)
        member.joined_on = member.joined_on or today
        member.save(update_fields=["member_number", "joined_on"])
        member_status_set(
            member, Member.Status.ACTIVE, actor=actor, reason=_("Application accepted.")
        )
    coverage = coverage_open(
        member=member,
        version=version,
        frequency=application.payment_frequency,
        start=today,
        application=application,
    )
    member_event(
        member=member,
        type=MemberEvent.Type.ACCEPTED,
        actor=actor,
        new=version.plan.code,
        reason="; ".join(reasons),
    )
    if first_admission:
        member_welcome(member=member)
    return coverage


def application_decline_locked(
    application: Application, *, actor, reasons: list[str]
) -> Application:
    """Decline a locked, referred application; an applicant with no other application
    waiting is declined as a member too (and may apply again)."""
    member = member_lock(application.member_id)
    APPLICATION.move(application, Application.Status.DECLINED)
    application.reasons = reasons
    application.decided_at = timezone.now()
    application.decided_by = actor if getattr(actor, "pk", None) else None
    application.save(update_fields=["status", "reasons", "decided_at", "decided_by"])
    member_event(
        member=member,
        type=MemberEvent.Type.DECLINED,
        actor=actor,
        new=application.plan_version.plan.code,
        reason="; ".join(reasons),
    )
    if (
        MEMBER.allowed(member.status, Member.Status.DECLINED)
        and not member.applications.filter(status=Application.Status.REFERRED).exists()
    ):
        member_status_set(member, Member.Status.DECLINED, actor=actor, reason="; ".join(reasons))
    return application


def application_lock(application: Application | int, *, to: str) -> Application:
    """Lock an application waiting for a decision; refused when the table does not let it
    become ``to`` (it was decided already)."""
    application_id = application.pk if isinstance(application, Application) else application
    locked = (
        Application.objects.select_for_update()
        .select_related("plan_version__plan", "member")
        .get(pk=application_id)
    )
    APPLICATION.check(locked.status, to)
    return locked


@transaction.atomic
def application_accept(*, application: Application | int, actor, reason: str) -> Application:
    """An underwriter accepts a referred application; the reason is required."""
    if not (reason or "").strip():
        raise InvalidInput(_("Give the reason for the decision."), field="reason")
    locked = application_lock(application, to=Application.Status.ACCEPTED)
    application_accept_locked(locked, actor=actor, reasons=[*locked.reasons, reason.strip()])
    return locked


@transaction.atomic
def application_decline(*, application: Application | int, actor, reason: str) -> Application:
    """An underwriter declines a referred application; the reason is required."""
    if not (reason or "").strip():
        raise InvalidInput(_("Give the reason for the decision."), field="reason")
    locked = application_lock(application, to=Application.Status.DECLINED)
    return application_decline_locked(
        locked, actor=actor, reasons=[*locked.reasons, reason.strip()]
    )
