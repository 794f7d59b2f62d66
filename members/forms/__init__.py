"""Forms of the member portal.

The forms only check the shape of what was typed (a date is a date). Every rule of the
domain is checked by the services' own check functions (``check_person``, ``check_age``,
``check_answers`` ...), called from ``clean()`` with an error collector whose field errors
are put on the form, so the portal, the API and the services say the same thing.

Every form runs its service through ``DomainErrorFormMixin.call_service`` (directly, or
as the base of ``ServiceCheckedForm``), so a refusal lands on the field it names. A
package by page: ``enrolment`` (the steps of joining and of adding a coverage),
``member`` (the member's own pages), ``base`` (what they share).
"""

from .base import FREQUENCY_CHOICES, PlanOffer, ServiceCheckedForm
from .beneficiaries import (
    BeneficiaryForm,
    BeneficiaryFormSet,
    DesignationForm,
    designation_errors_apply,
    designation_initial,
    designation_rows,
)
from .enrolment import (
    ConsentCheckbox,
    ConsentForm,
    DeclarationForm,
    LoginDetailsForm,
    PersonForm,
    PlanChoiceForm,
    person_from,
)
from .member import ContactForm, NotificationPreferencesForm, WithdrawForm

__all__ = [
    "BeneficiaryForm",
    "BeneficiaryFormSet",
    "DesignationForm",
    "designation_errors_apply",
    "designation_initial",
    "designation_rows",
    "FREQUENCY_CHOICES",
    "ConsentCheckbox",
    "ConsentForm",
    "ContactForm",
    "DeclarationForm",
    "LoginDetailsForm",
    "NotificationPreferencesForm",
    "PersonForm",
    "PlanChoiceForm",
    "PlanOffer",
    "ServiceCheckedForm",
    "WithdrawForm",
    "person_from",
]
