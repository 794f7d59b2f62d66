"""Two changes of one member's beneficiaries at the same moment (PostgreSQL): the member's
row lock lets one through; the other, based on the version it replaced, is refused with
a message, and the history has no gap and no overlap. The database refuses shares that
do not add up, at the commit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from members.models import Beneficiary, Designation
from members.services.beneficiaries import BeneficiaryData, designation_change
from mutualsociety.common.exceptions import IdempotencyConflict
from tests.helpers import run_at_once
from tests.members.factories import birth_date, resident_id

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chart_of_accounts"),
]


def _row(name: str) -> BeneficiaryData:
    return BeneficiaryData(name, "child", "resident_id", resident_id(birth_date(10)), "100.00")


def test_two_simultaneous_changes_one_wins_the_other_is_told(member):
    rows = [[_row("甲")], [_row("乙")]]

    results, errors = run_at_once(
        lambda n: designation_change(
            member=member.pk, actor=None, beneficiaries=rows[n], based_on=0
        ),
        threads=2,
    )

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], IdempotencyConflict)
    assert "changed meanwhile" in str(errors[0])
    assert list(Designation.objects.filter(member=member).values_list("version", flat=True)) == [1]


def test_the_database_refuses_shares_that_do_not_add_up(member):
    designation = designation_change(
        member=member, actor=None, beneficiaries=[_row("甲")], based_on=0
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Beneficiary.objects.filter(designation=designation).update(share=Decimal("99.99"))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
