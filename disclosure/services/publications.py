"""Publishing: drafts, the second person's approval, corrections and withdrawals.

Rules (docs/disclosure.md):
- What was published is never changed: a correction is a new version of the same
  document that says what changed and why; a withdrawal keeps the version readable
  with its reason: a correction is a new version, never an overwrite.
- A manual draft of a kind whose rule asks for it is published only by a second person
  (maker-checker): the approver is not the author.
- Publications the platform makes itself (``publication_publish_auto``) come from records
  another app has already approved (an approved solvency assessment, declared results);
  the same figures published twice are one publication, new figures are a correction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import FourEyesViolation, InvalidInput, NotAllowed
from mutualsociety.common.services import outbox_enqueue

from ..cache import disclosure_cache_clear
from ..events import publication_event
from ..models import Kind, KindRule, Publication, PublicationEvent, Withdrawal
from ..transitions import PUBLICATION
from .attachments import attachment_add

S = Publication.Status
T = PublicationEvent.Type

PUBLISH_PERMISSION = "disclosure.add_publication"
APPROVE_PERMISSION = "disclosure.approve_publication"

#: A file to attach: (format, file name, bytes).
FileSpec = tuple[str, str, bytes]


def _require(actor, perm: str, message: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm):
        raise NotAllowed(message)


def _rule(kind: str) -> KindRule | None:
    return KindRule.objects.filter(kind=kind).first()


def publication_needs_approval(kind: str) -> bool:
    """Whether a manual draft of ``kind`` is published only by a second person
    (maker-checker): as its rule says, and yes for a kind without a rule."""
    rule = _rule(kind)
    return rule.needs_approval if rule else True


def _json(content: Any) -> Any:
    """``content`` as stored (Decimals and dates as strings), for comparing and saving."""
    return json.loads(json.dumps(content or {}, cls=DjangoJSONEncoder, sort_keys=True))


def _lock(publication: Publication | int) -> Publication:
    pk = publication.pk if isinstance(publication, Publication) else publication
    return Publication.objects.select_for_update().get(pk=pk)


def _due_on(kind: str, period_end: dt.date | None) -> dt.date | None:
    rule = _rule(kind)
    if rule is None or period_end is None or rule.basis == "standing":
        return None
    return rule.due_on(period_end)


def _clean_texts(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise InvalidInput(_("Give the publication a title."), field="title")
    return title, body


def _latest(key: str) -> Publication | None:
    return Publication.objects.filter(key=key).order_by("-version").first()


def _latest_published(key: str) -> Publication | None:
    return Publication.objects.filter(key=key, status=S.PUBLISHED).order_by("-version").first()


@transaction.atomic
def publication_draft(
    *,
    kind: str,
    title: str,
    actor,
    key: str = "",
    period: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    title_en: str = "",
    body: str = "",
    body_en: str = "",
    content: dict[str, Any] | None = None,
) -> Publication:
    """A new document's first version, as a draft (compliance, in the admin). ``key``
    names the document; by default the kind and the period (or the next free number)."""
    _require(actor, PUBLISH_PERMISSION, _("Only compliance drafts publications."))
    if kind not in Kind.values:
        raise InvalidInput(_("Choose a kind of publication."), field="kind")
    title, body = _clean_texts(title, body)
    if period_start and period_end and period_start > period_end:
        raise InvalidInput(_("The period cannot end before it starts."), field="period_end")
    key = (key or f"{kind}:{period or timezone.localdate().isoformat()}").strip()[:120]
    latest = _latest(key)
    if latest is not None and latest.status != S.DISCARDED:
        raise InvalidInput(
            _("Document %(key)s already exists: correct it instead of drafting it again.")
            % {"key": key},
            field="period",
        )
    publication = Publication.objects.create(
        # after a discarded draft, the next number (the discarded one stays in the history)
        version=latest.version + 1 if latest else 1,
        supersedes=latest,
        key=key,
        kind=kind,
        period=period,
        period_start=period_start,
        period_end=period_end,
        title=title,
        title_en=(title_en or "").strip(),
        body=body,
        body_en=(body_en or "").strip(),
        content=_json(content),
        due_on=_due_on(kind, period_end),
        drafted_by=actor,
    )
    publication_event(publication=publication, type=T.DRAFTED, actor=actor)
    return publication


EDITABLE = ("title", "title_en", "body", "body_en", "content", "period_start", "period_end")


@transaction.atomic
def publication_edit(*, publication: Publication | int, actor, **changes: Any) -> Publication:
    """Change a draft (its author or anyone of compliance); a submitted or published
    version is not edited."""
    _require(actor, PUBLISH_PERMISSION, _("Only compliance edits publications."))
    publication = _lock(publication)
    if publication.status != S.DRAFT:
        raise NotAllowed(_("Only a draft can be edited."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("These cannot be edited: %(names)s.") % {"names": sorted(unknown)})
    for name, value in changes.items():
        setattr(publication, name, _json(value) if name == "content" else value)
    publication.title, publication.body = _clean_texts(publication.title, publication.body)
    publication.due_on = _due_on(publication.kind, publication.period_end)
    publication.save(update_fields=[*changes, "title", "body", "due_on"])
    publication_event(
        publication=publication, type=T.EDITED, actor=actor, data={"fields": sorted(changes)}
    )
    return publication


def _publish(publication: Publication, *, actor, approver=None, at=None) -> Publication:
    old = publication.status
    PUBLICATION.move(publication, S.PUBLISHED)
    publication.published_at = at or timezone.now()
    publication.approved_by = approver
    publication.save(update_fields=["status", "published_at", "approved_by"])
    publication_event(
        publication=publication,
        type=T.PUBLISHED,
        actor=actor,
        old_value=old,
        new_value=publication.status,
        data={"version": publication.version},
    )
    disclosure_cache_clear()
    rule = _rule(publication.kind)
    if rule is not None and rule.members_told:
        from ..tasks import members_tell  # tasks sit above services

        outbox_enqueue(
            task=members_tell,
            args=[publication.pk],
            key=f"disclosure.members_tell:{publication.pk}",
        )
    return publication


@transaction.atomic
def publication_submit(*, publication: Publication | int, actor) -> Publication:
    """Send a draft to a second person for approval."""
    _require(actor, PUBLISH_PERMISSION, _("Only compliance submits publications."))
    publication = _lock(publication)
    old = publication.status
    PUBLICATION.move(publication, S.PENDING)
    publication.save(update_fields=["status"])
    publication_event(
        publication=publication,
        type=T.SUBMITTED,
        actor=actor,
        old_value=old,
        new_value=publication.status,
    )
    return publication


@transaction.atomic
def publication_publish(*, publication: Publication | int, actor) -> Publication:
    """Publish a version. A kind that needs a second person is published only from
    ``pending`` by someone other than its author who may approve publications; any other
    kind is published by compliance from the draft. Publishing the same version again
    is a no-op."""
    publication = _lock(publication)
    if publication.status == S.PUBLISHED:
        return publication
    if publication_needs_approval(publication.kind):
        _require(actor, APPROVE_PERMISSION, _("Only compliance approves publications."))
        if publication.status != S.PENDING:
            raise NotAllowed(
                _("This kind of publication needs a second person: submit it for approval.")
            )
        if publication.drafted_by_id and publication.drafted_by_id == actor.pk:
            raise FourEyesViolation(
                _("You drafted this publication: someone else must approve it.")
            )
        # the checker has made none of it: a draft edited or given a file by the approver
        # is theirs too, whoever first wrote it
        if publication.events.filter(actor=actor, type__in=(T.EDITED, T.ATTACHED)).exists():
            raise FourEyesViolation(_("You changed this draft: someone else must approve it."))
        return _publish(publication, actor=actor, approver=actor)
    _require(actor, PUBLISH_PERMISSION, _("Only compliance publishes."))
    return _publish(publication, actor=actor)


@transaction.atomic
def publication_return(*, publication: Publication | int, actor, reason: str) -> Publication:
    """The approver sends a submitted draft back to its author, saying why."""
    _require(actor, APPROVE_PERMISSION, _("Only compliance approves publications."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the draft goes back."), field="reason")
    publication = _lock(publication)
    old = publication.status
    if old != S.PENDING:
        raise NotAllowed(_("Only a draft awaiting approval can be returned."))
    PUBLICATION.move(publication, S.DRAFT)
    publication.save(update_fields=["status"])
    publication_event(publication=publication, type=T.RETURNED, actor=actor, reason=reason,
                      old_value=old, new_value=publication.status)  # fmt: skip
    return publication


@transaction.atomic
def publication_discard(*, publication: Publication | int, actor, reason: str = "") -> Publication:
    """Give up a draft (it stays in the history, never on the public site)."""
    _require(actor, PUBLISH_PERMISSION, _("Only compliance discards drafts."))
    publication = _lock(publication)
    old = publication.status
    PUBLICATION.move(publication, S.DISCARDED)
    publication.save(update_fields=["status"])
    publication_event(publication=publication, type=T.DISCARDED, actor=actor, reason=reason,
                      old_value=old, new_value=publication.status)  # fmt: skip
    return publication


@transaction.atomic
def publication_correct(
    *,
    publication: Publication | int,
    actor,
    note: str,
    **changes: Any,
) -> Publication:
    """Draft a correction of a published version: a new version of the same document
    with the changes, saying what changed and why (``note``). It is published like any
    draft of its kind; until then the published version stands."""
    _require(actor, PUBLISH_PERMISSION, _("Only compliance corrects publications."))
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Say what changed and why."), field="correction_note")
    publication = _lock(publication)
    if publication.status != S.PUBLISHED:
        raise NotAllowed(_("Only a published version is corrected; edit the draft instead."))
    latest = _latest(publication.key)
    if latest is not None and latest.pk != publication.pk and latest.status != S.DISCARDED:
        raise NotAllowed(
            _("Version %(version)s of this document already exists: correct that one.")
            % {"version": latest.version}
        )
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("These cannot be edited: %(names)s.") % {"names": sorted(unknown)})
    return _new_version(publication, actor=actor, note=note, changes=changes)


def _new_version(
    published: Publication, *, actor, note: str, changes: dict[str, Any]
) -> Publication:
    """The next version of ``published``'s document with ``changes``; it follows the
    latest version (a discarded correction keeps its number)."""
    previous = _latest(published.key) or published
    fields = {name: getattr(published, name) for name in EDITABLE}
    fields.update(changes)
    if "content" in changes:
        fields["content"] = _json(changes["content"])
    title, body = _clean_texts(fields["title"], fields["body"])
    fields.update(title=title, body=body)
    version = Publication.objects.create(
        key=previous.key,
        version=previous.version + 1,
        supersedes=previous,
        correction_note=note,
        kind=previous.kind,
        period=previous.period,
        source=previous.source,
        due_on=previous.due_on,
        drafted_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    publication_event(
        publication=version,
        type=T.DRAFTED,
        actor=actor,
        reason=note,
        data={"corrects": published.pk, "version": version.version},
    )
    return version


@transaction.atomic
def publication_withdraw(*, publication: Publication | int, actor, reason: str) -> Withdrawal:
    """Take a published version back. The reason stays visible beside it; the version
    stays readable. Withdrawing twice is refused with the first withdrawal's date."""
    _require(actor, APPROVE_PERMISSION, _("Only compliance withdraws publications."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why it is withdrawn: the reason is published."), field="reason")
    publication = _lock(publication)
    if publication.status != S.PUBLISHED:
        raise NotAllowed(_("Only a published version can be withdrawn."))
    existing = Withdrawal.objects.filter(publication=publication).first()
    if existing is not None:
        raise NotAllowed(
            _("It was withdrawn on %(day)s.") % {"day": timezone.localdate(existing.at)}
        )
    withdrawal = Withdrawal.objects.create(publication=publication, reason=reason, by=actor)
    publication_event(publication=publication, type=T.WITHDRAWN, actor=actor, reason=reason)
    disclosure_cache_clear()
    return withdrawal


def _changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


@transaction.atomic
def publication_publish_auto(
    *,
    kind: str,
    key: str,
    title: str,
    source: str,
    content: dict[str, Any],
    title_en: str = "",
    body: str = "",
    body_en: str = "",
    period: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    event_day: dt.date | None = None,
    files: Iterable[FileSpec] = (),
    at: dt.datetime | None = None,
    approver=None,
) -> tuple[Publication, bool]:
    """Publish what another app has approved, by the platform (no person), in one go.
    ``approver``: the person who approved it for publication when there is one (a
    material event: compliance approves the platform's draft), recorded as its approver.

    Idempotent per document: when the latest published version of ``key`` has the same
    figures, nothing is done and it is returned with ``False``. Different figures make a
    correction (version n + 1) whose note names the figures that changed. The due date
    counts from ``period_end`` (or ``event_day`` for kinds due after their event)."""
    stored = _json(content)
    latest = _latest(key)
    if latest is not None and latest.status == S.PUBLISHED and latest.content == stored:
        return latest, False
    files = list(files)
    fields = {
        "title": title,
        "title_en": title_en,
        "body": body,
        "body_en": body_en,
        "content": stored,
        "period_start": period_start,
        "period_end": period_end,
    }
    published = _latest_published(key)
    if latest is not None and latest.status in (S.DRAFT, S.PENDING):
        # a manual correction in the making is left alone: the new figures go to it
        raise NotAllowed(
            _("A draft of %(key)s awaits publication: publish or discard it first.") % {"key": key}
        )
    if published is None:
        title, body = _clean_texts(title, body)
        publication = Publication.objects.create(
            version=latest.version + 1 if latest else 1,
            supersedes=latest,
            key=key,
            kind=kind,
            period=period,
            source=source,
            due_on=_due_on(kind, period_end or event_day),
            **{**fields, "title": title, "body": body},
        )
        publication_event(publication=publication, type=T.DRAFTED, data={"source": source})
    else:
        changed = _changed_keys(published.content, stored)
        note = _("Figures changed after publication: %(names)s.") % {"names": ", ".join(changed)}
        publication = _new_version(published, actor=None, note=note, changes=fields)
    for fmt, filename, data in files:
        attachment_add(publication=publication, format=fmt, filename=filename, data=data)
    _publish(publication, actor=approver, approver=approver, at=at)
    return publication, True
