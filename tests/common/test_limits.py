"""The society's largest single amount and the window of dates for money
(mutualsociety.common.services.amount_ceiling_check / date_window_check)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import Society
from mutualsociety.common.selectors import current_period_end, earliest_accepted_date, society_get
from mutualsociety.common.services import amount_ceiling_check, date_window_check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_default_is_one_billion_and_a_general_societys_fund_passes():
    """Default 1,000,000,000.00: the minimum initial operating fund of a general society
    (100 M CNY) passes as one amount, and so does ten times that; a cent more does not."""
    assert society_get().max_single_amount == Decimal("1000000000.00")

    assert amount_ceiling_check(Decimal("100000000.00"), field="amount") == Decimal("1E+8")
    assert amount_ceiling_check(Decimal("1000000000.00"), field="amount")
    with pytest.raises(InvalidInput) as error:
        amount_ceiling_check(Decimal("1000000000.01"), field="amount")

    assert error.value.fields == {
        "amount": [
            "1,000,000,000.01 is over 1,000,000,000.00, the largest single amount the "
            "society accepts; check the amount, or ask an administrator to raise the limit."
        ]
    }


def test_a_line_of_an_entry_is_named_in_the_message():
    with pytest.raises(InvalidInput) as error:
        amount_ceiling_check(Decimal("9999999999999999.99"), field="lines", line=2)

    assert error.value.message.startswith("Line 2: 9,999,999,999,999,999.99 is over")
    assert set(error.value.fields) == {"lines"}


def test_the_limit_is_a_parameter_staff_change():
    society = society_get()
    society.max_single_amount = Decimal("50.00")
    society.save()

    with pytest.raises(InvalidInput):
        amount_ceiling_check(Decimal("50.01"), field="amount")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("0.00", False),
        ("0.01", True),
        ("9999999999999.99", True),
        ("10000000000000.00", False),
    ],
)
def test_the_limit_itself_is_validated(value, valid):
    """The limit is between a cent and 9,999,999,999,999.99, the largest amount every
    supported database stores exactly; the admin refuses others on the field."""
    society = society_get()
    society.max_single_amount = Decimal(value)

    if valid:
        society.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            society.full_clean()
        assert set(error.value.message_dict) == {"max_single_amount"}


def test_the_database_refuses_a_limit_out_of_range():
    with pytest.raises(IntegrityError), transaction.atomic():
        Society.objects.filter(pk=1).update(max_single_amount=Decimal("0.00"))


# --- Dates ---------------------------------------------------------------------------------

LATEST = dt.date(2026, 12, 31)


def check(value: dt.date) -> dt.date:
    return date_window_check(value, field="date", latest=LATEST, too_late="Too late.")


def test_without_a_founding_date_the_floor_is_2000():
    assert earliest_accepted_date() == dt.date(2000, 1, 1)
    assert check(dt.date(2000, 1, 1)) == dt.date(2000, 1, 1)

    with pytest.raises(InvalidInput) as error:
        check(dt.date(1, 1, 1))

    assert error.value.fields == {
        "date": [
            "0001-01-01 is before 2000-01-01, the earliest date accepted; check the year "
            "(once the society's founding date is filled in, it is the limit)."
        ]
    }


def test_the_founding_date_is_the_floor_once_filled_in():
    society = society_get()
    society.founded_on = dt.date(2024, 3, 18)
    society.save()

    assert check(dt.date(2024, 3, 18))
    with pytest.raises(InvalidInput) as error:
        check(dt.date(2024, 3, 17))

    assert error.value.message == (
        "2024-03-17 is before 2024-03-18, when the society was founded; check the year."
    )


def test_after_the_latest_date_the_callers_message_is_given():
    assert check(LATEST) == LATEST
    with pytest.raises(InvalidInput) as error:
        check(dt.date(9999, 12, 31))

    assert error.value.fields == {"date": ["Too late."]}


@pytest.mark.parametrize(
    ("today", "end"),
    [
        (dt.date(2026, 12, 4), dt.date(2026, 12, 31)),
        (dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        (dt.date(2027, 2, 28), dt.date(2027, 2, 28)),
    ],
)
def test_the_current_period_is_the_calendar_month(today, end):
    assert current_period_end(today) == end


# --- The admin -----------------------------------------------------------------------------


def society_form_data(client, **changes) -> dict:
    page = client.get("/admin/common/society/1/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1E9", "Enter the amount with the digits 0–9"),
        ("0.00", "Ensure this value is greater than or equal to 0.01."),
        ("10000000000000.00", "less than or equal to 9999999999999.99"),
    ],
)
def test_staff_set_the_limit_in_the_admin_and_bad_values_are_refused(
    client, admin_user, value, message
):
    client.force_login(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    refused = client.post(
        "/admin/common/society/1/change/", society_form_data(client, max_single_amount=value)
    )
    saved = client.post(
        "/admin/common/society/1/change/",
        society_form_data(
            client, max_single_amount="250000000", change_reason="Board resolution 2026-7."
        ),
    )

    assert refused.status_code == 200
    assert message in refused.content.decode()
    assert saved.status_code == 302
    assert society_get().max_single_amount == Decimal("250000000.00")
