"""The steps of enrolment (and of adding a coverage): plan, person, health declaration,
consents, login. Each step's ``clean()`` runs the services' checks of that step
(``members.services.checks``) with an error collector whose field errors go on the form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import ConsentDocument, Member, PlanVersion
from ..regions import PROVINCE_CHOICES
from ..services.checks import (
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
    plan_for_enrolment,
)
from .base import FREQUENCY_CHOICES, PlanOffer, ServiceCheckedForm

# --- Enrolment step 1 (and adding a coverage): the plan ------------------------------


class PlanChoiceForm(ServiceCheckedForm):
    plan = forms.CharField(label=_("Plan"), required=False, widget=forms.RadioSelect)
    payment_frequency = forms.ChoiceField(
        label=_("How often you pay the premium"),
        choices=FREQUENCY_CHOICES,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        help_text=_("Premium-funded plans only. Mutual aid plans have no premium."),
    )
    conditional_fields = ("payment_frequency",)

    def __init__(
        self, *args, offers: Sequence[PlanOffer] = (), member: Member | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offers = list(offers)
        self.member = member
        self.fields["plan"].widget.choices = [
            (offer.plan.code, offer.plan.display_name) for offer in self.offers
        ]
        if not any(offer.is_premium for offer in self.offers):
            del self.fields["payment_frequency"]

    @property
    def plan_options(self) -> list[tuple[forms.BoundField, PlanOffer]]:
        """Each radio button with the plan it chooses, for the plan cards."""
        return list(zip(self["plan"], self.offers, strict=True))

    def clean(self) -> dict:
        cleaned = super().clean()
        code = (cleaned.get("plan") or "").strip()
        errors = FieldErrors()
        version = None
        if not code:
            errors.add("plan", gettext("Choose a plan."))
        else:
            _plan, version = plan_for_enrolment(code, errors)
            if version is not None and code not in {o.plan.code for o in self.offers}:
                # Open, but not offered here: a plan the member already holds.
                errors.add("plan", gettext("Choose one of the plans shown."))
                version = None
        if version is not None:
            cleaned["payment_frequency"] = check_frequency(
                version, cleaned.get("payment_frequency") or "", errors
            )
            if self.member is not None:
                check_age(version, self.member.date_of_birth, errors, today=timezone.localdate())
        self.add_service_errors(errors.fields, self.error_mapping())
        cleaned["version"] = version
        return cleaned

    def error_mapping(self) -> dict[str, str]:
        # A member adding a coverage: an age outside the plan's limits is about the plan.
        return {"date_of_birth": "plan"} if self.member is not None else {}


# --- Enrolment step 2: the person ---------------------------------------------------


class PersonForm(ServiceCheckedForm):
    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=100,
        required=False,
        help_text=_("As written on your identity document."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=Member.IdType.choices,
        initial=Member.IdType.RESIDENT_ID,
        required=False,
    )
    id_number = forms.CharField(
        label=_("Identity number"),
        max_length=32,
        required=False,
        help_text=_("A resident identity number has 18 characters; the last may be X."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Member.Sex.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choices choices-inline"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("We send your welcome letter and notices here."),
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "inputmode": "email"}
        ),
    )
    region = forms.ChoiceField(
        label=_("Province or region"),
        choices=[("", _("Choose…")), *PROVINCE_CHOICES],
        required=False,
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    optional_fields = ("email", "address")

    def __init__(self, *args, version: PlanVersion | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = version

    def clean(self) -> dict:
        cleaned = super().clean()
        today = timezone.localdate()
        person = person_from(cleaned)
        errors = FieldErrors()
        check_person(person, errors, today=today)
        if person.id_number and "id_number" not in errors.fields:
            check_not_member(person, errors)
        if self.version is not None and "date_of_birth" not in errors.fields:
            check_age(self.version, person.date_of_birth, errors, today=today)
        self.add_service_errors(errors.fields)
        # The services normalise the identity number and the phone number.
        for name in ("legal_name", "id_number", "phone", "email"):
            if name in cleaned:
                cleaned[name] = getattr(person, name)
        return cleaned


def person_from(data: Mapping) -> PersonData:
    return PersonData(
        legal_name=data.get("legal_name") or "",
        id_type=data.get("id_type") or "",
        id_number=data.get("id_number") or "",
        date_of_birth=data.get("date_of_birth"),
        sex=data.get("sex") or "",
        phone=data.get("phone") or "",
        email=data.get("email") or "",
        region=data.get("region") or "",
        address=(data.get("address") or "").strip(),
    )


# --- Enrolment step 3: the health declaration ---------------------------------------


def _yes(value: str) -> bool:
    return value == "yes"


class DeclarationForm(ServiceCheckedForm):
    """One yes/no question per field ``q_<id>``; nothing is preselected."""

    def __init__(self, *args, version: PlanVersion | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.questions = list(version.questions.all()) if version is not None else []
        for question in self.questions:
            self.fields[self.field_name(question.id)] = forms.TypedChoiceField(
                label=question.display_text,
                choices=[("yes", _("Yes")), ("no", _("No"))],
                coerce=_yes,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "choices choices-inline"}),
            )
        self.mark_required()

    @staticmethod
    def field_name(question_id: int | str) -> str:
        return f"q_{question_id}"

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.version is None:
            cleaned["answers"] = {}
            return cleaned
        answers = {str(q.id): cleaned.get(self.field_name(q.id)) for q in self.questions}
        errors = FieldErrors()
        cleaned["answers"] = check_answers(self.version, answers, errors)
        self.add_service_errors(errors.fields, self.error_mapping())
        return cleaned

    def error_mapping(self) -> dict[str, str]:
        return {f"answers.{q.id}": self.field_name(q.id) for q in self.questions}


# --- Enrolment step 4: consents -----------------------------------------------------


class ConsentCheckbox(forms.CheckboxInput):
    """A checkbox that posts the version of the document shown, so that the version the
    person consented to is the version they read (the service compares it with the one
    in force)."""

    def __init__(self, version: str, attrs=None) -> None:
        super().__init__(attrs)
        self.version = version

    def format_value(self, value):
        return self.version

    def value_from_datadict(self, data, files, name) -> str:
        return (data.get(name) or "").strip()


class ConsentForm(ServiceCheckedForm):
    DOCUMENTS = (
        ("articles_version", ConsentDocument.Kind.ARTICLES),
        ("privacy_version", ConsentDocument.Kind.PRIVACY),
    )

    def __init__(
        self, *args, documents: Mapping[str, ConsentDocument | None] | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.documents = dict(documents or {})
        for name, kind in self.DOCUMENTS:
            document = self.documents.get(kind)
            if document is None:
                label = _("I have read and accept this document")
            else:
                label = gettext("I have read and accept %(title)s (version %(version)s)") % {
                    "title": document.display_title,
                    "version": document.version,
                }
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                widget=ConsentCheckbox(document.version if document else ""),
            )
        self.mark_required()

    @property
    def document_fields(self) -> list[tuple[ConsentDocument | None, forms.BoundField]]:
        return [(self.documents.get(kind), self[name]) for name, kind in self.DOCUMENTS]

    def clean(self) -> dict:
        cleaned = super().clean()
        data = EnrolmentData(
            plan="",
            person=person_from({}),
            articles_version=cleaned.get("articles_version") or "",
            privacy_version=cleaned.get("privacy_version") or "",
        )
        errors = FieldErrors()
        check_consents(data, errors)
        self.add_service_errors(errors.fields)
        return cleaned


# --- Enrolment step 5: the login ----------------------------------------------------


class LoginDetailsForm(ServiceCheckedForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        required=False,
        help_text=_("Letters, digits and @ . + - _ only. You sign in with it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        help_text=_(
            "At least 8 characters, not only digits, not a common password and not like "
            "your name or e-mail."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, person: PersonData | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person or person_from({})

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password") or ""
        errors = FieldErrors()
        cleaned["username"] = check_login(cleaned.get("username"), password, self.person, errors)
        self.add_service_errors(errors.fields)
        if password and "password" not in self.errors and password != cleaned.get("password2"):
            self.add_error("password2", gettext("The two passwords differ; type it again."))
        return cleaned
