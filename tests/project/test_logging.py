"""What the logs say about a refusal: a 403 is one warning line, printed once, without a
traceback; a server error keeps its traceback."""

from __future__ import annotations

import logging

import pytest

from mutualsociety.log import RefusalWithoutTraceback

pytestmark = pytest.mark.django_db

STATEMENTS = "/admin/ledger/account/statements/"


def _printing_handlers(record: logging.LogRecord) -> list[logging.Handler]:
    """The project's handlers that would print ``record`` (pytest's own left out), walked
    the way ``Logger.callHandlers`` walks them."""
    found = []
    logger: logging.Logger | None = logging.getLogger(record.name)
    while logger is not None:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue
            if record.levelno >= handler.level and handler.filter(record):
                found.append(handler)
        logger = logger.parent if logger.propagate else None
    return found


@pytest.fixture
def refused(client, make_user, caplog, settings):
    """Staff without the ledger's view permission open the statements: 403. While
    debugging, as ``make run`` does."""
    settings.DEBUG = True
    client.force_login(make_user("clerk", is_staff=True))
    with caplog.at_level(logging.INFO):
        response = client.get(STATEMENTS)
    assert response.status_code == 403
    return [r for r in caplog.records if r.name.startswith("django")]


def test_a_403_is_one_warning_line_without_a_traceback(refused):
    """The defect: every 403 logged the PermissionDenied's full traceback."""
    [record] = refused

    assert (record.name, record.levelname) == ("django.request", "WARNING")
    assert record.getMessage() == f"Forbidden (Permission denied): {STATEMENTS}"
    assert not record.exc_info
    [handler] = _printing_handlers(record)
    printed = handler.format(record)
    assert "Traceback" not in printed
    assert len(printed.splitlines()) == 1


def test_a_403_is_printed_once(refused):
    """The defect: the line was printed twice while debugging, by Django's own console
    handler and again by the root's."""
    [record] = refused

    assert len(_printing_handlers(record)) == 1


def test_a_server_error_keeps_its_traceback_and_still_reaches_the_admins_by_mail(settings):
    """Only refusals lose the traceback: a 500's record keeps it, and Django's logger
    still e-mails ADMINS about it when not debugging."""
    settings.DEBUG = False
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        exc_info = sys.exc_info()
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", (), exc_info
    )
    record.status_code = 500

    assert RefusalWithoutTraceback().filter(record) is True
    assert record.exc_info is exc_info
    handlers = {type(h).__name__ for h in _printing_handlers(record)}
    assert handlers == {"StreamHandler", "AdminEmailHandler"}


# --- What never reaches a log line (issue 14; docs/security.md "What is logged") ---------


def _everything_logged(records: list[logging.LogRecord]) -> str:
    """Each record's message, its arguments and every attribute a handler could print."""
    return "\n".join(
        f"{record.getMessage()} {record.args!r} {vars(record)!r}" for record in records
    )


def test_an_enrolment_and_a_claim_log_no_personal_detail(
    client, make_user, caplog, settings, tmp_path, django_capture_on_commit_callbacks
):
    """A person enrols through /join/ (every step, accepted), then submits a claim with a
    document through the portal, and a claims handler reviews and assesses it through the
    API: everything logged meanwhile, at DEBUG from the root (SQL left out: its logger
    stays at WARNING), holds neither the identity number, the phone number, the account
    number, nor the free text of the claim's medical description."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from rest_framework.test import APIClient

    from claims.models import Claim
    from members.models import Member
    from tests.claims.factories import PDF
    from tests.members.factories import consent_documents_make, mutual_aid_plan_make
    from tests.members.views.conftest import (
        Wizard,
        consent_data,
        current_step,
        declaration_data,
        login_data,
        person_form_data,
        plan_data,
    )

    settings.CLAIM_DOCUMENTS_ROOT = tmp_path / "private"
    consent_documents_make()
    version = mutual_aid_plan_make(code="aid")
    person = person_form_data(phone="13912345678")
    account = "6222021234567890"
    health = "Admitted to Xiehe hospital with a ruptured appendix"
    handler = make_user("handler", roles=("claims_handler",), is_staff=True)
    secrets = {
        "identity number": person["id_number"],
        "identity number's tail": person["id_number"][-6:],
        "phone": person["phone"],
        "account number": account,
        "health text": "ruptured appendix",
    }

    with (
        caplog.at_level(logging.DEBUG),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert logging.getLogger("django.db.backends").getEffectiveLevel() >= logging.WARNING
        wizard = Wizard(client)
        assert wizard.start().status_code == 200
        assert current_step(wizard.post("plan", plan_data(version, ""))) == "person"
        assert current_step(wizard.post("person", person)) == "declaration"
        assert current_step(wizard.post("declaration", declaration_data(version))) == "consents"
        assert current_step(wizard.post("consents", consent_data())) == "login"
        enrolled = wizard.post("login", login_data("new.member"))
        assert enrolled.status_code == 302, enrolled.content
        member = Member.objects.get(id_number=person["id_number"])
        coverage = member.coverages.get()
        # Backdated as tests/claims/factories.covered_member does: the claim falls after
        # the waiting period.
        start = timezone.localdate() - dt.timedelta(days=400)
        member.coverages.update(
            start_date=start,
            waiting_period_end=start + dt.timedelta(days=version.waiting_period_days),
        )
        Member.objects.filter(pk=member.pk).update(joined_on=start)
        submitted = client.post(
            "/claims/new/",
            {
                "coverage": coverage.pk,
                "kind": "illness",
                "event_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
                "description": health,
                "amount_claimed": "1000.00",
                "bank_account_name": "Zhang San",
                "bank_account_number": account,
                "documents": [SimpleUploadedFile("scan.pdf", PDF)],
            },
        )
        assert submitted.status_code == 302, submitted.content.decode()[:2000]
        claim = Claim.objects.get(member=member)
        staff = APIClient()
        staff.force_authenticate(handler)
        assert staff.post(f"/api/v1/claims/{claim.pk}/review/", {}).status_code == 200
        assessed = staff.post(
            f"/api/v1/claims/{claim.pk}/assess/",
            {"amount": "900.00", "reasons": "Invoices checked.", "investigation_summary": ""},
        )
        assert assessed.status_code == 200, assessed.content

    logged = _everything_logged(caplog.records)
    assert caplog.records, "nothing was logged: the test would pass on no evidence"
    assert {what for what, value in secrets.items() if value in logged} == set()


def test_the_console_text_message_provider_logs_no_phone_number(caplog):
    """The development SMS provider writes the message to the log: the number masked."""
    from members.providers import ConsoleSmsProvider

    with caplog.at_level(logging.INFO, logger="mutualsociety.sms"):
        ConsoleSmsProvider().send("13912345678", "Your claim was approved.")

    [record] = caplog.records
    assert "13912345678" not in _everything_logged([record])
    assert "139****5678" in record.getMessage()
    assert "Your claim was approved." in record.getMessage()
