"""Drafting a consultation, its questions, and opening it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Topic
from members.services.notifications import member_notify_many
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, NotFound
from mutualsociety.common.selectors import society_get

from ...events import consultation_event
from ...models import (
    Consultation,
    ConsultationOption,
    ConsultationQuestion,
    Meeting,
    Proposal,
)
from ...selectors.consultations import (
    consultation_eligible,
    consultation_meeting,
    consultation_questions,
)
from ...transitions import CONSULTATION
from ._base import (
    OPEN_PERM,
    Kind,
    S,
    T,
    consultation_lock,
    require_perm,
)

# --- Drafting --------------------------------------------------------------------------


def _draft_check(
    *,
    title: str,
    meeting: Meeting | None,
    proposal: Proposal | None,
    audience: str,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
) -> str:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the consultation a title."), field="title")
    if (meeting is None) == (proposal is None):
        raise InvalidInput(
            _("Link the consultation to one meeting or to one member proposal."),
            field="meeting",
        )
    if audience not in Consultation.Audience.values:
        raise InvalidInput(_("Choose who may take part."), field="audience")
    if opens_at is None:
        raise InvalidInput(_("Say when the consultation opens."), field="opens_at")
    if closes_at is None or closes_at <= opens_at:
        raise InvalidInput(_("A consultation must close after it opens."), field="closes_at")
    return title


@transaction.atomic
def consultation_draft(
    *,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    meeting: Meeting | None = None,
    proposal: Proposal | None = None,
    audience: str = Consultation.Audience.MEMBERS,
    description: str = "",
    actor=None,
) -> Consultation:
    """Draft a consultation about one meeting or one member proposal."""
    title = _draft_check(title=title, meeting=meeting, proposal=proposal, audience=audience,
                         opens_at=opens_at, closes_at=closes_at)  # fmt: skip
    consultation = Consultation.objects.create(
        title=title,
        description=(description or "").strip(),
        meeting=meeting,
        proposal=proposal,
        audience=audience,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    consultation_event(consultation=consultation, type=T.DRAFTED, actor=actor)
    return consultation


@transaction.atomic
def consultation_draft_update(
    *,
    consultation: Consultation | int,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    meeting: Meeting | None = None,
    proposal: Proposal | None = None,
    audience: str = Consultation.Audience.MEMBERS,
    description: str = "",
    actor=None,
) -> Consultation:
    """Change a draft; once opened, what the members were told stays (only the close may
    not move: the members were told it)."""
    consultation = consultation_lock(consultation)
    if consultation.status != S.DRAFT:
        raise NotAllowed(_("Only a draft consultation can be changed; it has been opened."))
    consultation.title = _draft_check(
        title=title, meeting=meeting, proposal=proposal, audience=audience,
        opens_at=opens_at, closes_at=closes_at,
    )  # fmt: skip
    consultation.description = (description or "").strip()
    consultation.meeting, consultation.proposal = meeting, proposal
    consultation.audience = audience
    consultation.opens_at, consultation.closes_at = opens_at, closes_at
    consultation.save(update_fields=["title", "description", "meeting", "proposal", "audience",
                                     "opens_at", "closes_at"])  # fmt: skip
    consultation_event(consultation=consultation, type=T.CHANGED, actor=actor)
    return consultation


def _draft_only(consultation: Consultation | int) -> Consultation:
    consultation = consultation_lock(consultation)
    if consultation.status != S.DRAFT:
        raise NotAllowed(_("The questions are fixed once the consultation is opened."))
    return consultation


def _options_clean(kind: str, options: Iterable[str]) -> list[str]:
    cleaned = [o.strip() for o in options if o and o.strip()]
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        if len(cleaned) < 2:
            raise InvalidInput(_("A choice question needs at least two options."), field="options")
        if len(set(cleaned)) != len(cleaned):
            raise InvalidInput(_("Each option must differ from the others."), field="options")
    elif cleaned:
        raise InvalidInput(
            _("Only a choice question has options; leave them empty."), field="options"
        )
    return cleaned


def _question_check(text: str, kind: str, options: Iterable[str]) -> tuple[str, list[str]]:
    """The cleaned text and options of a question, or the field that is wrong."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write the question."), field="text")
    if kind not in Kind.values:
        raise InvalidInput(_("Choose the kind of question."), field="kind")
    return text, _options_clean(kind, options)


@transaction.atomic
def consultation_question_add(
    *,
    consultation: Consultation | int,
    text: str,
    kind: str = Kind.SINGLE,
    options: Iterable[str] = (),
    required: bool = True,
    order: int | None = None,
    actor=None,
) -> ConsultationQuestion:
    """Add a question to a draft, after the others unless ``order`` says where; a choice
    question with its options (at least two, each different)."""
    consultation = _draft_only(consultation)
    text, cleaned = _question_check(text, kind, options)
    if order is None:
        order = consultation.questions.count() + 1
    question = ConsultationQuestion.objects.create(
        consultation=consultation, order=order, text=text, kind=kind, required=required
    )
    ConsultationOption.objects.bulk_create(
        ConsultationOption(question=question, order=i, text=option)
        for i, option in enumerate(cleaned, start=1)
    )
    return question


@transaction.atomic
def consultation_question_update(
    *,
    question: ConsultationQuestion | int,
    text: str,
    kind: str,
    options: Iterable[str] = (),
    required: bool = True,
    order: int = 0,
    actor=None,
) -> ConsultationQuestion:
    """Change a question of a draft; its options are replaced by ``options``."""
    pk = question.pk if isinstance(question, ConsultationQuestion) else question
    found = ConsultationQuestion.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no such question."))
    question = found
    _draft_only(question.consultation_id)
    text, cleaned = _question_check(text, kind, options)
    question.text, question.kind, question.required, question.order = text, kind, required, order
    question.save(update_fields=["text", "kind", "required", "order"])
    question.options.all().delete()
    ConsultationOption.objects.bulk_create(
        ConsultationOption(question=question, order=i, text=option)
        for i, option in enumerate(cleaned, start=1)
    )
    return question


@transaction.atomic
def consultation_question_remove(*, question: ConsultationQuestion, actor=None) -> None:
    _draft_only(question.consultation_id)
    question.delete()


# --- Opening ---------------------------------------------------------------------------


@transaction.atomic
def consultation_open(
    *, consultation: Consultation | int, actor, at: dt.datetime | None = None
) -> Consultation:
    """Open a draft: by the board or the secretary (``governance.open_consultation``),
    with at least one question or a discussion (its description), before its close; a
    voters' consultation needs its meeting. Every member who may take part is told
    through the notification centre (topic meetings; one INSERT ... SELECT; the e-mails
    after the commit through the outbox). Opening ahead of ``opens_at`` is allowed:
    answers are taken from ``opens_at`` on."""
    at = at or timezone.now()
    require_perm(actor, OPEN_PERM, _("Only the board or the secretary opens a consultation."))
    consultation = consultation_lock(consultation)
    CONSULTATION.check(consultation.status, S.OPEN)
    if at >= consultation.closes_at:
        raise InvalidInput(
            _("The close announced for this consultation has passed; move it first."),
            field="closes_at",
        )
    questions = consultation_questions(consultation)
    if not questions and not consultation.description.strip():
        raise InvalidInput(
            _("Add a question, or a description to discuss, before opening."), field="questions"
        )
    for question in questions:
        if question.has_options and len(question.options.all()) < 2:
            raise InvalidInput(
                _("“%(question)s” needs at least two options.") % {"question": question.text},
                field="questions",
            )
    if (
        consultation.audience == Consultation.Audience.VOTERS
        and consultation_meeting(consultation) is None
    ):
        raise InvalidInput(
            _("The proposal is on no meeting's agenda yet: it has no voters to consult."),
            field="audience",
        )
    old = CONSULTATION.move(consultation, S.OPEN)
    consultation.opened_at = at
    consultation.save(update_fields=["status", "opened_at"])
    consultation_event(consultation=consultation, type=T.OPENED, actor=actor, at=at,
                       old_value=old, new_value=consultation.status)  # fmt: skip
    member_notify_many(
        members=consultation_eligible(consultation),
        topic=Topic.MEETINGS,
        key=f"governance.consultation:{consultation.pk}",
        template="governance/email/consultation",
        context={"consultation": consultation, "society": society_get()},
        link=reverse("governance:consultation", args=[consultation.pk]),
    )
    return consultation
