"""The checks of an application for cover, each adding its field errors to a collector.

``enrolment_submit`` and ``coverage_apply`` run them all and refuse with every field
error at once; the portal's step forms run the ones of their step (so a person hears of
a mistake on the step that made it); the bulk import runs ``check_person`` and
``check_frequency`` on the rows its fast path is unsure of. The rules themselves are
``members.rules`` (shared with the import's fast path) and ``members.identity``; this
module words the messages and reads what the rules need from the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput

from ..identity import (
    InvalidIdentityNumber,
    ResidentId,
    age_on,
    normalise,
    parse_resident_id,
)
from ..models import ConsentDocument, Member, Plan, PlanVersion
from ..regions import PROVINCES
from ..rules import (
    ID_TYPES,
    SEXES,
    band_for,
    email_valid,
    entry_age_allowed,
    frequency_valid,
    other_document_valid,
    phone_normalise,
    phone_valid,
    resident_id_valid,
)
from ..selectors import plan_current_version
from ..selectors.wind_down import plan_wind_down, wind_down_message
from ..transitions import REJOINING


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


class FieldErrors:
    """Field errors collected by the checks, raised together as one ``InvalidInput``."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.fields:
            _first_field, messages = next(iter(self.fields.items()))
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
    code: str, errors: FieldErrors | None = None
) -> tuple[Plan | None, PlanVersion | None]:
    plan = Plan.objects.filter(code=code).first()
    message = None
    if plan is None:
        message = _("There is no plan with the code %(code)s.") % {"code": code}
    elif (wind_down := plan_wind_down(plan)) is not None:
        # Before ``is_open``: a plan in wind-down says so, with its dates, even if staff
        # reopened it by mistake.
        message = wind_down_message(wind_down)
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


def check_identity_document(
    errors: FieldErrors,
    *,
    id_type: str,
    id_number: str,
    today: dt.date,
    prefix: str = "",
) -> tuple[str, ResidentId | None]:
    """The rules of an identity document, as at enrolment (a member's, a beneficiary's):
    a known kind; a resident identity number valid under GB 11643-1999; another
    document's number of 5 to 20 letters and digits that is not a resident identity
    number under another name. Errors go on ``<prefix>id_type`` / ``<prefix>id_number``.
    Returns the normalised number and, for a valid resident identity number, what it
    encodes."""
    parsed = None
    if id_type not in ID_TYPES:
        errors.add(f"{prefix}id_type", _("Choose the kind of identity document."))
    number = normalise(id_number)
    if not number:
        errors.add(f"{prefix}id_number", _("Enter the identity number."))
    elif id_type == Member.IdType.RESIDENT_ID:
        try:
            parsed = parse_resident_id(number, today=today)
        except InvalidIdentityNumber as exc:
            errors.add(f"{prefix}id_number", str(exc))
    elif not other_document_valid(number):
        errors.add(f"{prefix}id_number", _("Use 5 to 20 letters and digits, as on the document."))
    elif resident_id_valid(number, today):
        # One person, one membership: the same number under another document type would
        # slip past the unique (type, number) constraint.
        errors.add(
            f"{prefix}id_type",
            _("This is a mainland resident identity number: choose the resident identity card."),
        )
    return number, parsed


def check_person(person: PersonData, errors: FieldErrors, *, today: dt.date) -> None:
    """Validate a person's data in place (normalising the identity number)."""
    person.legal_name = (person.legal_name or "").strip()
    if not person.legal_name:
        errors.add("legal_name", _("Enter your name as it is written on your identity document."))
    person.id_number, parsed = check_identity_document(
        errors, id_type=person.id_type, id_number=person.id_number, today=today
    )
    if parsed is not None:
        if person.date_of_birth and parsed.date_of_birth != person.date_of_birth:
            errors.add(
                "date_of_birth",
                _("The identity number says you were born on %(date)s.")
                % {"date": parsed.date_of_birth.isoformat()},
            )
        if person.sex and parsed.sex != person.sex:
            errors.add("sex", _("The identity number gives the other sex; check both."))
    if person.date_of_birth is None:
        errors.add("date_of_birth", _("Enter the date of birth."))
    elif person.date_of_birth > today:
        errors.add("date_of_birth", _("The date of birth cannot be in the future."))
    if person.sex not in SEXES:
        errors.add("sex", _("Choose female or male, as on the identity document."))
    person.phone = phone_normalise(person.phone)
    if not phone_valid(person.phone):
        errors.add("phone", _("Enter an 11-digit mobile number, or an international one with +."))
    person.email = (person.email or "").strip()
    if person.email and not email_valid(person.email):
        errors.add("email", _("Enter a valid e-mail address."))
    if person.region not in PROVINCES:
        errors.add("region", _("Choose your province or region."))


def check_not_member(person: PersonData, errors: FieldErrors) -> Member | None:
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
    version: PlanVersion, born: dt.date | None, errors: FieldErrors, *, today: dt.date
) -> None:
    if born is None or born > today:
        return  # no date, or one in the future (refused on its own): no age to judge
    age = age_on(born, today)
    if not entry_age_allowed(version, age):
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
    elif band_for(version.age_bands.all(), age) is None:
        errors.add("date_of_birth", _("The plan has no benefit for age %(age)d.") % {"age": age})


def check_answers(version: PlanVersion, answers: dict, errors: FieldErrors) -> dict[str, bool]:
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


def check_frequency(version: PlanVersion, frequency: str, errors: FieldErrors) -> str:
    if version.plan.kind != Plan.Kind.PREMIUM:
        return ""
    if not frequency_valid(frequency):
        errors.add(
            "payment_frequency", _("Choose how often to pay: monthly, quarterly or annually.")
        )
        return ""
    return frequency


def check_consents(data: EnrolmentData, errors: FieldErrors) -> list[ConsentDocument]:
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


def check_login(username: str, password: str, person: PersonData, errors: FieldErrors) -> str:
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
