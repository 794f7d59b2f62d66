"""privacy.services.requests: requests with a deadline as data, handled by staff through
the transition table; deletion refused where the law requires records to be kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from members.models import Member, MemberEvent, Notification, NotificationPreference
from mutualsociety.common.exceptions import (
    IdempotencyConflict,
    InvalidInput,
    TransitionNotAllowed,
)
from privacy.models import PrivacyRequest, PrivacySettings, RetentionRule
from privacy.selectors import request_outcome_lines
from privacy.services.requests import (
    privacy_request_complete,
    privacy_request_refuse,
    privacy_request_start,
    privacy_request_submit,
)

pytestmark = pytest.mark.django_db
S = PrivacyRequest.Status


def deletion(member, items, key="k1", **extra) -> PrivacyRequest:
    return privacy_request_submit(
        member=member, actor=member.user, kind="deletion", key=key, items=items, **extra
    )


def correction(member, field, value, key="c1") -> PrivacyRequest:
    return privacy_request_submit(
        member=member, actor=member.user, kind="correction", key=key, field=field, value=value
    )


def test_a_request_is_due_in_the_configured_number_of_days(alice):
    """15 days by default; staff set 10 and the next request is due in 10."""
    first = deletion(alice, ["phone"])
    PrivacySettings.objects.filter(pk=1).update(response_days=10)
    second = deletion(alice, ["email"], key="k2")

    today = timezone.localdate()
    assert first.due_on == today + dt.timedelta(days=15)
    assert second.due_on == today + dt.timedelta(days=10)
    assert first.status == S.RECEIVED
    assert Notification.objects.filter(member=alice, key=f"privacy.request:{first.pk}:received")


def test_the_same_form_sent_twice_is_one_request(alice):
    first = deletion(alice, ["phone"])
    again = deletion(alice, ["phone"])

    assert again.pk == first.pk
    assert PrivacyRequest.objects.filter(member=alice).count() == 1
    assert first.events.count() == 1
    with pytest.raises(IdempotencyConflict):
        deletion(alice, ["email"])


def test_a_request_names_the_field_it_lacks(alice):
    with pytest.raises(InvalidInput) as refused:
        privacy_request_submit(
            member=alice, actor=alice.user, kind="correction", key="x", field="", value=""
        )
    assert set(refused.value.fields) == {"field", "value"}
    with pytest.raises(InvalidInput) as refused:
        deletion(alice, [])
    assert set(refused.value.fields) == {"items"}


def test_a_correction_of_a_contact_detail_is_applied(alice, officer):
    request = correction(alice, "email", "new.address@example.com")
    privacy_request_start(request=request, actor=officer)

    done = privacy_request_complete(request=request, actor=officer, decision="Checked.")

    alice.refresh_from_db()
    assert alice.email == "new.address@example.com"
    assert done.status == S.DONE
    assert done.handler == officer and done.closed_at is not None
    assert request_outcome_lines(done) == ["E-mail corrected to: new.address@example.com."]
    assert Notification.objects.filter(key=f"privacy.request:{done.pk}:closed").exists()


def test_a_correction_of_the_name_is_applied_by_staff(alice, officer):
    request = correction(alice, "legal_name", "赵爱莉")
    privacy_request_complete(request=request, actor=officer)

    alice.refresh_from_db()
    assert alice.legal_name == "赵爱莉"
    assert MemberEvent.objects.filter(member=alice, data__field="legal_name").exists()


def test_a_correction_the_identity_number_contradicts_is_refused_and_nothing_changes(
    alice, officer
):
    request = correction(alice, "date_of_birth", "1950-01-01")

    with pytest.raises(InvalidInput, match="identity number on file"):
        privacy_request_complete(request=request, actor=officer)

    request.refresh_from_db()
    assert request.status == S.RECEIVED
    assert Member.objects.get(pk=alice.pk).date_of_birth != dt.date(1950, 1, 1)


def test_deletion_of_kept_records_is_refused_with_the_law_and_the_years(alice, officer):
    """Phone and notifications are deleted; claims and payments are kept, and the member
    is told under which law and for how long."""
    NotificationPreference.objects.create(member=alice, topic="claims", email=True, sms=True)
    request = deletion(alice, ["phone", "notifications", "claims", "payments"])
    Notification.objects.filter(member=alice).update(email_state="sent", sms_state="off")
    before = list(Notification.objects.filter(member=alice).values_list("pk", flat=True))

    done = privacy_request_complete(request=request, actor=officer)

    alice.refresh_from_db()
    assert done.status == S.PARTLY_REFUSED
    assert alice.phone == "" and alice.user.phone == ""
    assert not NotificationPreference.objects.filter(member=alice).exists()
    assert len(before) >= 2  # the welcome and the receipt of the request
    assert not Notification.objects.filter(pk__in=before).exclude(body="").exists()
    assert Notification.objects.filter(pk__in=before).exclude(subject="").count() == len(before)
    assert alice.claims.count() == 1 and alice.payments.count() == 1
    lines = request_outcome_lines(done)
    assert "My mobile phone number: deleted." in lines
    insurance = RetentionRule.objects.get(category="insurance")
    accounting = RetentionRule.objects.get(category="accounting")
    claims_line = next(line for line in lines if line.startswith("My claims"))
    assert insurance.legal_basis_en in claims_line and "10 years" in claims_line
    payments_line = next(line for line in lines if line.startswith("My contributions"))
    assert accounting.legal_basis_en in payments_line and "30 years" in payments_line


def test_a_deletion_of_kept_records_only_is_refused(alice, officer):
    done = privacy_request_complete(request=deletion(alice, ["membership"]), actor=officer)

    assert done.status == S.REFUSED


def test_the_reason_follows_the_rule_as_staff_set_it(alice, officer):
    RetentionRule.objects.filter(category="accounting").update(years=35)
    done = privacy_request_complete(request=deletion(alice, ["payments"]), actor=officer)

    assert "35 years" in request_outcome_lines(done)[0]


def test_an_answered_request_cannot_be_answered_again(alice, officer):
    request = deletion(alice, ["phone"])
    privacy_request_complete(request=request, actor=officer)

    with pytest.raises(TransitionNotAllowed):
        privacy_request_complete(request=request, actor=officer)
    with pytest.raises(TransitionNotAllowed):
        privacy_request_start(request=request, actor=officer)


def test_a_refusal_needs_a_reason_and_is_recorded(alice, officer):
    request = correction(alice, "address", "somewhere")
    with pytest.raises(InvalidInput):
        privacy_request_refuse(request=request, actor=officer, reason=" ")

    refused = privacy_request_refuse(request=request, actor=officer, reason="Not yours.")

    assert refused.status == S.REFUSED and refused.decision == "Not yours."
    assert refused.events.filter(type="status", new_value="refused", actor=officer).exists()


def test_the_member_is_told_at_each_step_once(alice, officer):
    request = deletion(alice, ["phone"])
    deletion(alice, ["phone"])  # the double click
    privacy_request_start(request=request, actor=officer)
    privacy_request_start(request=request, actor=officer)  # taken up twice by the same person
    privacy_request_complete(request=request, actor=officer)

    keys = list(
        Notification.objects.filter(member=alice, key__startswith="privacy.")
        .order_by("pk")
        .values_list("key", flat=True)
    )
    assert keys == [
        f"privacy.request:{request.pk}:received",
        f"privacy.request:{request.pk}:in_progress",
        f"privacy.request:{request.pk}:closed",
    ]
    closed = Notification.objects.get(key=f"privacy.request:{request.pk}:closed")
    assert closed.topic == "membership"
    assert "My mobile phone number: deleted." in closed.body


def test_only_a_handler_takes_up_carries_out_or_refuses_a_request(alice, make_user):
    """Carrying out a correction changes a member's identity: a staff person without the
    permission is refused at every step and nothing changes."""
    from mutualsociety.common.exceptions import NotAllowed
    from privacy.services.requests import (
        privacy_request_complete,
        privacy_request_refuse,
        privacy_request_start,
    )

    outsider = make_user("outsider", roles=("claims_handler",), is_staff=True)
    request = correction(alice, "legal_name", "赵艾莉")
    before = (request.status, request.handler_id)
    for call in (
        lambda: privacy_request_start(request=request, actor=outsider),
        lambda: privacy_request_complete(request=request, actor=outsider),
        lambda: privacy_request_refuse(request=request, actor=outsider, reason="no"),
    ):
        with pytest.raises(NotAllowed):
            call()
    request.refresh_from_db()
    assert (request.status, request.handler_id) == before
