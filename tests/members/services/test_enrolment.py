"""members.services.enrolment: enrolment_submit, coverage_apply, and the underwriters'
decisions (application_accept / application_decline)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from ledger.models import JournalEntry
from members import tasks
from members.calculations import period_end
from members.models import (
    Application,
    Consent,
    ConsentDocument,
    ContributionDue,
    Coverage,
    Member,
    MemberEvent,
)
from members.services.enrolment import (
    application_accept,
    application_decline,
    coverage_apply,
    enrolment_submit,
)
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed
from tests.members.factories import (
    ARTICLES_VERSION,
    PRIVACY_VERSION,
    answers_for,
    birth_date,
    enrol,
    enrolment_data,
    person_data,
    premium_plan_make,
    question_ids,
    resident_id,
    user_with_perms,
)

pytestmark = pytest.mark.django_db

MEMBER_NUMBER = re.compile(r"^M-\d{4}-\d{6}-\d$")


def postings(entry: JournalEntry) -> list[tuple[str, Decimal]]:
    return sorted(entry.postings.values_list("account__code", "amount"))


def counts() -> dict[str, int]:
    """How many rows enrolment can write, table by table."""
    return {
        model.__name__: model.objects.count()
        for model in (
            get_user_model(),
            Member,
            Application,
            Consent,
            Coverage,
            ContributionDue,
            MemberEvent,
            JournalEntry,
        )
    }


@pytest.fixture
def underwriter(db):
    return user_with_perms("underwriter", "members.view_application", "members.change_application")


# --- Accepted, referred, declined ---


def test_an_accepted_premium_enrolment_makes_a_member_with_cover_and_a_first_premium(premium):
    """All "no" answers: accepted; a member number; cover from today with the waiting
    period; the first monthly premium due today, posted Dr 1122 / Cr 6031 to the cent."""
    today = timezone.localdate()
    data = enrolment_data(premium, username="wang.fang")

    application = enrolment_submit(data=data, channel=Application.Channel.PORTAL)

    assert application.status == Application.Status.ACCEPTED
    assert application.channel == Application.Channel.PORTAL
    assert application.reasons == ["Every answer of the health declaration was accepted."]
    member = Member.objects.get(pk=application.member_id)
    assert member.status == Member.Status.ACTIVE
    assert MEMBER_NUMBER.match(member.member_number)
    assert member.joined_on == today
    assert member.user.username == "wang.fang"
    assert member.user.check_password(data.password)
    assert member.id_number == data.person.id_number
    coverage = Coverage.objects.get(member=member)
    assert coverage.application == application
    assert coverage.plan_version == premium
    assert coverage.status == Coverage.Status.IN_FORCE
    assert coverage.start_date == today
    assert coverage.waiting_period_end == today + dt.timedelta(days=premium.waiting_period_days)
    assert coverage.waiting_period_end == today + dt.timedelta(days=90)
    assert coverage.sum_assured == Decimal("100000.00")
    assert coverage.premium == Decimal("30.00")
    assert coverage.payment_frequency == "monthly"
    due = ContributionDue.objects.get(member=member)
    assert (due.kind, due.amount, due.paid_amount, due.status) == (
        ContributionDue.Kind.PREMIUM,
        Decimal("30.00"),
        Decimal("0.00"),
        ContributionDue.Status.OPEN,
    )
    assert (due.period_start, due.period_end) == (today, period_end(today, "monthly"))
    assert due.grace_ends_on == today + dt.timedelta(days=60)
    assert postings(due.ledger_entry) == [("1122", Decimal("30.00")), ("6031", Decimal("-30.00"))]
    assert sum(amount for _code, amount in postings(due.ledger_entry)) == 0
    assert coverage.next_due_date == period_end(today, "monthly") + dt.timedelta(days=1)
    consented = dict(member.consents.values_list("document__kind", "document__version"))
    assert consented == {"articles": ARTICLES_VERSION, "privacy": PRIVACY_VERSION}
    assert set(member.events.values_list("type", flat=True)) >= {
        MemberEvent.Type.APPLIED,
        MemberEvent.Type.STATUS,
        MemberEvent.Type.ACCEPTED,
    }


def test_the_coverage_remembers_the_version_it_was_written_on(premium):
    """A later version applies to new coverages; existing ones keep theirs."""
    from members.services.plans import plan_version_draft, plan_version_publish

    first = enrol(premium)
    draft = plan_version_draft(plan=premium.plan, effective_from=timezone.localdate())
    draft.waiting_period_days = 30
    draft.save()
    second_version = plan_version_publish(version=draft, actor=None)

    second = enrol(second_version)  # answers the new version's questions

    assert first.coverage.plan_version == premium
    assert second.coverage.plan_version == second_version
    assert second.coverage.waiting_period_end == timezone.localdate() + dt.timedelta(days=30)


def test_a_mutual_aid_enrolment_has_no_premium(aid):
    """A post-funded plan is free to join: cover without a premium, a term or a ledger
    entry; members owe shares of claims later."""
    application = enrol(aid)

    assert application.status == Application.Status.ACCEPTED
    coverage = application.coverage
    assert coverage.premium is None
    assert coverage.term_end is None
    assert coverage.next_due_date is None
    assert coverage.payment_frequency == ""
    assert coverage.sum_assured == Decimal("300000.00")
    assert not ContributionDue.objects.exists()
    assert not JournalEntry.objects.exists()


def test_member_numbers_are_unique_and_follow_the_sequence(premium, aid):
    numbers = [enrol(premium).member.member_number, enrol(aid).member.member_number]

    assert len(set(numbers)) == 2
    assert [int(n.split("-")[2]) for n in numbers] == [1, 2]


def test_a_refer_answer_sends_the_application_to_an_underwriter(premium):
    """A "yes" to a refer question: referred with the question as reason; the person is
    an applicant without member number, cover or premium."""
    application = enrol(premium, yes=("accept", "refer"))

    assert application.status == Application.Status.REFERRED
    assert application.reasons == ["Answered yes: Have you been in hospital in the last two years?"]
    member = application.member
    assert member.status == Member.Status.APPLICANT
    assert member.member_number is None
    assert not Coverage.objects.exists()
    assert not ContributionDue.objects.exists()
    assert member.events.filter(type=MemberEvent.Type.REFERRED).exists()


def test_a_decline_answer_declines_even_with_a_refer_answer(premium):
    application = enrol(premium, yes=("refer", "decline"))

    assert application.status == Application.Status.DECLINED
    assert application.reasons == ["Answered yes: Have you ever been diagnosed with cancer?"]
    assert application.member.status == Member.Status.DECLINED
    assert application.member.member_number is None
    assert not Coverage.objects.exists()
    assert not JournalEntry.objects.exists()


# --- Bad input: the field named, nothing saved ---


def _person(**changes):
    return lambda version, data: dataclasses.replace(data, person=person_data(**changes))


def _set(**changes):
    return lambda version, data: dataclasses.replace(data, **changes)


BAD_INPUT = {
    "invalid identity number": (
        _person(id_number="110105194912310021"),
        "id_number",
        "should be X",
    ),
    "identity number too short": (_person(id_number="1101051949"), "id_number", "18 characters"),
    "date of birth disagrees with the number": (
        lambda v, d: dataclasses.replace(
            d,
            person=person_data(id_number=resident_id(birth_date(30)), date_of_birth=birth_date(31)),
        ),
        "date_of_birth",
        "says you were born on",
    ),
    "sex disagrees with the number": (
        lambda v, d: dataclasses.replace(
            d, person=person_data(id_number=resident_id(birth_date(30), sex="F"), sex="M")
        ),
        "sex",
        "other sex",
    ),
    "too old for the plan": (_person(age=66), "date_of_birth", "aged 18 to 65; you are 66"),
    "too young for the plan": (_person(age=17), "date_of_birth", "aged 18 to 65; you are 17"),
    "bad phone": (_person(phone="12345"), "phone", "11-digit"),
    "bad e-mail": (_person(email="not-an-address"), "email", "valid e-mail"),
    "unknown region": (_person(region="99"), "region", "province"),
    "passport number with symbols": (
        _person(id_type="passport", id_number="E12-345"),
        "id_number",
        "5 to 20 letters",
    ),
    "missing articles consent": (_set(articles_version=""), "articles_version", "must consent"),
    "old privacy version": (
        _set(privacy_version="2019.1"),
        "privacy_version",
        "not the one in force",
    ),
    "unanswered question": (
        lambda v, d: dataclasses.replace(
            d,
            answers={k: False for k, _ in answers_for(v).items() if k != question_ids(v)["refer"]},
        ),
        "answers.{refer}",
        "Answer yes or no",
    ),
    "an answer that is not yes or no": (
        lambda v, d: dataclasses.replace(
            d, answers={**answers_for(v), question_ids(v)["decline"]: "no"}
        ),
        "answers.{decline}",
        "Answer yes or no",
    ),
    "unknown plan": (_set(plan="no-such-plan"), "plan", "no plan with the code"),
    "no payment frequency": (_set(payment_frequency=""), "payment_frequency", "how often"),
    "weak password": (_set(password="12345678"), "password", "too common"),
    "no password": (_set(password=""), "password", "Choose a password"),
    "no user name": (_set(username=""), "username", "Choose a user name"),
    "user name with spaces": (_set(username="wang fang"), "username", "Enter a valid username"),
}


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    premium, change, field, message
):
    """Each bad input is refused with the field that is wrong and why; no login, member,
    application, consent, coverage, premium, event or ledger entry is left behind."""
    data = change(premium, enrolment_data(premium))
    field = field.format(**question_ids(premium))
    before = counts()

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=data)

    assert field in caught.value.fields, caught.value.fields
    assert any(message in m for m in caught.value.fields[field]), caught.value.fields
    assert counts() == before


def test_a_date_of_birth_in_the_future_is_refused_without_a_negative_age(premium):
    """A birth date years ahead is refused as in the future, and only that: no entry-age
    message telling the applicant they are -7974 years old."""
    born = timezone.localdate() + dt.timedelta(days=20 * 365)
    data = enrolment_data(
        premium, person=person_data(id_type="passport", id_number="E1234567", date_of_birth=born)
    )

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=data)

    assert caught.value.fields["date_of_birth"] == ["The date of birth cannot be in the future."]


def test_every_error_is_reported_at_once(premium):
    """A form with several mistakes gets all of them in one answer."""
    data = enrolment_data(
        premium,
        person=person_data(phone="1", region="00"),
        articles_version="",
        username="",
    )

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=data)

    assert set(caught.value.fields) == {"phone", "region", "articles_version", "username"}
    assert caught.value.message == "Please correct the marked fields."


def test_a_second_membership_for_the_same_person_is_refused(premium, aid):
    """One person, one membership: the same identity number cannot enrol again (under any
    plan); the message says a membership exists."""
    first = enrol(premium)
    person = person_data(
        id_number=first.member.id_number,
        date_of_birth=first.member.date_of_birth,
        sex=first.member.sex,
    )
    before = counts()

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=enrolment_data(aid, person=person))

    assert set(caught.value.fields) == {"id_number"}
    assert "membership already exists" in caught.value.fields["id_number"][0]
    assert counts() == before


def test_a_pending_application_for_the_same_person_is_refused(premium):
    first = enrol(premium, yes=("refer",))
    person = person_data(
        id_number=first.member.id_number,
        date_of_birth=first.member.date_of_birth,
        sex=first.member.sex,
    )
    before = counts()

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=enrolment_data(premium, person=person))

    assert "already being reviewed" in caught.value.fields["id_number"][0]
    assert counts() == before


def test_a_declined_applicant_with_a_login_is_told_to_sign_in(premium):
    """Someone declined before cannot open a second login; nothing is saved."""
    first = enrol(premium, yes=("decline",))
    person = person_data(
        id_number=first.member.id_number,
        date_of_birth=first.member.date_of_birth,
        sex=first.member.sex,
    )
    before = counts()

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=enrolment_data(premium, person=person))

    assert set(caught.value.fields) == {"username"}
    assert counts() == before


def test_a_taken_user_name_is_refused_whatever_its_case(premium, make_user):
    make_user("Wang.Fang")
    before = counts()

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=enrolment_data(premium, username="wang.fang"))

    assert "taken" in caught.value.fields["username"][0]
    assert counts() == before


def test_a_closed_plan_takes_no_new_members(documents):
    version = premium_plan_make(is_open=False)
    before = counts()

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=enrolment_data(version))

    assert "closed to new members" in caught.value.fields["plan"][0]
    assert counts() == before


def test_a_plan_without_published_terms_takes_no_members(documents):
    version = premium_plan_make(publish=False)

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=enrolment_data(version))

    assert "no published terms" in caught.value.fields["plan"][0]


def test_without_published_consent_documents_nobody_can_enrol(db):
    version = premium_plan_make()
    ConsentDocument.objects.all().delete()

    with pytest.raises(InvalidInput) as caught:
        enrolment_submit(data=enrolment_data(version))

    assert {"articles_version", "privacy_version"} <= set(caught.value.fields)
    assert not Member.objects.exists()


# --- The welcome e-mail ---


def test_the_welcome_email_is_sent_once_after_commit(premium, django_capture_on_commit_callbacks):
    """Acceptance schedules the welcome for after the commit; it goes once, and a retried
    task sends nothing more."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application = enrol(premium)
    assert mail.outbox == []  # nothing inside the transaction

    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    member = Member.objects.get(pk=application.member_id)
    assert mail.outbox[0].to == [member.email]
    assert member.member_number in mail.outbox[0].body
    assert member.welcome_sent_at is not None
    assert member.events.filter(type=MemberEvent.Type.NOTICE, new_value="welcome").count() == 1

    assert tasks.send_welcome(member.pk) is False

    assert len(mail.outbox) == 1


def test_the_welcome_email_is_in_the_language_of_enrolment(
    premium, django_capture_on_commit_callbacks
):
    """Someone who enrolled in Chinese gets the welcome in Chinese, in English in English."""
    from django.utils import translation

    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        chinese = enrol(premium, person=person_data(email="zh@example.com"))
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        english = enrol(premium, person=person_data(email="en@example.com"))

    assert chinese.member.user.preferred_language == "zh-hans"
    assert english.member.user.preferred_language == "en"
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "会员编号" in bodies[chinese.member.email]
    assert "Your member number is" in bodies[english.member.email]


def test_no_welcome_for_a_referred_or_declined_application(
    premium, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrol(premium, yes=("refer",))
        enrol(premium, yes=("decline",))

    assert mail.outbox == []


def test_no_welcome_without_an_email_address(premium, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = enrol(premium, person=person_data(email=""))

    assert mail.outbox == []
    assert tasks.send_welcome(application.member_id) is False


# --- An existing member adds a coverage ---


def test_an_existing_member_adds_a_coverage_under_another_plan(
    premium, aid, django_capture_on_commit_callbacks
):
    """The same membership and member number, a second coverage, no second welcome."""
    member = enrol(premium).member

    with django_capture_on_commit_callbacks(execute=True):
        application = coverage_apply(
            member=member, plan="aid", answers=answers_for(aid), actor=member.user
        )

    assert application.status == Application.Status.ACCEPTED
    assert set(member.coverages.values_list("plan__code", flat=True)) == {"care", "aid"}
    member.refresh_from_db()
    assert member.member_number == Member.objects.get(pk=member.pk).member_number
    assert mail.outbox == []


def test_cover_under_a_plan_already_held_is_refused(premium):
    member = enrol(premium).member

    with pytest.raises(InvalidInput) as caught:
        coverage_apply(
            member=member,
            plan="care",
            answers=answers_for(premium),
            payment_frequency="monthly",
            actor=member.user,
        )

    assert "already covered" in caught.value.fields["plan"][0]
    assert Application.objects.count() == 1


def test_a_second_application_while_one_is_reviewed_is_refused(premium, aid):
    member = enrol(premium).member
    coverage_apply(member=member, plan="aid", answers=answers_for(aid, yes=("refer",)))

    with pytest.raises(InvalidInput) as caught:
        coverage_apply(member=member, plan="aid", answers=answers_for(aid))

    assert "being reviewed" in caught.value.fields["plan"][0]


def test_coverage_apply_checks_the_declaration_and_the_plan(premium, aid):
    member = enrol(premium).member

    with pytest.raises(InvalidInput) as caught:
        coverage_apply(member=member, plan="aid", answers={})
    assert set(caught.value.fields) == {f"answers.{i}" for i in question_ids(aid).values()}

    with pytest.raises(InvalidInput) as caught:
        coverage_apply(member=member, plan="nope", answers={})
    assert set(caught.value.fields) == {"plan"}


def test_only_an_active_member_adds_a_coverage(premium, aid):
    applicant = enrol(premium, yes=("refer",)).member

    with pytest.raises(NotAllowed):
        coverage_apply(member=applicant, plan="aid", answers=answers_for(aid))


# --- The underwriters' decisions ---


@pytest.mark.parametrize("decide", [application_accept, application_decline])
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_needs_a_reason(premium, underwriter, decide, reason):
    application = enrol(premium, yes=("refer",))

    with pytest.raises(InvalidInput) as caught:
        decide(application=application, actor=underwriter, reason=reason)

    assert set(caught.value.fields) == {"reason"}
    application.refresh_from_db()
    assert application.status == Application.Status.REFERRED


def test_accepting_a_referred_application_makes_the_member(
    premium, underwriter, django_capture_on_commit_callbacks
):
    """The applicant becomes active with a member number, cover from today, the first
    premium, the underwriter's reason kept; the welcome goes after commit."""
    application = enrol(premium, yes=("refer",))

    with django_capture_on_commit_callbacks(execute=True):
        decided = application_accept(
            application=application.pk, actor=underwriter, reason="Discharged, fully recovered."
        )

    assert decided.status == Application.Status.ACCEPTED
    assert decided.decided_by == underwriter
    assert decided.decided_at is not None
    assert decided.reasons[-1] == "Discharged, fully recovered."
    member = Member.objects.get(pk=application.member_id)
    assert member.status == Member.Status.ACTIVE
    assert MEMBER_NUMBER.match(member.member_number)
    assert member.coverages.get().start_date == timezone.localdate()
    assert member.dues.count() == 1
    assert len(mail.outbox) == 1
    assert member.events.filter(type=MemberEvent.Type.ACCEPTED, actor=underwriter).exists()


def test_declining_a_referred_application_declines_the_applicant(premium, underwriter):
    application = enrol(premium, yes=("refer",))

    decided = application_decline(
        application=application, actor=underwriter, reason="Treatment still going on."
    )

    assert decided.status == Application.Status.DECLINED
    assert decided.reasons[-1] == "Treatment still going on."
    member = Member.objects.get(pk=application.member_id)
    assert member.status == Member.Status.DECLINED
    assert not member.coverages.exists()


@pytest.mark.parametrize("first", [application_accept, application_decline])
@pytest.mark.parametrize("second", [application_accept, application_decline])
def test_a_decided_application_cannot_be_decided_again(premium, underwriter, first, second):
    application = enrol(premium, yes=("refer",))
    first(application=application, actor=underwriter, reason="First decision.")
    before = counts()

    with pytest.raises(TransitionNotAllowed):
        second(application=application, actor=underwriter, reason="Second decision.")

    assert counts() == before


def test_an_automatically_decided_application_cannot_be_decided_by_staff(premium, underwriter):
    application = enrol(premium)

    with pytest.raises(TransitionNotAllowed):
        application_decline(application=application, actor=underwriter, reason="Changed mind.")


@pytest.mark.parametrize("leave", ["withdraw", "suspend"])
def test_an_application_of_a_member_no_longer_active_cannot_be_accepted(
    premium, aid, underwriter, leave
):
    """Cover is not opened for a membership that was withdrawn or suspended while its
    application waited; it can still be declined."""
    from members.services.lifecycle import member_suspend, member_withdraw_request

    member = enrol(aid).member
    application = coverage_apply(
        member=member,
        plan="care",
        answers=answers_for(premium, yes=("refer",)),
        payment_frequency="monthly",
    )
    if leave == "withdraw":
        member_withdraw_request(member=member)
    else:
        member_suspend(member=member, reason="Arrears.")
    before = counts()

    with pytest.raises(TransitionNotAllowed):
        application_accept(application=application, actor=underwriter, reason="Fine.")

    assert counts() == before
    assert not member.coverages.filter(plan__code="care").exists()
    declined = application_decline(application=application, actor=underwriter, reason="Left.")
    assert declined.status == Application.Status.DECLINED
