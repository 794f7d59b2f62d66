"""Publishing, corrections, withdrawals and the platform's own publications."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core import mail

from disclosure.models import Kind, KindRule, Publication, PublicationEvent, Withdrawal
from disclosure.services import (
    AttachmentTampered,
    attachment_add,
    attachment_read,
    publication_correct,
    publication_discard,
    publication_draft,
    publication_edit,
    publication_publish,
    publication_publish_auto,
    publication_return,
    publication_submit,
    publication_withdraw,
)
from mutualsociety.common.exceptions import (
    FourEyesViolation,
    ImmutableRecord,
    InvalidInput,
    NotAllowed,
)

pytestmark = pytest.mark.django_db

Q1 = {"period": "2026Q1", "period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 3, 31)}


def _draft(actor, **extra):
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


def _published(compliance, compliance2, **extra):
    draft = _draft(compliance, **extra)
    publication_submit(publication=draft, actor=compliance)
    return publication_publish(publication=draft, actor=compliance2)


def test_a_kind_needing_approval_is_published_only_by_a_second_person(compliance, compliance2):
    draft = _draft(compliance)
    assert draft.content == {"amount": "120000.00"}
    with pytest.raises(NotAllowed, match="submit it for approval"):
        publication_publish(publication=draft, actor=compliance)
    publication_submit(publication=draft, actor=compliance)
    with pytest.raises(FourEyesViolation):
        publication_publish(publication=draft, actor=compliance)
    published = publication_publish(publication=draft, actor=compliance2)
    assert published.status == "published"
    assert published.approved_by == compliance2
    # the second call is a no-op, not a second event
    publication_publish(publication=draft, actor=compliance2)
    assert draft.events.filter(type="published").count() == 1


def test_who_edited_or_gave_a_file_to_a_draft_does_not_approve_it(
    compliance, compliance2, make_user
):
    """Four eyes on what is published: compliance2 changed the figures of compliance's
    draft (or attached its file), so compliance2 is a maker and a third person approves."""
    third = make_user("compliance3", roles=("compliance_officer",), is_staff=True)
    edited = _draft(compliance)
    publication_edit(publication=edited, actor=compliance2, content={"amount": "1.00"})
    publication_submit(publication=edited, actor=compliance)
    with pytest.raises(FourEyesViolation, match="You changed this draft"):
        publication_publish(publication=edited, actor=compliance2)
    assert Publication.objects.get(pk=edited.pk).status == "pending"
    assert publication_publish(publication=edited, actor=third).approved_by == third

    attached = _draft(compliance, period="2026Q2", period_start=None, period_end=None)
    attachment_add(
        publication=attached, format="csv", filename="f.csv", data=b"a\n1\n", actor=compliance2
    )
    publication_submit(publication=attached, actor=compliance)
    with pytest.raises(FourEyesViolation):
        publication_publish(publication=attached, actor=compliance2)
    assert publication_publish(publication=attached, actor=third).status == "published"


def test_a_kind_without_approval_is_published_by_compliance_alone(compliance):
    KindRule.objects.filter(kind=Kind.RELATED_PARTY).update(needs_approval=False)
    draft = _draft(compliance)
    assert publication_publish(publication=draft, actor=compliance).status == "published"


def test_the_due_date_comes_from_the_kinds_rule(compliance):
    # related-party: 15 days after the event (the period's end)
    assert _draft(compliance).due_on == dt.date(2026, 4, 15)
    rule = KindRule.objects.get(kind=Kind.ANNUAL_REPORT)
    assert rule.due_on(dt.date(2026, 12, 31)) == dt.date(2027, 4, 30)
    solvency = KindRule.objects.get(kind=Kind.SOLVENCY_SUMMARY)
    assert solvency.due_on(dt.date(2026, 3, 31)) == dt.date(2026, 4, 30)
    assert solvency.due_on(dt.date(2026, 12, 31)) == dt.date(2027, 1, 30)


def test_only_compliance_drafts_and_the_regulator_nothing(regulator):
    with pytest.raises(NotAllowed):
        _draft(regulator)
    with pytest.raises(NotAllowed):
        _draft(None)


def test_bad_drafts_name_the_field(compliance):
    with pytest.raises(InvalidInput) as error:
        _draft(compliance, title="  ")
    assert "title" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        _draft(compliance, kind="gossip")
    assert "kind" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        _draft(compliance, period_start=dt.date(2026, 4, 1))
    assert "period_end" in error.value.fields
    _draft(compliance)
    with pytest.raises(InvalidInput, match="correct it instead"):
        _draft(compliance)
    assert Publication.objects.count() == 1


def test_a_returned_draft_goes_back_to_its_author_with_the_reason(compliance, compliance2):
    draft = _draft(compliance)
    publication_submit(publication=draft, actor=compliance)
    with pytest.raises(InvalidInput):
        publication_return(publication=draft, actor=compliance2, reason=" ")
    publication_return(publication=draft, actor=compliance2, reason="金额有误")
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.events.get(type="returned").reason == "金额有误"
    publication_edit(publication=draft, actor=compliance, content={"amount": "118000.00"})
    draft.refresh_from_db()
    assert draft.content == {"amount": "118000.00"}


def test_a_published_version_is_never_changed(compliance, compliance2):
    published = _published(compliance, compliance2)
    with pytest.raises(NotAllowed):
        publication_edit(publication=published, actor=compliance, title="新标题")
    published.title = "新标题"
    with pytest.raises(ImmutableRecord):
        published.save()
    with pytest.raises(ImmutableRecord):
        Publication.objects.filter(pk=published.pk).update(title="x")
    with pytest.raises(ImmutableRecord):
        published.delete()
    assert Publication.objects.get(pk=published.pk).title == "关联交易公告"


def test_a_correction_is_a_new_version_saying_what_changed(compliance, compliance2):
    first = _published(compliance, compliance2)
    with pytest.raises(InvalidInput) as error:
        publication_correct(publication=first, actor=compliance, note="")
    assert "correction_note" in error.value.fields
    second = publication_correct(
        publication=first,
        actor=compliance,
        note="合同金额更正为118,000元。",
        content={"amount": Decimal("118000.00")},
    )
    assert (second.version, second.supersedes, second.key) == (2, first, first.key)
    assert second.status == "draft" and second.due_on == first.due_on
    # until the correction is published the first version stands
    with pytest.raises(NotAllowed, match="already exists"):
        publication_correct(publication=first, actor=compliance, note="again")
    publication_submit(publication=second, actor=compliance)
    publication_publish(publication=second, actor=compliance2)
    first.refresh_from_db()
    assert first.status == "published" and first.content == {"amount": "120000.00"}
    assert first.corrected_by == second


def test_a_discarded_correction_keeps_its_number(compliance, compliance2):
    first = _published(compliance, compliance2)
    second = publication_correct(publication=first, actor=compliance, note="试")
    publication_discard(publication=second, actor=compliance)
    third = publication_correct(publication=first, actor=compliance, note="更正")
    assert third.version == 3 and third.supersedes == second


def test_a_withdrawal_needs_a_reason_and_happens_once(compliance, compliance2):
    published = _published(compliance, compliance2)
    with pytest.raises(InvalidInput) as error:
        publication_withdraw(publication=published, actor=compliance, reason="")
    assert "reason" in error.value.fields
    withdrawal = publication_withdraw(publication=published, actor=compliance, reason="误发")
    assert withdrawal.reason == "误发"
    with pytest.raises(NotAllowed, match="withdrawn on"):
        publication_withdraw(publication=published, actor=compliance2, reason="again")
    with pytest.raises(ImmutableRecord):
        withdrawal.delete()
    assert Withdrawal.objects.count() == 1
    published.refresh_from_db()
    assert published.status == "published"


def test_the_platform_publishes_the_same_figures_once_and_new_figures_as_a_correction():
    figures = {"comprehensive_ratio": Decimal("187.45"), "as_of": dt.date(2026, 3, 31)}
    common = {
        "kind": Kind.SOLVENCY_SUMMARY,
        "key": "solvency_summary:cross:2026Q1",
        "title": "2026年第一季度偿付能力报告摘要",
        "source": "solvency.assessment:7",
        **Q1,
    }
    first, created = publication_publish_auto(
        content=figures, files=[("json", "figures.json", b'{"a": 1}')], **common
    )
    assert created and first.version == 1 and first.published_at
    assert first.due_on == dt.date(2026, 4, 30)
    assert first.content == {"comprehensive_ratio": "187.45", "as_of": "2026-03-31"}
    again, created = publication_publish_auto(content=dict(figures), **common)
    assert (again, created) == (first, False)
    changed, created = publication_publish_auto(
        content={**figures, "comprehensive_ratio": Decimal("186.90")}, **common
    )
    assert created and changed.version == 2 and changed.supersedes == first
    assert "comprehensive_ratio" in changed.correction_note
    assert Publication.objects.filter(key=common["key"]).count() == 2


def test_an_attachment_keeps_its_checksum_and_a_changed_file_is_never_served(
    compliance, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = ["admin@example.org"]
    draft = _draft(compliance)
    with pytest.raises(InvalidInput, match="not a PDF"):
        attachment_add(publication=draft, format="pdf", filename="r.pdf", data=b"hello")
    attachment = attachment_add(
        publication=draft, format="csv", filename="figures.csv", data="金额\n1.00\n".encode()
    )
    assert attachment.sha256 == hashlib.sha256("金额\n1.00\n".encode()).hexdigest()
    assert attachment_read(attachment) == "金额\n1.00\n".encode()
    with open(attachment.file.path, "wb") as handle:
        handle.write(b"tampered")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AttachmentTampered):
        attachment_read(attachment)
    assert draft.events.filter(type=PublicationEvent.Type.CHECKSUM_MISMATCH).count() == 1
    assert len(mail.outbox) == 1 and "figures.csv" in mail.outbox[0].subject
    # read again the same day: refused again, one e-mail a day
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AttachmentTampered):
        attachment_read(attachment)
    assert len(mail.outbox) == 1


def test_a_published_version_takes_no_new_files(compliance, compliance2):
    published = _published(compliance, compliance2)
    with pytest.raises(NotAllowed):
        attachment_add(publication=published, format="json", filename="x.json", data=b"{}")
