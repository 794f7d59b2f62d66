"""The members' answers and comments, and the moderation of comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import InvalidInput, NotFound

from ...events import consultation_event
from ...exceptions import NotEligible, VotingClosed
from ...models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationQuestion,
    ConsultationResponse,
)
from ...models.consultations import SCALE_MAX, SCALE_MIN, TEXT_MAX_LENGTH
from ...selectors.consultations import (
    consultation_may_take_part,
    consultation_questions,
)
from ._base import (
    MODERATE_PERM,
    Kind,
    S,
    T,
    consultation_lock,
    require_perm,
)

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
    require_perm(actor, MODERATE_PERM, _("Only a moderator hides a comment."))
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
