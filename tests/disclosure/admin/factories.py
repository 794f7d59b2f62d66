"""Publications made through the services, as compliance makes them, and the admin URLs."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from disclosure.models import Kind
from disclosure.services import publication_draft, publication_publish, publication_submit

Q1 = {"period": "2026Q1", "period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 3, 31)}
CHANGELIST = "admin:disclosure_publication_changelist"


def management_data(page) -> dict[str, str]:
    """The inlines' management forms of an admin form page, as a browser posts them."""
    data = {}
    for inline in page.context.get("inline_admin_formsets", []):
        form = inline.formset.management_form
        data.update({form.add_prefix(name): form[name].value() for name in form.fields})
    return data


def change_url(publication) -> str:
    return reverse("admin:disclosure_publication_change", args=[publication.pk])


def step_url(publication, step: str) -> str:
    return reverse("admin:disclosure_publication_step", args=[publication.pk, step])


def draft(actor, **extra):
    """A related-party transaction (needs a second person) of 2026Q1, as a draft."""
    fields = {
        "kind": Kind.RELATED_PARTY,
        "title": "关联交易公告",
        "title_en": "Related-party transaction",
        "body": "与某公司签订服务合同。",
        "content": {"amount": Decimal("120000.00")},
        **Q1,
        **extra,
    }
    return publication_draft(actor=actor, **fields)


def published(maker, checker, **extra):
    publication = draft(maker, **extra)
    publication_submit(publication=publication, actor=maker)
    return publication_publish(publication=publication, actor=checker)
