"""Helpers that set up membership data the way staff and applicants create it.

Plans and consent documents are what staff edit in the admin (rows, then
``plan_version_publish``); people join through ``members.services.enrolment.enrolment_submit``
with resident identity numbers that pass the real check (``members.identity.check_character``).

    version = premium_plan_make()                 # published, age bands, three questions
    aid = mutual_aid_plan_make()
    consent_documents_make()                      # articles and privacy notice in force
    application = enrol(version)                  # accepted, member number, first premium
    application = enrol(version, yes=("refer",))  # referred to an underwriter
    payment = pay(application.member, "30.00")
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from members.identity import check_character
from members.models import (
    AgeBand,
    Application,
    ConsentDocument,
    HealthQuestion,
    Member,
    Payment,
    Plan,
    PlanVersion,
)
from members.services.contributions import payment_record
from members.services.enrolment import EnrolmentData, PersonData, enrolment_submit
from members.services.plans import plan_version_draft, plan_version_publish

PASSWORD = "correct-horse-battery-staple-42"
ARTICLES_VERSION = "2025.1"
PRIVACY_VERSION = "2025.1"
TERMS_FROM = dt.date(2020, 1, 1)

# Premium bands: (min age, max age, sum assured, monthly, quarterly, annual).
PREMIUM_BANDS = (
    (18, 40, "100000.00", "30.00", "88.50", "340.00"),
    (41, 65, "50000.00", "60.00", "177.00", "680.00"),
)
# Mutual aid bands: (min age, max age, benefit).
MUTUAL_AID_BANDS = (
    (0, 39, "300000.00"),
    (40, 59, "100000.00"),
)
# One question per outcome of a "yes".
QUESTIONS = (
    ("accept", "您是否每周锻炼？", "Do you exercise every week?"),
    ("refer", "过去两年内您是否住院？", "Have you been in hospital in the last two years?"),
    ("decline", "您是否被诊断患有恶性肿瘤？", "Have you ever been diagnosed with cancer?"),
)

_counter = itertools.count(1)
# Region codes of real divisions in different provinces; with the sequence digits they
# keep generated numbers unique however many people a test enrols.
_REGIONS = ("110101", "310101", "440305", "330106", "510104", "420102", "320102", "370102")


def _next() -> int:
    return next(_counter)


# --- Plans and documents ---


def _plan_make(
    *,
    kind: str,
    code: str | None,
    is_open: bool,
    publish: bool,
    questions: bool,
    bands: tuple,
    effective_from: dt.date,
    **terms,
) -> PlanVersion:
    plan = Plan.objects.create(
        code=code or f"{kind.replace('_', '-')}-{_next()}",
        name="互助计划" if kind == Plan.Kind.MUTUAL_AID else "互助保险",
        name_en="Mutual aid plan" if kind == Plan.Kind.MUTUAL_AID else "Mutual insurance",
        kind=kind,
        is_open=is_open,
    )
    version = plan_version_draft(plan=plan, effective_from=effective_from)
    for name, value in terms.items():
        setattr(version, name, value)
    version.save()
    if kind == Plan.Kind.PREMIUM:
        AgeBand.objects.bulk_create(
            AgeBand(
                plan_version=version,
                min_age=low,
                max_age=high,
                sum_assured=Decimal(benefit),
                premium_monthly=Decimal(monthly),
                premium_quarterly=Decimal(quarterly),
                premium_annual=Decimal(annual),
            )
            for low, high, benefit, monthly, quarterly, annual in bands
        )
    else:
        AgeBand.objects.bulk_create(
            AgeBand(plan_version=version, min_age=low, max_age=high, sum_assured=Decimal(benefit))
            for low, high, benefit in bands
        )
    if questions:
        HealthQuestion.objects.bulk_create(
            HealthQuestion(plan_version=version, order=i, text=zh, text_en=en, yes_outcome=outcome)
            for i, (outcome, zh, en) in enumerate(QUESTIONS)
        )
    if publish:
        version = plan_version_publish(version=version, actor=None)
    return version


def premium_plan_make(
    *,
    code: str | None = None,
    is_open: bool = True,
    publish: bool = True,
    questions: bool = True,
    bands: tuple = PREMIUM_BANDS,
    effective_from: dt.date = TERMS_FROM,
    min_entry_age: int = 18,
    max_entry_age: int = 65,
    **terms,
) -> PlanVersion:
    """A premium-funded plan with a published version (90-day wait, 60-day grace, 12-month
    term): ages 18–40 pay 30.00 a month / 88.50 a quarter / 340.00 a year for 100,000;
    41–65 pay double for 50,000. Extra keyword arguments set other version terms."""
    return _plan_make(
        kind=Plan.Kind.PREMIUM,
        code=code,
        is_open=is_open,
        publish=publish,
        questions=questions,
        bands=bands,
        effective_from=effective_from,
        min_entry_age=min_entry_age,
        max_entry_age=max_entry_age,
        **terms,
    )


def mutual_aid_plan_make(
    *,
    code: str | None = None,
    is_open: bool = True,
    publish: bool = True,
    questions: bool = True,
    bands: tuple = MUTUAL_AID_BANDS,
    effective_from: dt.date = TERMS_FROM,
    min_entry_age: int = 0,
    max_entry_age: int = 59,
    **terms,
) -> PlanVersion:
    """A post-funded mutual aid plan (no premium) with a published version: ages 0–39
    share a 300,000 benefit, 40–59 a 100,000 one; 8% fee, 188.00 annual cap."""
    return _plan_make(
        kind=Plan.Kind.MUTUAL_AID,
        code=code,
        is_open=is_open,
        publish=publish,
        questions=questions,
        bands=bands,
        effective_from=effective_from,
        min_entry_age=min_entry_age,
        max_entry_age=max_entry_age,
        **terms,
    )


def question_ids(version: PlanVersion) -> dict[str, str]:
    """The id (as the answers dict keys it) of the question whose "yes" means each outcome."""
    return {q.yes_outcome: str(q.pk) for q in version.questions.all()}


def answers_for(version: PlanVersion, *, yes: tuple[str, ...] = ()) -> dict[str, bool]:
    """A complete health declaration: "yes" to the questions of the given outcomes
    ("accept", "refer", "decline"), "no" to the rest."""
    return {str(q.pk): q.yes_outcome in yes for q in version.questions.all()}


def consent_documents_make(
    *,
    articles: str = ARTICLES_VERSION,
    privacy: str = PRIVACY_VERSION,
    effective_from: dt.date = TERMS_FROM,
) -> dict[str, ConsentDocument]:
    """The articles of association and the privacy notice in force (created once)."""
    out = {}
    for kind, version in (
        (ConsentDocument.Kind.ARTICLES, articles),
        (ConsentDocument.Kind.PRIVACY, privacy),
    ):
        out[kind], _created = ConsentDocument.objects.get_or_create(
            kind=kind,
            version=version,
            defaults={
                "title": "章程" if kind == "articles" else "隐私政策",
                "title_en": "Articles of association" if kind == "articles" else "Privacy notice",
                "body": "……",
                "body_en": "…",
                "effective_from": effective_from,
            },
        )
    return out


# --- People ---


def birth_date(age: int, *, today: dt.date | None = None) -> dt.date:
    """A date of birth giving ``age`` full years today (never 29 February)."""
    today = today or timezone.localdate()
    born = today.replace(year=today.year - age, day=min(today.day, 28)) - dt.timedelta(days=1)
    return born if born.day != 29 or born.month != 2 else born - dt.timedelta(days=1)


def resident_id(
    date_of_birth: dt.date,
    *,
    sex: str = "M",
    region: str | None = None,
    sequence: int | None = None,
) -> str:
    """A valid 18-character resident identity number for this birth date and sex (the
    sequence is odd for men, even for women); unique per call unless ``sequence`` is given."""
    n = _next()
    region = region or _REGIONS[n % len(_REGIONS)]
    sequence = (n // len(_REGIONS)) % 500 * 2 if sequence is None else sequence
    sequence = sequence + 1 if (sequence % 2 == 0) == (sex == "M") else sequence
    first17 = f"{region}{date_of_birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_character(first17)


def person_data(*, age: int = 30, sex: str = "M", **overrides) -> PersonData:
    """A valid person of ``age`` with a matching identity number; override any field."""
    born = overrides.pop("date_of_birth", None) or birth_date(age)
    fields = {
        "legal_name": "张三" if sex == "M" else "李四",
        "id_type": Member.IdType.RESIDENT_ID,
        "id_number": resident_id(born, sex=sex),
        "date_of_birth": born,
        "sex": sex,
        "phone": f"139{_next() % 100_000_000:08d}",
        "email": "member@example.com",
        "region": "11",
        "address": "北京市东城区",
    }
    fields.update(overrides)
    return PersonData(**fields)


def enrolment_data(
    version: PlanVersion,
    *,
    yes: tuple[str, ...] = (),
    person: PersonData | None = None,
    **overrides,
) -> EnrolmentData:
    """A complete, valid enrolment for ``version`` (consent documents must exist, see
    ``consent_documents_make``); ``yes`` picks the declaration answers; override any field."""
    version.plan.refresh_from_db()
    fields = {
        "plan": version.plan.code,
        "person": person or person_data(),
        "answers": answers_for(version, yes=yes),
        "articles_version": ARTICLES_VERSION,
        "privacy_version": PRIVACY_VERSION,
        "username": f"member{_next()}",
        "password": PASSWORD,
        "payment_frequency": "monthly" if version.plan.kind == Plan.Kind.PREMIUM else "",
    }
    fields.update(overrides)
    return EnrolmentData(**fields)


def enrol(
    version: PlanVersion,
    *,
    yes: tuple[str, ...] = (),
    channel: str = Application.Channel.PORTAL,
    **overrides,
) -> Application:
    """Enrol a new person through ``enrolment_submit`` (creating the consent documents if
    needed). Without ``yes`` answers the application is accepted."""
    consent_documents_make()
    return enrolment_submit(
        data=enrolment_data(version, yes=yes, **overrides), channel=channel, actor=None
    )


def member_make(version: PlanVersion | None = None, **overrides) -> Member:
    """An active member with cover under ``version`` (a new premium plan by default)."""
    application = enrol(version or premium_plan_make(), **overrides)
    assert application.status == Application.Status.ACCEPTED, application.reasons
    return Member.objects.get(pk=application.member_id)


# --- Money ---


def pay(
    member: Member | int,
    amount: str | Decimal,
    *,
    key: str | None = None,
    received_on: dt.date | None = None,
    actor=None,
) -> Payment:
    """Record a bank transfer from a member through ``payment_record``."""
    return payment_record(
        member=member,
        amount=amount,
        received_on=received_on or timezone.localdate(),
        provider=Payment.Provider.BANK_TRANSFER,
        reference=f"BT{_next():06d}",
        idempotency_key=key or f"test-payment-{_next()}",
        actor=actor,
    )


# --- Staff ---


def user_with_perms(username: str, *perms: str, is_staff: bool = True):
    """A user holding exactly these permissions ("members.view_member", ...)."""
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=is_staff
    )
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user
