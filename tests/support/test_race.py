"""Two requests with the same submission key at once (PostgreSQL): one complaint."""

from __future__ import annotations

import pytest

from support.models import Complaint, ComplaintEvent
from support.services import ComplaintData, complaint_file
from tests.claims.factories import covered_member
from tests.helpers import run_at_once
from tests.members.factories import mutual_aid_plan_make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_submission_sent_together_files_one_complaint(settings, tmp_path):
    settings.CLAIM_DOCUMENTS_ROOT = tmp_path
    member = covered_member(mutual_aid_plan_make())
    data = ComplaintData(category="service", description="Sent twice at once.")

    results, errors = run_at_once(
        lambda _n: complaint_file(member=member, data=data, submission_key="race-1"), threads=8
    )

    assert errors == []
    assert len({filed.complaint.pk for filed in results}) == 1
    assert sorted(filed.created for filed in results) == [False] * 7 + [True]
    assert Complaint.objects.count() == 1
    assert ComplaintEvent.objects.count() == 1
