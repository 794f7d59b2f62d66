"""DomainErrorFormMixin: the one way a portal or admin form shows what a service refused."""

from __future__ import annotations

from django import forms

from mutualsociety.common.exceptions import DomainError, InvalidInput
from mutualsociety.common.forms import DomainErrorFormMixin


class PaymentLikeForm(DomainErrorFormMixin, forms.Form):
    domain_error_fields = {"member": "member_number"}

    member_number = forms.CharField()
    amount = forms.CharField()
    key = forms.CharField(widget=forms.HiddenInput)


def _form() -> PaymentLikeForm:
    form = PaymentLikeForm({"member_number": "M-1", "amount": "1", "key": "k"})
    assert form.is_valid()
    return form


def _refuse(error: DomainError):
    def service(**_kwargs):
        raise error

    return service


def test_a_refusal_on_a_field_goes_to_that_field_and_the_call_returns_none():
    form = _form()

    assert form.call_service(_refuse(InvalidInput("Too much.", field="amount"))) is None
    assert form.errors == {"amount": ["Too much."]}


def test_a_refusal_without_a_field_goes_to_the_form():
    form = _form()
    form.call_service(_refuse(DomainError("Not now.")))
    assert form.non_field_errors() == ["Not now."]


def test_the_service_s_field_name_is_mapped_to_the_form_s():
    """The service says "member", the form asks for "member_number"."""
    form = _form()
    form.call_service(_refuse(InvalidInput("No such member.", field="member")))
    assert form.errors == {"member_number": ["No such member."]}


def test_a_field_the_form_hides_or_lacks_is_reported_on_the_form():
    """A message on a hidden input, or on a field the form does not have, would be shown
    nowhere a person reads it: it goes to the form as a whole."""
    form = _form()
    form.add_domain_error(
        DomainError("Refused.", fields={"key": ["Sent before."], "colour": ["Blue only."]})
    )
    assert form.non_field_errors() == ["Sent before.", "Blue only."]
    assert "key" not in form.errors


def test_the_service_s_result_is_returned_when_it_goes_through():
    assert _form().call_service(lambda **kw: kw["x"] * 2, x=21) == 42
