"""Consultations of the members before an assembly (issue 13, member services): the
board or the secretary drafts a survey and/or a discussion about a meeting or a member
proposal and opens it; the members who may take part (``consultation_eligible``) answer
once each and may change their answer until it closes, and comment; the consultation
closes at its announced time (the daily job, or the secretary) and its results are
published right then (``governance.signals.consultation_published``, which the disclosure
pages turn into the meeting's publication). Staff hide a comment only with a reason,
recorded with who and when in the consultation's log.

Rules:
- One response per member per consultation (a unique constraint); the consultation's row
  is locked while answering, so two tabs, a double click or a close racing an answer
  run one after the other: the second finds the first's response and changes it, or
  finds the consultation closed. The same answers sent again change nothing.
- A change replaces the answer rows (the earlier answers are not kept: only the latest
  answer counts, and keeping a member's earlier opinions serves no one); the response
  keeps when it was first given, when it last changed and how many times.
- Opening and closing early are for the board (``governance.open_consultation``: the
  secretary's role has it; a director who consults is given it by name, the director
  role being read-only); hiding a comment for moderators
  (``governance.moderate_consultationcomment``: the secretary).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, Topic
from members.services.notifications import member_notify_many
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, NotFound
from mutualsociety.common.selectors import society_get

from ..events import consultation_event
from ..exceptions import NotEligible, VotingClosed
from ..models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationEvent,
    ConsultationOption,
    ConsultationQuestion,
    ConsultationResponse,
    Meeting,
    Proposal,
)
from ..models.consultations import SCALE_MAX, SCALE_MIN, TEXT_MAX_LENGTH
from ..selectors.consultations import (
    consultation_eligible,
    consultation_may_take_part,
    consultation_meeting,
    consultation_questions,
)
from ..signals import consultation_published
from ..transitions import CONSULTATION

S = Consultation.Status
Kind = ConsultationQuestion.Kind
T = ConsultationEvent.Type

OPEN_PERM = "governance.open_consultation"
MODERATE_PERM = "governance.moderate_consultationcomment"


def consultation_lock(consultation: Consultation | int) -> Consultation:
    """The consultation's row, locked until the caller's transaction ends: answering,
    closing and opening take it first, so they run one at a time."""
    pk = consultation.pk if isinstance(consultation, Consultation) else consultation
    found = Consultation.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no consultation #%(id)s.") % {"id": pk})
    return found


def _require(actor, perm: str, message: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(message)


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
    _require(actor, OPEN_PERM, _("Only the board or the secretary opens a consultation."))
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


# --- Answering -------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    response: ConsultationResponse
    created: bool
    changed: bool


def _answer_rows(
    questions: list[ConsultationQuestion], answers: Mapping[int, object]
) -> list[ConsultationAnswer]:
    """The answer rows of ``answers`` (question id → value), checked against the
    questions; every error names the question's field (``question_<id>``)."""
    errors: dict[str, list[str]] = {}
    rows: list[ConsultationAnswer] = []

    def refuse(question: ConsultationQuestion, message: str) -> None:
        errors.setdefault(f"question_{question.pk}", []).append(message)

    known = {q.pk for q in questions}
    if set(answers) - known:
        raise InvalidInput(_("An answer is for a question this consultation does not ask."))
    for question in questions:
        value = answers.get(question.pk)
        if value in (None, "", [], ()):
            if question.required:
                refuse(question, _("Answer this question."))
            continue
        options = {o.pk for o in question.options.all()}
        if question.kind == Kind.SINGLE:
            chosen = _as_int(value)
            if chosen not in options:
                refuse(question, _("Choose one of the options."))
                continue
            rows.append(ConsultationAnswer(question=question, option_id=chosen))
        elif question.kind == Kind.MULTIPLE:
            values = value if isinstance(value, list | tuple | set) else [value]
            picked = {_as_int(v) for v in values}
            if not picked <= options:
                refuse(question, _("Choose among the options."))
                continue
            rows += [
                ConsultationAnswer(question=question, option_id=o)
                for o in sorted(p for p in picked if p is not None)
            ]
        elif question.kind == Kind.SCALE:
            point = _as_int(value)
            if point is None or not SCALE_MIN <= point <= SCALE_MAX:
                refuse(question, _("Choose a point from 1 to 5."))
                continue
            rows.append(ConsultationAnswer(question=question, scale=point))
        else:
            text = str(value).strip()
            if len(text) > TEXT_MAX_LENGTH:
                refuse(
                    question,
                    _("Write at most %(n)s characters.") % {"n": TEXT_MAX_LENGTH},
                )
                continue
            if text:
                rows.append(ConsultationAnswer(question=question, text=text))
            elif question.required:
                refuse(question, _("Answer this question."))
    if errors:
        raise InvalidInput(_("Some answers need your attention."), fields=errors)
    return rows


def _as_int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _signature(rows: Iterable[ConsultationAnswer]) -> set[tuple]:
    return {(r.question_id, r.option_id, r.scale, r.text) for r in rows}


def _window_check(consultation: Consultation, at: dt.datetime) -> None:
    if consultation.status != S.OPEN or at >= consultation.closes_at:
        raise VotingClosed(_("This consultation is closed: answers and comments are final."))
    if at < consultation.opens_at:
        raise VotingClosed(_("This consultation is not open yet."))


def _taking_part(consultation: Consultation, member: Member) -> None:
    if not consultation_may_take_part(consultation, member):
        raise NotEligible(_("You are not among the members consulted."))


@transaction.atomic
def consultation_respond(
    *,
    consultation: Consultation | int,
    member: Member,
    answers: Mapping[int, object],
    actor=None,
    at: dt.datetime | None = None,
) -> Answered:
    """Record ``member``'s answers (question id → an option id, option ids, a point of the
    scale or a text): the first time a response, later a change of it, until the close.
    The same answers again change nothing (``changed`` is False). Refused after the
    close, before the opening, and for a member not consulted; bad answers are refused
    together, each on its question, and nothing is saved."""
    at = at or timezone.now()
    # The consultation's row first: answers of one consultation, and its close, run one at
    # a time (two tabs of one member: the second sees the first's response).
    consultation = consultation_lock(consultation)
    _window_check(consultation, at)
    _taking_part(consultation, member)
    rows = _answer_rows(consultation_questions(consultation), answers)
    response = (
        ConsultationResponse.objects.select_for_update()
        .filter(consultation=consultation, member=member)
        .first()
    )
    created = response is None
    if response is None:
        try:
            with transaction.atomic():
                response = ConsultationResponse.objects.create(
                    consultation=consultation, member=member, created_at=at, updated_at=at
                )
        except IntegrityError:  # not reached under the lock; the constraint stands behind it
            raise VotingClosed(_("Your answer was just recorded; reload the page.")) from None
    else:
        if _signature(response.answers.all()) == _signature(rows):
            return Answered(response, created=False, changed=False)
        response.answers.all().delete()
        response.updated_at = at
        response.changes += 1
        response.save(update_fields=["updated_at", "changes"])
    for row in rows:
        row.response = response
    ConsultationAnswer.objects.bulk_create(rows)
    return Answered(response, created=created, changed=True)


# --- Comments --------------------------------------------------------------------------


@transaction.atomic
def consultation_comment(
    *,
    consultation: Consultation | int,
    member: Member,
    body: str,
    reply_to: ConsultationComment | int | None = None,
    key: str = "",
    actor=None,
    at: dt.datetime | None = None,
) -> ConsultationComment:
    """Post a comment (or a reply to one of the same consultation) while it is open, as
    a member consulted. ``key`` comes with the form: the same submission posted twice
    makes one comment (the first is returned)."""
    at = at or timezone.now()
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write your comment."), field="body")
    if len(body) > TEXT_MAX_LENGTH:
        raise InvalidInput(
            _("Write at most %(n)s characters.") % {"n": TEXT_MAX_LENGTH}, field="body"
        )
    key = (key or "").strip()[:64]
    consultation = consultation_lock(consultation)
    if key:
        existing = ConsultationComment.objects.filter(
            consultation=consultation, author=member, key=key
        ).first()
        if existing is not None:
            return existing
    _window_check(consultation, at)
    _taking_part(consultation, member)
    parent = None
    if reply_to is not None:
        parent_pk = reply_to.pk if isinstance(reply_to, ConsultationComment) else reply_to
        parent = ConsultationComment.objects.filter(pk=parent_pk, consultation=consultation).first()
        if parent is None:
            raise InvalidInput(
                _("The comment you reply to is not in this consultation."), field="reply_to"
            )
    return ConsultationComment.objects.create(
        consultation=consultation, author=member, reply_to=parent, body=body, key=key,
        created_at=at,
    )  # fmt: skip


@transaction.atomic
def comment_hide(
    *, comment: ConsultationComment | int, reason: str, actor, at: dt.datetime | None = None
) -> ConsultationComment:
    """Hide a comment, by a moderator and with a reason (both required): the comment row
    says it is hidden and why; the consultation's log records the moderation (which
    comment, who, when, why). Hiding it again changes nothing."""
    at = at or timezone.now()
    _require(actor, MODERATE_PERM, _("Only a moderator hides a comment."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the comment is hidden."), field="reason")
    pk = comment.pk if isinstance(comment, ConsultationComment) else comment
    found = ConsultationComment.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no such comment."))
    if found.hidden:
        return found
    found.hidden_at, found.hidden_by, found.hidden_reason = at, actor, reason
    found.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    consultation_event(
        consultation=found.consultation, type=T.COMMENT_HIDDEN, actor=actor, reason=reason,
        at=at, comment=found, data={"comment": found.pk, "author": found.author_id},
    )  # fmt: skip
    return found


# --- Closing and publishing ------------------------------------------------------------


@transaction.atomic
def consultation_close(
    *, consultation: Consultation | int, actor=None, at: dt.datetime | None = None
) -> Consultation:
    """Close at the announced time (the daily job, no actor), or earlier by the board or
    the secretary; count who could take part (the base of the turnout, kept), then
    publish the results (``consultation_publish``). Closing a closed consultation is a
    no-op, so the job and a person may both try."""
    at = at or timezone.now()
    consultation = consultation_lock(consultation)
    if consultation.status in (S.CLOSED, S.PUBLISHED):
        return consultation
    CONSULTATION.check(consultation.status, S.CLOSED)
    if at < consultation.closes_at:
        _require(actor, OPEN_PERM, _("The consultation closes at the announced time, not earlier."))
    consultation.eligible_count = consultation_eligible(consultation).count()
    old = CONSULTATION.move(consultation, S.CLOSED)
    consultation.closed_at = at
    consultation.save(update_fields=["status", "closed_at", "eligible_count"])
    consultation_event(
        consultation=consultation, type=T.CLOSED, actor=actor, at=at, old_value=old,
        new_value=consultation.status,
        data={"eligible": consultation.eligible_count,
              "respondents": consultation.responses.count(),
              "early": at < consultation.closes_at},
    )  # fmt: skip
    return consultation_publish(consultation=consultation, actor=actor, at=at)


@transaction.atomic
def consultation_publish(
    *, consultation: Consultation | int, actor=None, at: dt.datetime | None = None
) -> Consultation:
    """Publish a closed consultation's results: the members' pages show them, and after
    the commit ``consultation_published`` tells the disclosure pages (which add them to
    the publication of its meeting once that is published). Publishing again is a no-op."""
    at = at or timezone.now()
    consultation = consultation_lock(consultation)
    if consultation.status == S.PUBLISHED:
        return consultation
    old = CONSULTATION.move(consultation, S.PUBLISHED)
    consultation.published_at = at
    consultation.save(update_fields=["status", "published_at"])
    consultation_event(consultation=consultation, type=T.PUBLISHED, actor=actor, at=at,
                       old_value=old, new_value=consultation.status)  # fmt: skip
    transaction.on_commit(
        lambda: consultation_published.send(sender=Consultation, consultation=consultation)
    )
    return consultation


def consultation_close_if_due(consultation: Consultation) -> Consultation:
    """The pages' check: a consultation found open past its close is closed (and its
    results published) before it is shown, should the hourly job not have run yet."""
    if consultation.status == S.OPEN and consultation.closes_at <= timezone.now():
        return consultation_close(consultation=consultation)
    return consultation


def consultations_close_due(*, at: dt.datetime | None = None) -> int:
    """Close (and publish) every open consultation whose close has come; each in its own
    transaction. Returns how many were closed now; a second run closes none."""
    at = at or timezone.now()
    due = list(
        Consultation.objects.filter(status=S.OPEN, closes_at__lte=at).values_list("pk", flat=True)
    )
    closed = 0
    for pk in due:
        with transaction.atomic():
            consultation = consultation_lock(pk)
            if consultation.status == S.OPEN:
                consultation_close(consultation=consultation, at=at)
                closed += 1
    return closed
