"""Enrolment: from an application to a membership with cover.

``enrolment_submit`` is the one path for a new person, whichever face they come through
(the portal's steps, ``POST /api/v1/enrolment/``): it validates everything, collecting
every field error at once, then in one transaction creates the login, the member, the
consents and the application, and underwrites it. ``coverage_apply`` is the path for an
existing member who wants cover under another plan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed
from mutualsociety.common.services import outbox_enqueue, sequence_next

from ..calculations import Question, add_months, member_number, underwrite
from ..identity import InvalidIdentityNumber, age_on, normalise, parse_resident_id
from ..models import (
    Application,
    Consent,
    ConsentDocument,
    Coverage,
    Member,
    MemberEvent,
    Plan,
    PlanVersion,
)
from ..regions import PROVINCES
from .contributions import coverage_bill
from .lifecycle import _lock, _set_status, member_event
from .plans import plan_current_version

#: A membership in one of these states may apply again (re-underwritten, new waiting
#: period); the member number stays.
REJOINING = (Member.Status.DECLINED, Member.Status.WITHDRAWN, Member.Status.LAPSED)

# Built once: check_person runs for every row of an import.
ID_TYPES = frozenset(Member.IdType.values)
SEXES = frozenset(Member.Sex.values)

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|\+\d{7,15})$")


@dataclass
class PersonData:
    legal_name: str
    id_type: str
    id_number: str
    date_of_birth: dt.date | None
    sex: str
    phone: str
    email: str = ""
    region: str = ""
    address: str = ""


@dataclass
class EnrolmentData:
    plan: str  # the plan's code
    person: PersonData
    answers: dict[str, bool] = field(default_factory=dict)
    articles_version: str = ""
    privacy_version: str = ""
    username: str = ""
    password: str = ""
    payment_frequency: str = ""


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.fields:
            first_field, messages = next(iter(self.fields.items()))
            raise InvalidInput(
                messages[0] if len(self.fields) == 1 else _("Please correct the marked fields."),
                fields=self.fields,
            )


def current_documents() -> dict[str, ConsentDocument | None]:
    """The consent documents in force today, by kind."""
    today = timezone.localdate()
    out: dict[str, ConsentDocument | None] = {}
    for kind in ConsentDocument.Kind.values:
        out[kind] = (
            ConsentDocument.objects.filter(kind=kind, effective_from__lte=today)
            .order_by("-effective_from", "-id")
            .first()
        )
    return out


def plan_for_enrolment(
    code: str, errors: _Errors | None = None
) -> tuple[Plan | None, PlanVersion | None]:
    plan = Plan.objects.filter(code=code).first()
    message = None
    if plan is None:
        message = _("There is no plan with the code %(code)s.") % {"code": code}
    elif not plan.is_open:
        message = _("%(plan)s is closed to new members.") % {"plan": plan.display_name}
    version = plan_current_version(plan) if plan and not message else None
    if plan and not message and version is None:
        message = _("%(plan)s has no published terms yet.") % {"plan": plan.display_name}
    if message:
        if errors is None:
            raise InvalidInput(message, field="plan")
        errors.add("plan", message)
        return None, None
    return plan, version


def check_person(person: PersonData, errors: _Errors, *, today: dt.date) -> None:
    """Validate a person's data in place (normalising the identity number)."""
    person.legal_name = (person.legal_name or "").strip()
    if not person.legal_name:
        errors.add("legal_name", _("Enter your name as it is written on your identity document."))
    if person.id_type not in ID_TYPES:
        errors.add("id_type", _("Choose the kind of identity document."))
    person.id_number = normalise(person.id_number)
    if not person.id_number:
        errors.add("id_number", _("Enter the identity number."))
    elif person.id_type == Member.IdType.RESIDENT_ID:
        try:
            parsed = parse_resident_id(person.id_number, today=today)
        except InvalidIdentityNumber as exc:
            errors.add("id_number", str(exc))
        else:
            if person.date_of_birth and parsed.date_of_birth != person.date_of_birth:
                errors.add(
                    "date_of_birth",
                    _("The identity number says you were born on %(date)s.")
                    % {"date": parsed.date_of_birth.isoformat()},
                )
            if person.sex and parsed.sex != person.sex:
                errors.add("sex", _("The identity number gives the other sex; check both."))
    elif not re.fullmatch(r"[A-Z0-9]{5,20}", person.id_number):
        errors.add("id_number", _("Use 5 to 20 letters and digits, as on the document."))
    elif _is_resident_id(person.id_number, today):
        # One person, one membership: the same number under another document type would
        # slip past the unique (type, number) constraint.
        errors.add(
            "id_type",
            _("This is a mainland resident identity number: choose the resident identity card."),
        )
    if person.date_of_birth is None:
        errors.add("date_of_birth", _("Enter the date of birth."))
    elif person.date_of_birth > today:
        errors.add("date_of_birth", _("The date of birth cannot be in the future."))
    if person.sex not in SEXES:
        errors.add("sex", _("Choose female or male, as on the identity document."))
    person.phone = re.sub(r"[\s-]", "", person.phone or "")
    if not PHONE_RE.match(person.phone):
        errors.add("phone", _("Enter an 11-digit mobile number, or an international one with +."))
    person.email = (person.email or "").strip()
    if person.email:
        try:
            validate_email(person.email)
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."))
    if person.region not in PROVINCES:
        errors.add("region", _("Choose your province or region."))


def _is_resident_id(number: str, today: dt.date) -> bool:
    try:
        parse_resident_id(number, today=today)
    except InvalidIdentityNumber:
        return False
    return True


def check_not_member(person: PersonData, errors: _Errors) -> Member | None:
    """One person, one membership.

    Returns the earlier membership of a person who was declined, withdrew or lapsed: they
    may apply again, through the membership they have.
    """
    existing = Member.objects.filter(id_type=person.id_type, id_number=person.id_number).first()
    if existing is None:
        return None
    if existing.status in REJOINING:
        return existing
    if existing.status == Member.Status.APPLICANT:
        errors.add(
            "id_number",
            _("An application for this identity number is already being reviewed."),
        )
    else:
        errors.add(
            "id_number",
            _(
                "A membership already exists for this identity number. Sign in and add a "
                "coverage to it instead of enrolling again."
            ),
        )
    return None


def check_age(
    version: PlanVersion, born: dt.date | None, errors: _Errors, *, today: dt.date
) -> None:
    if born is None:
        return
    age = age_on(born, today)
    if not version.min_entry_age <= age <= version.max_entry_age:
        errors.add(
            "date_of_birth",
            _("%(plan)s accepts members aged %(min)d to %(max)d; you are %(age)d.")
            % {
                "plan": version.plan.display_name,
                "min": version.min_entry_age,
                "max": version.max_entry_age,
                "age": age,
            },
        )
    elif not version.age_bands.filter(min_age__lte=age, max_age__gte=age).exists():
        errors.add("date_of_birth", _("The plan has no benefit for age %(age)d.") % {"age": age})


def check_answers(version: PlanVersion, answers: dict, errors: _Errors) -> dict[str, bool]:
    cleaned: dict[str, bool] = {}
    for question in version.questions.all():
        key = str(question.id)
        value = answers.get(key, answers.get(question.id))
        if not isinstance(value, bool):
            errors.add(
                f"answers.{key}", _("Answer yes or no: %(q)s") % {"q": question.display_text}
            )
        else:
            cleaned[key] = value
    return cleaned


def check_frequency(version: PlanVersion, frequency: str, errors: _Errors) -> str:
    if version.plan.kind != Plan.Kind.PREMIUM:
        return ""
    if frequency not in ("monthly", "quarterly", "annual"):
        errors.add(
            "payment_frequency", _("Choose how often to pay: monthly, quarterly or annually.")
        )
        return ""
    return frequency


def check_consents(data: EnrolmentData, errors: _Errors) -> list[ConsentDocument]:
    documents = current_documents()
    chosen = []
    for kind, given, name in (
        ("articles", data.articles_version, "articles_version"),
        ("privacy", data.privacy_version, "privacy_version"),
    ):
        document = documents.get(kind)
        if document is None:
            errors.add(name, _("The society has not published this document yet."))
        elif not given:
            errors.add(
                name, _("You must consent to %(doc)s to join.") % {"doc": document.display_title}
            )
        elif given != document.version:
            errors.add(
                name,
                _("Version %(given)s is not the one in force (%(current)s); read it again.")
                % {"given": given, "current": document.version},
            )
        else:
            chosen.append(document)
    return chosen


def check_login(username: str, password: str, person: PersonData, errors: _Errors) -> str:
    username = (username or "").strip()
    if not username:
        errors.add("username", _("Choose a user name to sign in with."))
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as exc:
            errors.add("username", exc.messages[0])
        if get_user_model().objects.filter(username__iexact=username).exists():
            errors.add("username", _("This user name is taken; choose another."))
    if not password:
        errors.add("password", _("Choose a password."))
    else:
        probe = get_user_model()(username=username, email=person.email, full_name=person.legal_name)
        try:
            password_validation.validate_password(password, probe)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("password", message)
    return username


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
    errors = _Errors()
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
                member = _lock(returning)
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
                    date_of_birth=person.date_of_birth,
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
    member = _lock(member)
    if member.status not in (Member.Status.ACTIVE, *REJOINING):
        raise NotAllowed(
            _("A suspended membership cannot add cover: pay what is overdue first.")
            if member.status == Member.Status.SUSPENDED
            else _("Only an active member can add a coverage.")
        )
    today = timezone.localdate()
    errors = _Errors()
    plan_obj, version = plan_for_enrolment(plan, errors)
    answers_clean: dict[str, bool] = {}
    frequency = ""
    if version is not None:
        if member.coverages.filter(
            plan=plan_obj, status__in=[Coverage.Status.IN_FORCE, Coverage.Status.SUSPENDED]
        ).exists():
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
    _set_status(member, Member.Status.APPLICANT, actor=actor, reason=_("Applied again."))
    member.withdrawal_effective_on = None
    member.suspended_on = None
    member.lapses_on = None
    member.save(update_fields=["withdrawal_effective_on", "suspended_on", "lapses_on"])


def _application_create(
    *, member: Member, version: PlanVersion, answers: dict, frequency: str, channel: str, actor
) -> Application:
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
        _accept(application, actor=None, reasons=decision.reasons)
    elif decision.outcome == "declined":
        _decline(application, actor=None, reasons=decision.reasons)
    else:
        member_event(
            member=member,
            type=MemberEvent.Type.REFERRED,
            new=version.plan.code,
            reason="; ".join(decision.reasons),
        )
    return Application.objects.select_related("member", "plan_version__plan").get(pk=application.pk)


def _accept(application: Application, *, actor, reasons: list[str]) -> Coverage:
    today = timezone.localdate()
    member = _lock(application.member_id)
    if member.status not in (Member.Status.APPLICANT, Member.Status.ACTIVE):
        # Withdrawn or suspended while the application waited: no cover is opened.
        raise TransitionNotAllowed(
            _("The membership is %(status)s; the application can only be declined.")
            % {"status": member.get_status_display()}
        )
    version = application.plan_version
    application.status = Application.Status.ACCEPTED
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
        _set_status(member, Member.Status.ACTIVE, actor=actor, reason=_("Application accepted."))
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
        from ..tasks import send_welcome

        outbox_enqueue(task=send_welcome, args=[member.pk], key=f"members.send_welcome:{member.pk}")
    return coverage


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
    band = version.age_bands.filter(min_age__lte=age, max_age__gte=age).first()
    if band is None:
        raise InvalidInput(_("The plan has no benefit for age %(age)d.") % {"age": age})
    is_premium = version.plan.kind == Plan.Kind.PREMIUM
    premium = band.premium_for(frequency) if is_premium else None
    if is_premium and not premium:
        raise InvalidInput(
            _("The plan has no %(frequency)s premium for age %(age)d.")
            % {
                "frequency": dict(Application._meta.get_field("payment_frequency").choices).get(
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


def _decline(application: Application, *, actor, reasons: list[str]) -> Application:
    member = _lock(application.member_id)
    application.status = Application.Status.DECLINED
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
        member.status == Member.Status.APPLICANT
        and not member.applications.filter(status=Application.Status.REFERRED).exists()
    ):
        _set_status(member, Member.Status.DECLINED, actor=actor, reason="; ".join(reasons))
    return application


def _referred(application: Application | int) -> Application:
    application_id = application.pk if isinstance(application, Application) else application
    locked = (
        Application.objects.select_for_update()
        .select_related("plan_version__plan", "member")
        .get(pk=application_id)
    )
    if locked.status != Application.Status.REFERRED:
        raise TransitionNotAllowed(
            _("This application was decided already (%(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def application_accept(*, application: Application | int, actor, reason: str) -> Application:
    """An underwriter accepts a referred application; the reason is required."""
    if not (reason or "").strip():
        raise InvalidInput(_("Give the reason for the decision."), field="reason")
    locked = _referred(application)
    _accept(locked, actor=actor, reasons=[*locked.reasons, reason.strip()])
    return locked


@transaction.atomic
def application_decline(*, application: Application | int, actor, reason: str) -> Application:
    """An underwriter declines a referred application; the reason is required."""
    if not (reason or "").strip():
        raise InvalidInput(_("Give the reason for the decision."), field="reason")
    locked = _referred(application)
    return _decline(locked, actor=actor, reasons=[*locked.reasons, reason.strip()])
