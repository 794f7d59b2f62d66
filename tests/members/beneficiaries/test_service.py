"""members.services.beneficiaries: a designation is a versioned whole whose shares add up
to exactly 100.00, checked with the enrolment's identity rules."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import Designation, MemberEvent
from members.selectors import designation_in_force
from members.services.beneficiaries import BeneficiaryData, designation_change
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from tests.members.factories import birth_date, resident_id

pytestmark = pytest.mark.django_db


def person(share: str, *, name: str = "王芳", relation: str = "spouse", **extra) -> BeneficiaryData:
    number = extra.pop("id_number", None) or resident_id(birth_date(35), sex="F")
    return BeneficiaryData(
        name=name,
        relation=relation,
        id_type=extra.pop("id_type", "resident_id"),
        id_number=number,
        share=share,
        **extra,
    )


def change(member, rows, based_on: int = 0, **kwargs) -> Designation:
    return designation_change(
        member=member, actor=member.user, beneficiaries=rows, based_on=based_on, **kwargs
    )


def test_a_designation_with_shares_adding_to_100_is_saved_as_version_1(member):
    """Two people with 60.00 and 40.00: version 1, in force, with an event row."""
    designation = change(
        member, [person("60.00"), person("40.00", name="张小明", relation="child")]
    )

    assert designation.version == 1
    assert designation.valid_to is None
    assert [b.share for b in designation.beneficiaries.all()] == [
        Decimal("60.00"),
        Decimal("40.00"),
    ]
    event = MemberEvent.objects.get(member=member, type=MemberEvent.Type.BENEFICIARIES)
    assert event.new_value == "1"
    assert event.data == {"beneficiaries": 2, "shares": ["60.00", "40.00"]}


def test_shares_of_99_99_are_refused_naming_the_share_field(member):
    """A cent short of 100 is refused, on the field ``share``, and nothing is written."""
    with pytest.raises(InvalidInput) as refused:
        change(member, [person("59.99"), person("40.00", name="张小明")])

    assert "share" in refused.value.fields
    assert "99.99" in refused.value.fields["share"][0]
    assert not Designation.objects.filter(member=member).exists()


def test_a_share_with_three_decimals_or_zero_is_refused_on_its_row(member):
    with pytest.raises(InvalidInput) as refused:
        change(member, [person("99.995"), person("0", name="张小明")])

    assert set(refused.value.fields) >= {"0-share", "1-share"}


def test_identity_numbers_are_checked_as_at_enrolment(member):
    """A wrong check character, and a resident number passed off as a passport, are
    refused with enrolment's messages on the row's fields."""
    good = resident_id(birth_date(35), sex="F")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as refused:
        change(
            member,
            [
                person("50.00", id_number=wrong),
                person("50.00", name="李雷", id_type="passport", id_number=good),
            ],
        )

    assert "The last character should be" in refused.value.fields["0-id_number"][0]
    assert "choose the resident identity card" in refused.value.fields["1-id_type"][0]


def test_the_member_cannot_name_themself(member):
    with pytest.raises(InvalidInput) as refused:
        change(member, [person("100.00", id_number=member.id_number)])

    assert "yourself" in refused.value.fields["0-id_number"][0]


def test_a_change_closes_the_old_version_and_the_past_stays_readable(member):
    """Version 1 on a past day, version 2 today: the selector answers each day with the
    version that stood at its end."""
    first = change(member, [person("100.00", name="王芳")])
    past = timezone.now() - dt.timedelta(days=30)
    Designation.objects.filter(pk=first.pk).update(valid_from=past)

    second = change(member, [person("100.00", name="李雷", relation="sibling")], based_on=1)

    first.refresh_from_db()
    assert first.valid_to == second.valid_from
    assert second.version == 2
    ten_days_ago = timezone.localdate() - dt.timedelta(days=10)
    assert designation_in_force(member, ten_days_ago).pk == first.pk
    assert designation_in_force(member, timezone.localdate()).pk == second.pk
    assert designation_in_force(member, past.date() - dt.timedelta(days=1)) is None
    assert [b.name for b in first.beneficiaries.all()] == ["王芳"]  # the old rows stay


def test_a_change_based_on_an_old_version_is_refused_with_a_message(member):
    change(member, [person("100.00", name="王芳")])
    change(member, [person("100.00", name="李雷")], based_on=1)

    with pytest.raises(IdempotencyConflict, match="changed meanwhile"):
        change(member, [person("100.00", name="韩梅梅")], based_on=1)

    assert Designation.objects.filter(member=member).count() == 2


def test_sending_the_same_change_twice_has_one_effect(member):
    """A double click: the second submission (based on the version the first replaced)
    asks for what is now in force, and changes nothing."""
    rows = [person("100.00", name="王芳")]
    first = change(member, rows)
    again = change(member, [person("100.00", name="王芳", id_number=rows[0].id_number)])

    assert again.pk == first.pk
    assert Designation.objects.filter(member=member).count() == 1
    assert MemberEvent.objects.filter(member=member, type="beneficiaries").count() == 1


def test_an_empty_number_keeps_the_number_on_file(member):
    first = change(member, [person("100.00", name="王芳")])
    kept = first.beneficiaries.get()

    same = BeneficiaryData("王芳", "spouse", "resident_id", "", "100.00", keep=kept.pk)
    assert change(member, [same], based_on=1).pk == first.pk  # the same person and share

    renamed = BeneficiaryData("王芳芳", "spouse", "resident_id", "", "100.00", keep=kept.pk)
    second = change(member, [renamed], based_on=1)

    assert second.version == 2
    assert second.beneficiaries.get().id_number == kept.id_number


def test_naming_no_one_is_a_new_version_without_beneficiaries(member):
    change(member, [person("100.00")])
    revoked = change(member, [], based_on=1)

    assert revoked.version == 2
    assert revoked.beneficiaries.count() == 0


def test_identity_numbers_are_masked_and_never_logged(member, caplog):
    caplog.set_level(logging.DEBUG)
    row = person("100.00")
    designation = change(member, [row])
    beneficiary = designation.beneficiaries.get()

    assert beneficiary.masked_id_number == "*" * 14 + row.id_number[-4:]
    assert row.id_number not in caplog.text
    event = MemberEvent.objects.get(member=member, type="beneficiaries")
    assert row.id_number not in str(event.data) + event.reason + event.new_value
