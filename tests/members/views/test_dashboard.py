"""/me/: the membership at a glance, for the signed-in member only, in a number of queries
that does not grow with the member's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from members.models import Coverage, Member
from members.services.contributions import coverage_bill
from members.services.lifecycle import member_suspend, member_withdraw_request
from tests.members.factories import enrol, member_make, pay

pytestmark = pytest.mark.django_db


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in (
        "/me/",
        "/me/profile/",
        "/me/statement/",
        "/me/withdraw/",
        "/me/certificate.pdf",
        "/me/coverages/add/",
        "/me/application/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=/me/"), url


def test_a_login_without_membership_is_pointed_to_enrolment(client, plain_user):
    client.force_login(plain_user)

    response = client.get("/me/")

    assert response.status_code == 200
    assert "this login has no membership" in response.content.decode()
    assert 'href="/join/"' in response.content.decode()
    for url in ("/me/profile/", "/me/statement/", "/me/withdraw/", "/me/certificate.pdf"):
        assert client.get(url)["Location"] == "/me/", url


def test_the_dashboard_shows_status_cover_waiting_period_and_what_is_due(member_client, member):
    coverage = Coverage.objects.get(member=member)

    response = member_client.get("/me/")

    assert response.status_code == 200
    text = response.content.decode()
    assert member.member_number in text
    assert "Active" in text
    assert coverage.plan.display_name in text
    assert "Version 1" in text
    assert "100,000.00" in text
    assert "90 days left in the waiting period" in text
    assert "Accidents are covered from the start date" in text
    # The first premium: what to pay, by when, and how.
    assert "Pay 30.00 CNY by" in text
    assert f"write your member number <strong>{member.member_number}</strong>" in text
    assert "/me/certificate.pdf" in text


def test_cover_for_illness_has_started_after_the_waiting_period(member_client, member):
    Coverage.objects.filter(member=member).update(
        start_date=timezone.localdate() - dt.timedelta(days=100),
        waiting_period_end=timezone.localdate() - dt.timedelta(days=10),
    )

    text = member_client.get("/me/").content.decode()

    assert "cover for illness has started" in text
    assert "days left in the waiting period" not in text


def test_a_suspended_member_is_told_what_is_overdue_and_that_paying_reinstates(
    member_client, member
):
    member_suspend(member=member, reason="A contribution is unpaid after the grace period.")

    text = member_client.get("/me/").content.decode()

    assert "Your membership is suspended" in text
    assert "Pay what is overdue and your membership is reinstated automatically" in text
    member.refresh_from_db()
    assert "lapses" in text


def test_a_pending_withdrawal_shows_its_effective_date(member_client, member):
    pay(member, "30.00")  # the first month is paid: the withdrawal waits for its end
    member = member_withdraw_request(member=member, reason="")
    assert member.status == Member.Status.ACTIVE

    text = member_client.get("/me/").content.decode()

    assert "You asked to withdraw" in text
    assert "Your membership and your cover end on" in text
    assert "Withdraw from the society" not in text


def test_a_referred_applicant_sees_the_pending_application(client, premium):
    application = enrol(premium, yes=("refer",))
    client.force_login(application.member.user)

    text = client.get("/me/").content.decode()

    assert "Your application is with an underwriter" in text
    assert "is with an underwriter. Nothing to do" in text


def test_a_member_sees_only_their_own_membership(client, member, premium):
    """No URL carries an id: every page reads the signed-in person's membership."""
    other = member_make(premium)
    pay(other, "45.00")
    client.force_login(member.user)

    for url in ("/me/", "/me/statement/", "/me/profile/", "/me/withdraw/"):
        text = client.get(url).content.decode()
        assert other.member_number not in text, url
        assert other.masked_id_number not in text, url
    assert member.member_number in client.get("/me/").content.decode()
    assert "45.00" not in client.get("/me/statement/").content.decode()
    # Query strings are ignored: there is no way to name another member.
    text = client.get(f"/me/?member={other.pk}&id={other.pk}").content.decode()
    assert other.member_number not in text


#: The one kind of id a portal address takes: a notification of the member's own, looked up
#: within the signed-in membership (another member's answers 404:
#: tests/members/notifications/test_views.py).
OWN_RECORD_ADDRESSES = {"notification"}


def test_no_portal_address_takes_an_id():
    resolver = get_resolver()
    patterns = [p for p in resolver.url_patterns if getattr(p, "app_name", None) == "members"][
        0
    ].url_patterns
    assert patterns
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in OWN_RECORD_ADDRESSES:
            continue
        assert not pattern.pattern.converters, pattern


def _member_with_history(premium, size: int) -> Member:
    """An active member with ``size`` premiums due and ``size`` payments."""
    member = member_make(premium)
    coverage = Coverage.objects.get(member=member)
    if size > 1:
        # Monthly premiums for the months ahead (the first was billed at enrolment).
        coverage_bill(
            coverage=coverage, until=timezone.localdate() + dt.timedelta(days=31 * (size - 1) - 5)
        )
    assert member.dues.count() == size
    for _ in range(size):
        pay(member, "7.00")
    return member


def test_the_dashboard_queries_do_not_grow_with_the_history(client, premium):
    small = _member_with_history(premium, 1)
    large = _member_with_history(premium, 30)

    counts = []
    for member in (small, large):
        client.force_login(member.user)
        client.get("/me/")  # warm the caches of the first request (content types, society)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/me/")
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    assert counts[1] <= 13  # 12, and the unread notifications badge in the navigation


def test_the_dashboard_query_count_is_fixed(client, premium, django_assert_max_num_queries):
    member = _member_with_history(premium, 30)
    client.force_login(member.user)

    with django_assert_max_num_queries(13):  # 12, and the unread notifications badge
        response = client.get("/me/")

    assert len(response.context["dashboard"].open_dues) == 12


def test_the_dashboard_shows_payments_credit_and_recent_history(member_client, member):
    pay(member, "50.00")

    response = member_client.get("/me/")

    dashboard = response.context["dashboard"]
    assert (dashboard.amount_due, dashboard.total_paid, dashboard.advance) == (0, 50, 20)
    text = response.content.decode()
    assert "Paid so far" in text
    assert "50.00" in text
    assert "20.00" in text  # credit in advance
    assert "Recent history" in text
    assert "Payment recorded" in text
    assert "Applicant → Active" in text
