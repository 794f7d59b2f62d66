"""API face of membership: enrolment for new people, ``me`` for a member, staff endpoints.

Every write goes through a service; the serializers here only check the shape of a
request (types, required fields, lengths, choices). The rules (a valid identity number
that agrees with the date of birth, entry ages, one person one membership, consents, the
password policy, amounts in whole cents...) are the services', so the portal and the API
refuse the same things with the same messages.

Field errors are named by their path in the request body: ``person.id_number``,
``answers.12``, ``amount``; a header by its name (``Idempotency-Key``).

A package by audience: ``enrolment`` (anonymous), ``me`` (the signed-in member),
``staff``; ``common`` holds the error shape, money fields and the output serializers
they share. The views and serializers are importable from ``members.api`` as before.
"""

from .common import (
    FREQUENCY_CHOICES,
    IDEMPOTENCY_HEADER,
    CoverageOut,
    DueOut,
    ErrorDetailOut,
    ErrorOut,
    Money,
    PaymentOut,
    ProfileOut,
    StaffPagination,
    errors,
)
from .enrolment import (
    PERSON_FIELDS,
    EnrolmentApi,
    EnrolmentIn,
    EnrolmentOut,
    EnrolmentThrottle,
    PersonIn,
)
from .me import (
    ContactIn,
    ContributionsOut,
    MeApi,
    MeContributionsApi,
    MeCoveragesApi,
    MePaymentsApi,
    PaymentsOut,
)
from .staff import (
    AllocationOut,
    ApplicationAcceptApi,
    ApplicationDeclineApi,
    ApplicationFilterIn,
    ApplicationListApi,
    ApplicationMemberOut,
    ApplicationOut,
    DecisionIn,
    MemberDetailApi,
    MemberDetailOut,
    MemberListApi,
    MemberPaymentApi,
    MemberSearchIn,
    PaymentIn,
    PaymentRecordedOut,
)

__all__ = [
    "FREQUENCY_CHOICES",
    "IDEMPOTENCY_HEADER",
    "PERSON_FIELDS",
    "AllocationOut",
    "ApplicationAcceptApi",
    "ApplicationDeclineApi",
    "ApplicationFilterIn",
    "ApplicationListApi",
    "ApplicationMemberOut",
    "ApplicationOut",
    "ContactIn",
    "ContributionsOut",
    "CoverageOut",
    "DecisionIn",
    "DueOut",
    "EnrolmentApi",
    "EnrolmentIn",
    "EnrolmentOut",
    "EnrolmentThrottle",
    "ErrorDetailOut",
    "ErrorOut",
    "MeApi",
    "MeContributionsApi",
    "MeCoveragesApi",
    "MePaymentsApi",
    "MemberDetailApi",
    "MemberDetailOut",
    "MemberListApi",
    "MemberPaymentApi",
    "MemberSearchIn",
    "Money",
    "PaymentIn",
    "PaymentOut",
    "PaymentRecordedOut",
    "PaymentsOut",
    "PersonIn",
    "ProfileOut",
    "StaffPagination",
    "errors",
]
