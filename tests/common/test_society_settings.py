"""Who changes the society's settings: the particulars (the board secretary), the bank
account members pay into (finance, maker-checker), the security switch (the administrator).
Every protected change leaves an event row and an entry in the admin's history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.roles import ROLE_BY_SLUG, ROLES
from members.providers import BankTransferProvider
from mutualsociety.common import services
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed
from mutualsociety.common.models import BankAccountChange, Society, SocietyEvent
from tests.accounts.factories import enrol, next_token
from tests.members.factories import member_make

pytestmark = pytest.mark.django_db

CHANGE = reverse("admin:common_society_change", args=[1])
HISTORY = reverse("admin:common_society_history", args=[1])
CHANGES = reverse("admin:common_bankaccountchange_changelist")

OLD = {
    "bank_name": "ICBC Pudong",
    "bank_account_name": "Tongzhou Mutual",
    "bank_account_number": "1001 2345 6789",
}
NEW = {
    "bank_name": "Bank of China Minhang",
    "bank_account_name": "Tongzhou Mutual",
    "bank_account_number": "6222 0000 1111 2222",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def society():
    Society.objects.filter(pk=1).update(name="Tongzhou", **OLD)
    return Society.objects.get(pk=1)


@pytest.fixture
def secretary(make_user):
    return make_user("secretary", roles=("board_secretary",), is_staff=True)


@pytest.fixture
def maker(make_user):
    return make_user("maker", roles=("finance",), is_staff=True)


@pytest.fixture
def checker(make_user):
    return make_user("checker", roles=("finance",), is_staff=True)


@pytest.fixture
def administrator(make_user):
    return make_user("administrator", roles=("administrator",), is_staff=True)


def form_data(client, **changes) -> dict:
    """The society form as the admin shows it to the signed-in person, with ``changes``."""
    form = client.get(CHANGE).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


def save_form(client, **changes):
    return client.post(CHANGE, form_data(client, **changes), follow=True)


def editable(client) -> set[str]:
    return set(client.get(CHANGE).context["adminform"].form.fields)


def bank(society: Society | None = None) -> dict:
    society = society or Society.objects.get(pk=1)
    return {name: getattr(society, name) for name in Society.PAYMENT_FIELDS}


def propose(actor, **overrides) -> BankAccountChange:
    return services.society_bank_account_propose(
        actor=actor, reason="The society moved its account to BOC.", **{**NEW, **overrides}
    )


def history() -> list[str]:
    return [
        entry.get_change_message()
        for entry in LogEntry.objects.filter(object_id="1").order_by("action_time", "id")
    ]


# --- The board secretary ---------------------------------------------------------------


def test_the_secretary_sees_the_bank_account_and_security_read_only(client, secretary):
    """The secretary's form has the particulars but not the protected fields."""
    client.force_login(secretary)

    fields = editable(client)

    assert {"name", "contact_email", "introduction"} <= fields
    assert not fields & {*Society.PAYMENT_FIELDS, "require_staff_two_factor", "change_reason"}


def test_the_secretary_cannot_change_the_bank_account_or_switch_two_factor_off(
    client, secretary, password
):
    """The defect as reported: posting the whole form with another account number and the
    two-factor switch off changes only the particulars."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    device = enrol(secretary)
    client.post(
        "/accounts/login/",
        {"username": "secretary", "password": password, "otp_token": next_token(device)},
    )
    data = form_data(client, name="Tongzhou Mutual")
    data.update({**NEW})
    data.pop("require_staff_two_factor", None)

    response = client.post(CHANGE, data, follow=True)

    society = Society.objects.get(pk=1)
    assert response.status_code == 200
    assert society.name == "Tongzhou Mutual"
    assert bank(society) == OLD
    assert society.require_staff_two_factor is True
    assert not BankAccountChange.objects.exists()
    assert not SocietyEvent.objects.exists()


def test_the_particulars_service_refuses_protected_fields(secretary):
    """society_update never changes the bank account, whoever calls it."""
    with pytest.raises(NotAllowed) as refused:
        services.society_update(actor=secretary, changes={"name": "X", **NEW})

    assert set(refused.value.fields) == set(Society.PAYMENT_FIELDS)
    assert Society.objects.get(pk=1).name == "Tongzhou"


def test_the_secretary_still_keeps_the_particulars(client, secretary):
    """Name and contact change as before, and show in the admin's history."""
    client.force_login(secretary)

    save_form(client, name="同舟相互保险社", contact_phone="400-800-1234")

    society = Society.objects.get(pk=1)
    assert (society.name, society.contact_phone) == ("同舟相互保险社", "400-800-1234")
    assert history() == ["Changed Name (Chinese) and Contact phone."]


# --- The bank account: maker-checker ----------------------------------------------------


def test_finance_proposes_on_the_form_and_members_keep_the_old_account(client, maker):
    """Finance edits the account on the society form; that is only a proposal with the
    old and new values, the reason and the proposer; members are still told the old one."""
    member = member_make()
    client.force_login(maker)
    assert {*Society.PAYMENT_FIELDS, "change_reason"} <= editable(client)
    assert "name" not in editable(client)

    response = save_form(client, change_reason="Moved to BOC.", **NEW)

    change = BankAccountChange.objects.get()
    assert response.status_code == 200
    assert (change.status, change.proposed_by, change.reason) == ("pending", maker, "Moved to BOC.")
    assert (change.old_bank_account_number, change.bank_account_number) == (
        OLD["bank_account_number"],
        NEW["bank_account_number"],
    )
    assert bank() == OLD
    lines = dict(BankTransferProvider().instructions(member=member, amount=Decimal("1")).lines)
    assert lines["Account number"] == OLD["bank_account_number"]
    event = SocietyEvent.objects.get()
    assert (event.type, event.actor, event.reason) == ("bank_proposed", maker, "Moved to BOC.")
    assert event.old_value == "ICBC Pudong / Tongzhou Mutual / 1001 2345 6789"
    assert event.new_value == "Bank of China Minhang / Tongzhou Mutual / 6222 0000 1111 2222"
    assert history() == [
        "Proposed a new bank account: ICBC Pudong / Tongzhou Mutual / 1001 2345 6789 → "
        "Bank of China Minhang / Tongzhou Mutual / 6222 0000 1111 2222. Reason: Moved to BOC."
    ]


def test_a_proposal_needs_a_reason_on_the_form(client, maker):
    """Without a reason the form says so on change_reason and nothing is proposed."""
    client.force_login(maker)

    response = client.post(CHANGE, form_data(client, **NEW))

    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    assert not BankAccountChange.objects.exists()


def test_the_proposer_cannot_approve_their_own_change(maker):
    """Four eyes: the service refuses, and so does the database."""
    change = propose(maker)

    with pytest.raises(NotAllowed) as refused:
        services.society_bank_account_approve(change=change, actor=maker)

    assert refused.value.code == "four_eyes"
    assert bank() == OLD
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.filter(pk=change.pk).update(status="approved", decided_by=maker)


def test_a_second_person_approves_and_only_then_the_account_changes(client, maker, checker):
    """The checker approves in the admin: the society's row changes, both steps are
    recorded as events and in the admin's history of the society."""
    change = propose(maker)
    client.force_login(checker)

    response = client.post(
        CHANGES, {"action": "approve", ACTION_CHECKBOX_NAME: [change.pk]}, follow=True
    )

    change.refresh_from_db()
    assert response.status_code == 200
    assert (change.status, change.decided_by) == ("approved", checker)
    assert bank() == NEW
    events = SocietyEvent.objects.order_by("at", "id").values_list("type", "actor__username")
    assert list(events) == [("bank_proposed", "maker"), ("bank_approved", "checker")]
    assert history()[-1] == (
        "Approved the new bank account proposed by maker: ICBC Pudong / Tongzhou Mutual / "
        "1001 2345 6789 → Bank of China Minhang / Tongzhou Mutual / 6222 0000 1111 2222."
    )
    page = client.get(HISTORY).content.decode()
    assert "Approved the new bank account proposed by maker" in page


def test_approving_twice_is_a_no_op_and_a_rejected_change_cannot_be_approved(
    maker, checker, make_user
):
    change = propose(maker)
    services.society_bank_account_approve(change=change, actor=checker)

    again = services.society_bank_account_approve(change=change, actor=checker)

    assert again.status == "approved"
    assert SocietyEvent.objects.filter(type="bank_approved").count() == 1
    other = propose(checker, bank_account_number="6222 9999 8888 7777")
    services.society_bank_account_reject(change=other, actor=maker, reason="Wrong branch.")
    with pytest.raises(TransitionNotAllowed):
        services.society_bank_account_approve(change=other, actor=maker)
    assert bank() == NEW


def test_a_rejected_change_leaves_the_account_and_records_why(client, maker, checker):
    """Rejecting asks for a reason on an intermediate page; the account stays."""
    change = propose(maker)
    client.force_login(checker)
    data = {"action": "reject", ACTION_CHECKBOX_NAME: [change.pk]}

    page = client.post(CHANGES, data)
    done = client.post(CHANGES, {**data, "apply": "yes", "reason": "Not our bank."}, follow=True)

    change.refresh_from_db()
    assert page.status_code == 200
    assert done.status_code == 200
    assert (change.status, change.decision_reason) == ("rejected", "Not our bank.")
    assert bank() == OLD
    event = SocietyEvent.objects.get(type="bank_rejected")
    assert (event.actor, event.reason) == (checker, "Not our bank.")


def test_the_proposer_withdraws_but_does_not_reject(maker, checker):
    change = propose(maker)

    with pytest.raises(NotAllowed):
        services.society_bank_account_reject(change=change, actor=maker, reason="Oops")
    with pytest.raises(NotAllowed):
        services.society_bank_account_withdraw(change=change, actor=checker)
    services.society_bank_account_withdraw(change=change, actor=maker)

    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("withdrawn", maker)
    assert bank() == OLD


def test_one_proposal_waits_at_a_time_and_a_replay_returns_it(maker, checker):
    first = propose(maker)

    assert propose(maker) == first
    with pytest.raises(TransitionNotAllowed):
        propose(checker, bank_account_number="6222 1234 1234 1234")
    assert BankAccountChange.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.create(**NEW, reason="x", proposed_by=checker)


def test_an_approval_is_refused_when_the_account_changed_since_the_proposal(maker, checker):
    """The "before" of the proposal must still be the society's account."""
    change = propose(maker)
    Society.objects.filter(pk=1).update(bank_account_number="9999 0000 1111")

    with pytest.raises(TransitionNotAllowed):
        services.society_bank_account_approve(change=change, actor=checker)

    assert Society.objects.get(pk=1).bank_account_number == "9999 0000 1111"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"bank_account_number": "12ab"}, "bank_account_number"),
        ({"bank_name": ""}, "bank_name"),
        ({"reason": ""}, "reason"),
        (OLD, "bank_account_number"),
    ],
)
def test_a_proposal_is_checked(maker, override, field):
    data = {**NEW, "reason": "Moved.", **override}

    with pytest.raises(InvalidInput) as refused:
        services.society_bank_account_propose(actor=maker, **data)

    assert field in refused.value.fields
    assert not BankAccountChange.objects.exists()


@pytest.mark.parametrize("slug", [r.slug for r in ROLES if r.slug != "finance"])
def test_no_other_role_proposes_or_approves(make_user, maker, slug):
    other = make_user(f"other-{slug}", roles=(slug,), is_staff=True)
    change = propose(maker)

    with pytest.raises(NotAllowed):
        propose(other, bank_account_number="6222 5555 5555 5555")
    with pytest.raises(NotAllowed):
        services.society_bank_account_approve(change=change, actor=other)


# --- The security switch ----------------------------------------------------------------


def test_the_administrator_switches_two_factor_with_a_reason(client, administrator):
    """On the society form, with the reason recorded as an event and in the history; the
    administrator cannot touch the particulars or the bank account."""
    client.force_login(administrator)
    fields = editable(client)
    assert {"require_staff_two_factor", "change_reason"} <= fields
    assert not fields & {"name", *Society.PAYMENT_FIELDS}

    without = client.post(CHANGE, form_data(client, require_staff_two_factor=True))
    assert "change_reason" in without.context["adminform"].form.errors
    save_form(client, require_staff_two_factor=True, change_reason="Audit finding 7.")

    assert Society.objects.get(pk=1).require_staff_two_factor is True
    event = SocietyEvent.objects.get()
    assert (event.type, event.actor, event.field) == (
        "security",
        administrator,
        "require_staff_two_factor",
    )
    assert (event.old_value, event.new_value, event.reason) == ("off", "on", "Audit finding 7.")
    assert history() == [
        "Changed “staff must use two-factor authentication”: off → on. Reason: Audit finding 7."
    ]


@pytest.mark.parametrize("slug", [r.slug for r in ROLES if r.slug != "administrator"])
def test_only_the_administrator_changes_the_security_settings(make_user, slug):
    other = make_user(f"other-{slug}", roles=(slug,), is_staff=True)

    with pytest.raises(NotAllowed):
        services.society_security_change(actor=other, require_staff_two_factor=True, reason="x")

    assert Society.objects.get(pk=1).require_staff_two_factor is False


def test_setting_the_same_value_again_records_nothing(administrator):
    services.society_security_change(
        actor=administrator, require_staff_two_factor=True, reason="On."
    )
    services.society_security_change(actor=administrator, require_staff_two_factor=True, reason="")

    assert SocietyEvent.objects.count() == 1


# --- The largest single amount -----------------------------------------------------------


def test_the_secretary_cannot_raise_the_largest_single_amount(client, secretary):
    """A limit on what finance and claims staff type is an internal control: the board
    secretary's form shows it read-only and a posted value changes nothing."""
    client.force_login(secretary)
    assert "max_single_amount" not in editable(client)

    data = form_data(client, name="Tongzhou Mutual")
    data["max_single_amount"] = "9999999999999.99"
    client.post(CHANGE, data)

    society = Society.objects.get(pk=1)
    assert society.name == "Tongzhou Mutual"
    assert society.max_single_amount == Decimal("1000000000.00")
    assert not SocietyEvent.objects.exists()


@pytest.mark.parametrize("slug", [r.slug for r in ROLES if r.slug != "administrator"])
def test_only_the_administrator_changes_the_limit(make_user, slug):
    other = make_user(f"other-{slug}", roles=(slug,), is_staff=True)

    with pytest.raises(NotAllowed):
        services.society_limit_change(
            actor=other, max_single_amount=Decimal("5000000000.00"), reason="x"
        )

    assert Society.objects.get(pk=1).max_single_amount == Decimal("1000000000.00")


def test_the_administrator_changes_the_limit_with_a_reason_recorded(client, administrator):
    client.force_login(administrator)
    assert "max_single_amount" in editable(client)

    without = client.post(CHANGE, form_data(client, max_single_amount="5000000000.00"))
    assert "change_reason" in without.context["adminform"].form.errors
    save_form(client, max_single_amount="5000000000.00", change_reason="Reinsurance treaty.")

    assert Society.objects.get(pk=1).max_single_amount == Decimal("5000000000.00")
    event = SocietyEvent.objects.get()
    assert (event.type, event.actor, event.field) == ("limit", administrator, "max_single_amount")
    assert (event.old_value, event.new_value, event.reason) == (
        "1000000000.00",
        "5000000000.00",
        "Reinsurance treaty.",
    )
    assert history() == [
        "Changed the largest single amount: 1000000000.00 → 5000000000.00. "
        "Reason: Reinsurance treaty."
    ]
    services.society_limit_change(
        actor=administrator, max_single_amount=Decimal("5000000000"), reason=""
    )
    assert SocietyEvent.objects.count() == 1  # the same value again records nothing


# --- Roles ------------------------------------------------------------------------------


def holders(codename: str) -> set[str]:
    return {
        role.slug
        for role in ROLES
        if Group.objects.get(name=role.group_name)
        .permissions.filter(content_type__app_label="common", codename=codename)
        .exists()
    }


def test_each_protected_setting_has_one_owning_role():
    assert holders("change_society_payment_details") == {"finance"}
    assert holders("change_society_security") == {"administrator"}
    assert "board_secretary" in holders("change_society")


def test_the_migration_takes_the_protected_permissions_from_other_groups():
    """A group that holds them without owning them (given by hand, or by an old role
    table) loses them; the owners keep theirs."""
    from importlib import import_module

    from django.apps import apps

    secretary = Group.objects.get(name=ROLE_BY_SLUG["board_secretary"].group_name)
    protected = Permission.objects.filter(
        content_type__app_label="common",
        codename__in=["change_society_payment_details", "change_society_security"],
    )
    secretary.permissions.add(*protected)

    import_module("accounts.migrations.0006_society_settings_owners").give_owners(
        apps, type("Editor", (), {"connection": type("C", (), {"alias": "default"})})()
    )

    assert holders("change_society_payment_details") == {"finance"}
    assert holders("change_society_security") == {"administrator"}
