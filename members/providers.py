"""Providers behind one interface each: how members pay, and how a text message reaches
their phone.

Payments:
A provider tells the member how to pay an amount and turns a receipt it reports into a
payment through ``payment_record`` (so every provider gets the same allocation, ledger
entry and idempotency). Implemented: bank transfer to the society's account with the
member number as the reference, and payments recorded by staff (cash, cheque). Automatic
debits are a later provider with the same two methods.

Text messages (SMS): an ``SmsProvider`` sends one text to one phone number and answers the
provider's message id. ``ConsoleSmsProvider`` writes the text to the log (development and
tests, the default); a real gateway is a class with the same ``send`` named by the
``SMS_PROVIDER`` setting (a dotted path, like ``EMAIL_BACKEND``).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.selectors import society_get

from .models import Member, Payment, mask_identity_number
from .services.contributions import payment_record


@dataclass(frozen=True)
class PaymentInstructions:
    provider: str
    amount: Decimal
    reference: str
    lines: list[tuple[str, str]]  # (label, value) to show the member


class PaymentProvider(Protocol):
    code: str
    label: str

    def instructions(self, *, member: Member, amount: Decimal) -> PaymentInstructions: ...

    def confirm(
        self,
        *,
        member: Member,
        amount: Decimal,
        received_on: dt.date,
        reference: str,
        idempotency_key: str,
        actor=None,
    ) -> Payment: ...


class BankTransferProvider:
    code = Payment.Provider.BANK_TRANSFER
    label = gettext_lazy("Bank transfer")

    def instructions(self, *, member: Member, amount: Decimal) -> PaymentInstructions:
        society = society_get()
        reference = member.member_number or ""
        return PaymentInstructions(
            provider=self.code,
            amount=amount,
            reference=reference,
            lines=[
                (_("Bank"), society.bank_name),
                (_("Account name"), society.bank_account_name),
                (_("Account number"), society.bank_account_number),
                (_("Reference (your member number)"), reference),
            ],
        )

    def confirm(self, *, member, amount, received_on, reference, idempotency_key, actor=None):
        """A transfer seen on the bank statement (by staff or a statement import)."""
        return payment_record(
            member=member,
            amount=amount,
            received_on=received_on,
            provider=self.code,
            reference=reference,
            idempotency_key=idempotency_key,
            actor=actor,
        )


class ManualProvider:
    code = Payment.Provider.MANUAL
    label = gettext_lazy("Recorded by staff")

    def instructions(self, *, member: Member, amount: Decimal) -> PaymentInstructions:
        society = society_get()
        return PaymentInstructions(
            provider=self.code,
            amount=amount,
            reference=member.member_number or "",
            lines=[(_("Pay at the society's office"), society.registered_address)],
        )

    def confirm(self, *, member, amount, received_on, reference, idempotency_key, actor=None):
        if actor is None:
            raise InvalidInput(_("A payment recorded by staff needs the staff member."))
        return payment_record(
            member=member,
            amount=amount,
            received_on=received_on,
            provider=self.code,
            reference=reference,
            idempotency_key=idempotency_key,
            actor=actor,
        )


PROVIDERS: dict[str, PaymentProvider] = {
    provider.code: provider for provider in (BankTransferProvider(), ManualProvider())
}


def provider_get(code: str) -> PaymentProvider:
    try:
        return PROVIDERS[code]
    except KeyError:
        raise InvalidInput(_("Unknown payment provider."), field="provider") from None


# --- Text messages ---

sms_logger = logging.getLogger("mutualsociety.sms")


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> str:
        """Send ``text`` to ``phone``; answer the provider's message id. Raises
        ``OSError`` (or a subclass) on a transient failure, so that the task retries."""
        ...


class ConsoleSmsProvider:
    """Development: the text goes to the log (``mutualsociety.sms``), nothing leaves. The
    number is masked (139****5678): no phone number is written to a log
    (docs/security.md)."""

    def send(self, phone: str, text: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:16]}"
        sms_logger.info("SMS %s to %s: %s", message_id, mask_identity_number(phone), text)
        return message_id


def sms_provider() -> SmsProvider:
    """The provider the ``SMS_PROVIDER`` setting names (a class, made without arguments)."""
    return import_string(settings.SMS_PROVIDER)()
