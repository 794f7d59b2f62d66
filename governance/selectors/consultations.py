"""What is read of consultations: who may take part, what a member sees (their own
answers, never another's), the results counted by SQL (GROUP BY over the answers), the
free-text answers for staff (pseudonymous) and the comment thread as each reader may
see it (a hidden comment's text only to its author)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from members.models import Member
from mutualsociety.common.money import quantize_money, quantize_rate

from ..charts import share_bar_chart
from ..models import (
    Body,
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationOption,
    ConsultationQuestion,
    ConsultationResponse,
    Mandate,
    Meeting,
    RollEntry,
)
from ..models.consultations import SCALE_MAX, SCALE_MIN
from .eligibility import eligible_members

C = Consultation.Status


def share(part: int, whole: int) -> Decimal | None:
    """``part`` / ``whole`` as a rate (a fraction to six places, as every rate of the
    project: 0.333333 is 33.3333 %); None when ``whole`` is 0."""
    if not whole:
        return None
    return quantize_rate(Decimal(part) / Decimal(whole))


# --- Who may take part ------------------------------------------------------------------


def consultation_meeting(consultation: Consultation) -> Meeting | None:
    """The meeting a consultation belongs to: its own, or the meeting whose agenda holds
    its member proposal (None while the proposal is on no agenda)."""
    if consultation.meeting_id:
        return consultation.meeting
    item = getattr(consultation.proposal, "agenda_item", None) if consultation.proposal else None
    return item.meeting if item is not None else None


def consultation_eligible(consultation: Consultation) -> QuerySet[Member]:
    """Who may answer and comment: every active member (members in force), or the voters
    of its meeting: the frozen voter roll, and before the freeze those eligible today as
    for the vote (``eligible_members``). None for a voters' consultation without a
    meeting (its proposal is on no agenda yet)."""
    if consultation.audience == Consultation.Audience.MEMBERS:
        return Member.objects.filter(status=Member.Status.ACTIVE)
    meeting = consultation_meeting(consultation)
    if meeting is None:
        return Member.objects.none()
    if meeting.roll_frozen:
        return Member.objects.filter(
            pk__in=RollEntry.objects.filter(meeting=meeting).values("member_id")
        )
    return eligible_members(meeting.body, timezone.localdate())


def _voter_meetings(member: Member) -> QuerySet[Meeting]:
    """The meetings ``member`` may vote in (the same rule as ``consultation_eligible``,
    from the member's side): on the frozen roll, or before the freeze an active member of
    the general assembly or sitting on the body today."""
    today = timezone.localdate()
    mine = Q(roll__member=member)
    if member.status == Member.Status.ACTIVE:
        sitting = Mandate.objects.filter(member=member, starts_on__lte=today, ends_on__gt=today)
        mine |= Q(roll_hash="", body__kind=Body.Kind.GENERAL_ASSEMBLY) | Q(
            roll_hash="", body__in=sitting.values("body_id")
        )
    return Meeting.objects.filter(mine)


def consultations_for_member(member: Member) -> QuerySet[Consultation]:
    """The consultations ``member`` may take part in (opened, closed or published; a
    draft is nobody's yet), newest first; one query."""
    mine = Q(audience=Consultation.Audience.VOTERS) & (
        Q(meeting__in=_voter_meetings(member).values("pk"))
        | Q(proposal__agenda_item__meeting__in=_voter_meetings(member).values("pk"))
    )
    if member.status == Member.Status.ACTIVE:
        mine |= Q(audience=Consultation.Audience.MEMBERS)
    return (
        Consultation.objects.exclude(status=C.DRAFT)
        .filter(mine)
        .select_related("meeting", "proposal")
        .order_by("-opens_at", "-id")
    )


def consultation_visible_to_member(
    consultation_id: int, member: Member | None
) -> Consultation | None:
    """A consultation ``member`` may open (None for anyone else, and for a draft)."""
    if member is None:
        return None
    return consultations_for_member(member).filter(pk=consultation_id).first()


def consultation_may_take_part(consultation: Consultation, member: Member) -> bool:
    return consultations_for_member(member).filter(pk=consultation.pk).exists()


# --- Questions and a member's own answers ---------------------------------------------


def consultation_questions(consultation: Consultation) -> list[ConsultationQuestion]:
    """The questions in order with their options (two queries)."""
    return list(
        consultation.questions.order_by("order", "id").prefetch_related(
            Prefetch("options", queryset=ConsultationOption.objects.order_by("order", "id"))
        )
    )


@dataclass
class OwnAnswers:
    """A member's own response: when it was given and changed, and each answer by
    question id (an option id, a list of option ids, a point of the scale, a text)."""

    response: ConsultationResponse | None
    values: dict[int, object] = field(default_factory=dict)


def consultation_own_answers(consultation: Consultation, member: Member) -> OwnAnswers:
    """``member``'s answers (two queries): only theirs, whoever asks for them."""
    response = ConsultationResponse.objects.filter(consultation=consultation, member=member).first()
    values: dict[int, object] = {}
    if response is None:
        return OwnAnswers(None)
    chosen: dict[int, list[int]] = {}
    for answer in response.answers.select_related("question").order_by("question_id", "option_id"):
        kind = answer.question.kind
        if kind == ConsultationQuestion.Kind.MULTIPLE and answer.option_id is not None:
            chosen.setdefault(answer.question_id, []).append(answer.option_id)
            values[answer.question_id] = chosen[answer.question_id]
        elif kind == ConsultationQuestion.Kind.SINGLE:
            values[answer.question_id] = answer.option_id
        elif kind == ConsultationQuestion.Kind.SCALE:
            values[answer.question_id] = answer.scale
        else:
            values[answer.question_id] = answer.text
    return OwnAnswers(response, values)


# --- Results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of a result: an option or a point of the scale, how many chose it and
    their share of those who answered the question."""

    label: str
    count: int
    share: Decimal | None


@dataclass
class QuestionResult:
    question: ConsultationQuestion
    answered: int
    bars: list[Bar] = field(default_factory=list)
    mean: Decimal | None = None  # scale questions
    texts: int = 0  # free-text questions: how many answered (the texts go to staff)

    @property
    def chart(self) -> dict:
        """The bars drawn as SVG (``governance.charts``)."""
        return share_bar_chart([(b.label, b.count, b.share) for b in self.bars])


@dataclass
class ConsultationResults:
    consultation: Consultation
    respondents: int
    eligible: int
    turnout: Decimal | None
    questions: list[QuestionResult]


def consultation_results(consultation: Consultation) -> ConsultationResults:
    """The results, counted in the database: the respondents, the turnout against those
    who could take part (counted at the close; live while open), and per question how
    many answered, the count and share of each option (of those who answered it: the
    shares of a multiple choice add up to more than 100 %), and for a scale the
    distribution over 1-5 and the mean. A fixed number of queries (six) whatever the
    number of questions and answers."""
    questions = consultation_questions(consultation)
    answers = ConsultationAnswer.objects.filter(response__consultation=consultation)
    per_question: dict[int, dict[str, Any]] = {
        row["question_id"]: dict(row)
        for row in answers.order_by()
        .values("question_id")
        .annotate(answered=Count("response_id", distinct=True), total=Sum("scale"))
    }
    counts: dict[tuple[int, int | None, int | None], int] = {
        (row["question_id"], row["option_id"], row["scale"]): row["n"]
        for row in answers.filter(Q(option__isnull=False) | Q(scale__isnull=False))
        .order_by()
        .values("question_id", "option_id", "scale")
        .annotate(n=Count("id"))
    }
    respondents = ConsultationResponse.objects.filter(consultation=consultation).count()
    eligible = (
        consultation.eligible_count
        if consultation.eligible_count is not None
        else consultation_eligible(consultation).count()
    )
    out = []
    Kind = ConsultationQuestion.Kind
    for question in questions:
        row: dict[str, Any] = per_question.get(question.pk, {})
        answered = row.get("answered", 0)
        result = QuestionResult(question=question, answered=answered)
        if question.has_options:
            for option in question.options.all():
                n = counts.get((question.pk, option.pk, None), 0)
                result.bars.append(Bar(option.text, n, share(n, answered)))
        elif question.kind == Kind.SCALE:
            for point in range(SCALE_MIN, SCALE_MAX + 1):
                n = counts.get((question.pk, None, point), 0)
                result.bars.append(Bar(str(point), n, share(n, answered)))
            if answered:
                # two places, half up (the cent's rounding serves a mean of 1-5 as well)
                result.mean = quantize_money(Decimal(row["total"]) / Decimal(answered))
        else:
            result.texts = answered
        out.append(result)
    return ConsultationResults(
        consultation=consultation,
        respondents=respondents,
        eligible=eligible,
        turnout=share(respondents, eligible),
        questions=out,
    )


@dataclass(frozen=True)
class FreeText:
    question: ConsultationQuestion
    respondent: int  # "respondent 3": a number per response, never a name
    text: str


def consultation_free_texts(consultation: Consultation) -> list[FreeText]:
    """The free-text answers for staff, without names: each response is "respondent n"
    (numbered in the order the responses came in), never the member."""
    responses = {
        pk: n
        for n, pk in enumerate(
            ConsultationResponse.objects.filter(consultation=consultation)
            .order_by("created_at", "id")
            .values_list("pk", flat=True),
            start=1,
        )
    }
    rows = (
        ConsultationAnswer.objects.filter(
            response__consultation=consultation, question__kind=ConsultationQuestion.Kind.TEXT
        )
        .exclude(text="")
        .select_related("question")
        .order_by("question__order", "question_id", "response_id")
    )
    return [FreeText(a.question, responses[a.response_id], a.text) for a in rows]


def meeting_consultations(meeting: Meeting, *, published_only: bool = True) -> list:
    """The consultations about ``meeting`` (or a member proposal on its agenda) with their
    results: published ones for the public page; closed ones too for its members."""
    statuses = (C.PUBLISHED,) if published_only else (C.CLOSED, C.PUBLISHED)
    found = (
        Consultation.objects.filter(status__in=statuses)
        .filter(Q(meeting=meeting) | Q(proposal__agenda_item__meeting=meeting))
        .order_by("closes_at", "id")
    )
    return [consultation_results(c) for c in found]


# --- Comments --------------------------------------------------------------------------


def consultation_comments(
    consultation: Consultation, *, reader: Member | None, staff: bool = False
) -> list[ConsultationComment]:
    """The thread in the order posted (one query). A hidden comment keeps its text only
    for its author and for staff: everyone else gets it without the text (the page says
    it was hidden by a moderator and why)."""
    comments = list(
        ConsultationComment.objects.filter(consultation=consultation)
        .select_related("author")
        .order_by("created_at", "id")
    )
    for comment in comments:
        comment.mine = reader is not None and comment.author_id == reader.pk  # type: ignore[attr-defined]
        if comment.hidden and not (comment.mine or staff):  # type: ignore[attr-defined]
            comment.body = ""
    return comments
