"""Enrolment: from an application to a membership with cover.

``enrolment_submit`` is the one path for a new person, whichever face they come through
(the portal's steps, ``POST /api/v1/enrolment/``): it validates everything, collecting
every field error at once (``checks``), then in one transaction creates the login, the
member, the consents and the application, and underwrites it (``underwriting``).
``coverage_apply`` is the path for an existing member who wants cover under another plan,
and for a person declined before, or who withdrew or lapsed, to apply again.

The checks and the underwriting steps are re-exported here, where the faces and other
apps have always imported them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput, NotAllowed

from ..calculations import Question, underwrite
from ..events import member_event
from ..models import Application, Consent, Member, MemberEvent, Plan, PlanVersion
from ..rules import PHONE_RE, SEXES
from ..selectors import COVERAGE_ADD_STATUSES
from ..selectors.wind_down import plan_wind_down, wind_down_message
from ..transitions import LIVE_COVERAGE, REJOINING
from .checks import (
    EnrolmentData,
    FieldErrors,
    PersonData,
    check_age,
    check_answers,
    check_consents,
    check_frequency,
    check_login,
    check_not_member,
    check_person,
    current_documents,
    plan_for_enrolment,
)
from .locks import member_lock
from .membership import member_status_set
from .underwriting import (
    application_accept,
    application_accept_locked,
    application_decline,
    application_decline_locked,
    coverage_open,
)

__all__ = [
    "PHONE_RE",
    "REJOINING",
    "SEXES",
    "EnrolmentData",
    "FieldErrors",
    "PersonData",
    "application_accept",
    "application_decline",
    "check_age",
    "check_answers",
    "check_consents",
    "check_frequency",
    "check_login",
    "check_not_member",
    "check_person",
    "coverage_apply",
    "coverage_open",
    "current_documents",
    "enrolment_submit",
    "plan_for_enrolment",
]


@transaction.atomic
def enrolment_submit(
    *, data: EnrolmentData, channel: str = Application.Channel.PORTAL, actor=None
) -> Application:
    """Enrol a new person: login, member, consents, application, underwriting.

    Refused with every field error at once, and nothing saved, when: the plan is unknown,
    closed or unpublished; the identity number is invalid or disagrees with the date of
    birth or sex given; the person already has a membership (one person, one membership);
    the age is outside the plan's entry ages; a declaration question is unanswered; a
    consent is missing or not the version in force; the user name is taken or the
    password too weak.
    """
    today = timezone.localdate()
    errors = FieldErrors()
    _plan, version = plan_for_enrolment(data.plan, errors)
    check_person(data.person, errors, today=today)
    returning = check_not_member(data.person, errors) if data.person.id_number else None
    answers: dict[str, bool] = {}
    frequency = ""
    if version is not None:
        check_age(version, data.person.date_of_birth, errors, today=today)
        answers = check_answers(version, data.answers or {}, errors)
        frequency = check_frequency(version, data.payment_frequency, errors)
    documents = check_consents(data, errors)
    username = check_login(data.username, data.password, data.person, errors)
    errors.raise_if_any()
    person = data.person
    born = person.date_of_birth
    if version is None or born is None:  # each recorded its field's error, raised above
        raise RuntimeError("An enrolment passed its checks without a plan or a birth date.")

    language = (translation.get_language() or settings.LANGUAGE_CODE).lower()
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=username,
                password=data.password,
                email=person.email,
                full_name=person.legal_name,
                phone=person.phone,
                # Notices go out in the language the person enrolled in.
                preferred_language="en" if language.startswith("en") else "zh-hans",
            )
    except IntegrityError as exc:
        # Someone took the same user name at this very moment.
        raise InvalidInput(_("This user name is taken; choose another."), field="username") from exc
    try:
        with transaction.atomic():
            if returning is not None:
                member = member_lock(returning)
                if member.user_id is not None:
                    raise InvalidInput(
                        _("Sign in with your existing user name to apply again."), field="username"
                    )
                for name in (
                    "legal_name",
                    "date_of_birth",
                    "sex",
                    "phone",
                    "email",
                    "region",
                    "address",
                ):
                    setattr(member, name, getattr(person, name))
                member.user = user
                member.save()
                _rejoin(member, actor=actor or user)
            else:
                member = Member.objects.create(
                    user=user,
                    legal_name=person.legal_name,
                    id_type=person.id_type,
                    id_number=person.id_number,
                    date_of_birth=born,
                    sex=person.sex,
                    phone=person.phone,
                    email=person.email,
                    region=person.region,
                    address=person.address,
                )
    except IntegrityError as exc:
        # Someone enrolled the same identity number at this very moment.
        raise InvalidInput(
            _("A membership already exists for this identity number."), field="id_number"
        ) from exc
    Consent.objects.bulk_create(Consent(member=member, document=d) for d in documents)
    member_event(
        member=member,
        type=MemberEvent.Type.APPLIED,
        actor=actor or user,
        new=version.plan.code,
        data={"consents": {d.kind: d.version for d in documents}, "channel": channel},
    )
    return _application_create(
        member=member,
        version=version,
        answers=answers,
        frequency=frequency,
        channel=channel,
        actor=actor or user,
    )


@transaction.atomic
def coverage_apply(
    *,
    member: Member | int,
    plan: str,
    answers: dict,
    payment_frequency: str = "",
    channel: str = Application.Channel.PORTAL,
    actor=None,
) -> Application:
    """An existing member applies for cover under another plan (same underwriting).

    A person declined before, or who withdrew or lapsed, applies again here, signed in
    with the login they have (``enrolment_submit`` sends them here): the membership
    becomes an applicant again, keeps its member number, and is underwritten anew.
    """
    member = member_lock(member)
    if member.status not in COVERAGE_ADD_STATUSES:
        raise NotAllowed(
            _("A suspended membership cannot add cover: pay what is overdue first.")
            if member.status == Member.Status.SUSPENDED
            else _("Only an active member can add a coverage.")
        )
    today = timezone.localdate()
    errors = FieldErrors()
    plan_obj, version = plan_for_enrolment(plan, errors)
    answers_clean: dict[str, bool] = {}
    frequency = ""
    if plan_obj is not None and version is not None:  # both or neither
        if member.coverages.filter(plan=plan_obj, status__in=LIVE_COVERAGE).exists():
            errors.add(
                "plan", _("You are already covered by %(plan)s.") % {"plan": plan_obj.display_name}
            )
        if member.applications.filter(
            plan_version__plan=plan_obj, status=Application.Status.REFERRED
        ).exists():
            errors.add("plan", _("Your application for this plan is being reviewed."))
        check_age(version, member.date_of_birth, errors, today=today)
        answers_clean = check_answers(version, answers or {}, errors)
        frequency = check_frequency(version, payment_frequency, errors)
    errors.raise_if_any()
    if plan_obj is None or version is None:  # plan_for_enrolment recorded why, raised above
        raise RuntimeError("A cover application passed its checks without a plan.")
    if member.status in REJOINING:
        _rejoin(member, actor=actor)
    member_event(member=member, type=MemberEvent.Type.APPLIED, actor=actor, new=plan_obj.code)
    return _application_create(
        member=member,
        version=version,
        answers=answers_clean,
        frequency=frequency,
        channel=channel,
        actor=actor,
    )


def _rejoin(member: Member, *, actor) -> None:
    """A declined, withdrawn or lapsed membership applies again."""
    member_status_set(member, Member.Status.APPLICANT, actor=actor, reason=_("Applied again."))
    member.withdrawal_effective_on = None
    member.suspended_on = None
    member.lapses_on = None
    member.save(update_fields=["withdrawal_effective_on", "suspended_on", "lapses_on"])


def _application_create(
    *, member: Member, version: PlanVersion, answers: dict, frequency: str, channel: str, actor
) -> Application:
    # The plan's row, locked: a wind-down started (or the plan closed) since the checks
    # above read it is seen here, not after the application exists (the start locks the
    # same row and declines the applications waiting at that moment).
    plan = Plan.objects.select_for_update().get(pk=version.plan_id)
    if (wind_down := plan_wind_down(plan)) is not None:
        raise InvalidInput(wind_down_message(wind_down), field="plan")
    if not plan.is_open:
        raise InvalidInput(
            _("%(plan)s is closed to new members.") % {"plan": plan.display_name}, field="plan"
        )
    questions = [Question(q.id, q.display_text, q.yes_outcome) for q in version.questions.all()]
    decision = underwrite(questions=questions, answers=answers)
    application = Application.objects.create(
        member=member,
        plan_version=version,
        payment_frequency=frequency,
        answers=answers,
        status=Application.Status.REFERRED,
        channel=channel,
        reasons=decision.reasons,
    )
    if decision.outcome == "accepted":
        application_accept_locked(application, actor=None, reasons=decision.reasons)
    elif decision.outcome == "declined":
        application_decline_locked(application, actor=None, reasons=decision.reasons)
    else:
        member_event(
            member=member,
            type=MemberEvent.Type.REFERRED,
            new=version.plan.code,
            reason="; ".join(decision.reasons),
        )
    return Application.objects.select_related("member", "plan_version__plan").get(pk=application.pk)
