"""Leaving and coming back; one membership per person whatever the document type."""

from __future__ import annotations

import pytest

from members.models import Application, Member
from members.services.enrolment import coverage_apply
from members.services.lifecycle import member_withdraw_request
from mutualsociety.common.exceptions import InvalidInput
from tests.members.factories import answers_for, enrol, person_data

pytestmark = pytest.mark.django_db


def test_a_member_who_withdrew_applies_again_with_the_same_membership(aid):
    """Withdrawn → applicant → active: the same member number, a new coverage and a new
    waiting period; the pending withdrawal date is cleared."""
    first = enrol(aid)
    member = member_withdraw_request(member=first.member_id, reason="moving abroad")
    assert member.status == Member.Status.WITHDRAWN
    number = member.member_number

    again = coverage_apply(
        member=member, plan=aid.plan.code, answers=answers_for(aid), actor=member.user
    )

    member.refresh_from_db()
    assert again.status == Application.Status.ACCEPTED
    assert member.status == Member.Status.ACTIVE
    assert member.member_number == number
    assert member.withdrawal_effective_on is None
    assert member.coverages.filter(status="in_force").count() == 1
    assert member.coverages.count() == 2


def test_enrolling_again_after_withdrawal_points_to_the_existing_login(aid):
    """The same person enrolling anew is told to sign in with the login they have."""
    person = person_data()
    first = enrol(aid, person=person)
    member_withdraw_request(member=first.member_id)

    with pytest.raises(InvalidInput) as caught:
        enrol(
            aid, person=person_data(id_number=person.id_number, date_of_birth=person.date_of_birth)
        )

    assert "username" in caught.value.fields
    assert Member.objects.filter(id_number=person.id_number).count() == 1


def test_a_resident_number_under_another_document_type_is_refused(aid):
    """One person, one membership: the resident number cannot come back as a passport."""
    person = person_data()
    enrol(aid, person=person)

    with pytest.raises(InvalidInput) as caught:
        enrol(
            aid,
            person=person_data(
                id_type=Member.IdType.PASSPORT,
                id_number=person.id_number,
                date_of_birth=person.date_of_birth,
            ),
        )

    assert set(caught.value.fields) == {"id_type"}
    assert Member.objects.filter(id_number=person.id_number).count() == 1


def test_a_real_passport_number_is_accepted(aid):
    application = enrol(
        aid, person=person_data(id_type=Member.IdType.PASSPORT, id_number="E12345678")
    )

    assert application.status == Application.Status.ACCEPTED
