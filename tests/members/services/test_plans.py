"""members.services.plans: what stops a version from being published."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from members.services.plans import plan_version_check, plan_version_publish
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.selectors import society_get
from tests.members.factories import premium_plan_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_amounts_over_the_largest_single_amount_stop_publication():
    """A draft whose benefit, premium or threshold is over the society's largest single
    amount (a limit lowered after the draft was typed) is not published; each amount is
    named with its band and field."""
    draft = premium_plan_make(code="life", publish=False)
    society = society_get()
    society.max_single_amount = Decimal("60000.00")
    society.save()

    problems = plan_version_check(draft)

    # Bands: 18–40 for 100,000.00, 41–65 for 50,000.00; threshold 50,000.00.
    assert [p for p in problems if "largest single amount" in p] == [
        "Age band 18–40, benefit (sum assured): 100,000.00 is over 60,000.00, the largest "
        "single amount the society accepts; check the amount, or ask an administrator to "
        "raise the limit."
    ]
    with pytest.raises(InvalidInput) as error:
        plan_version_publish(version=draft, actor=None)
    assert "benefit (sum assured)" in error.value.message


def test_amounts_within_the_limit_do_not_stop_publication():
    draft = premium_plan_make(code="life", publish=False)

    assert plan_version_check(draft) == []
