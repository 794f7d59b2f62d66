"""What PostgreSQL itself refuses of assessments, beside the services' own checks."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from solvency.models import SolvencyAssessment
from solvency.services import assessment_approve, assessment_compute
from tests.solvency.factories import VALUATION, books, holding

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_database_keeps_one_approved_version_per_date_and_four_eyes(actuary, actuary2):
    """Two approved versions of one date, or an approval by the person who computed it,
    are refused by the database's constraints even when a service is bypassed."""
    books()
    v1 = assessment_approve(
        assessment=assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary),
        actor=actuary2,
    )
    holding()
    v2 = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    with pytest.raises(IntegrityError), transaction.atomic():
        SolvencyAssessment.objects.filter(pk=v2.pk).update(
            state="approved", approved_by=actuary2, approved_at=v1.approved_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SolvencyAssessment.objects.filter(pk=v1.pk).update(approved_by=actuary)
