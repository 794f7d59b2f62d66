"""The figures of a meeting's publications (notice, resolutions, minutes) and the annual
report's governance block, from governance's selectors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.utils import timezone

from governance.models import Meeting
from governance.selectors import (
    body_mandates,
    governing_bodies,
    meeting_agenda,
    meeting_consultations,
    meeting_minutes,
    meeting_motions,
    meeting_results,
    motion_receipts,
    published_meetings,
)
from mutualsociety.common.money import quantize_rate

from ...reports import jsonable
from .periods import _label, _local_day


def _turnout(participants: int | None, eligible: int | None) -> Decimal | None:
    if not eligible or participants is None:
        return None
    return quantize_rate(Decimal(participants) / Decimal(eligible))


def _receipts_sha256(motion) -> str:
    """A fingerprint of a motion's published receipt list (``receipt:choice`` lines in
    receipt order): a voter who checked their receipt on the list can tell it is the
    list published here."""
    digest = hashlib.sha256()
    for ballot in motion_receipts(motion):
        names = ",".join(ballot.candidates)
        digest.update(f"{ballot.receipt}:{ballot.choice}:{names}\n".encode())
    return digest.hexdigest()


def meeting_head(meeting: Meeting) -> dict[str, Any]:
    """What every publication of a meeting says about it."""
    body = meeting.body
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "body": _label(body.name, body.name_en),
        "body_kind": body.kind,
        "kind": meeting.kind,
        "location": meeting.location,
        "voting_opens_at": timezone.localtime(meeting.voting_opens_at).isoformat(),
        "voting_closes_at": timezone.localtime(meeting.voting_closes_at).isoformat(),
        "record_date": meeting.record_date,
        "secret_ballot": meeting.secret_ballot,
        "roll_size": meeting.roll_size,
        "roll_sha256": meeting.roll_hash,
    }


def meeting_notice_figures(meeting: Meeting) -> dict[str, Any]:
    """The notice of a convened meeting: when, where, the agenda with its documents and
    motions (``meeting_agenda``) and every motion put to the vote (``meeting_motions``)."""
    agenda = []
    for item in meeting_agenda(meeting):
        agenda.append(
            {
                "order": item.order,
                "title": item.title,
                "description": item.description,
                "documents": [{"title": d.title, "url": d.url} for d in item.documents.all()],
                "motions": [
                    {"number": m.number, "title": m.title, "kind": m.kind, "matter": m.matter}
                    for m in sorted(item.motions.all(), key=lambda m: m.number)
                ],
            }
        )
    return jsonable(
        {
            "meeting": meeting_head(meeting),
            "convened_on": _local_day(meeting.convened_at),
            "agenda": agenda,
            "motions": [
                {"number": m.number, "title": m.title, "kind": m.kind, "matter": m.matter}
                for m in meeting_motions(meeting)
            ],
        }
    )


def resolution_figures(meeting: Meeting) -> dict[str, Any]:
    """Each motion's declared result (``meeting_results``): votes for, against and
    abstaining, turnout (took part / eligible, a fraction), outcome, the elected, and the
    fingerprints of the frozen roll and of the published receipt list."""
    motions = []
    for motion in meeting_results(meeting):
        candidates = getattr(motion, "ballot_candidates", [])
        motions.append(
            {
                "number": motion.number,
                "title": motion.title,
                "kind": motion.kind,
                "matter": motion.matter,
                "outcome": motion.outcome,
                "eligible": motion.eligible,
                "participants": motion.participants,
                "votes_for": motion.votes_for,
                "votes_against": motion.votes_against,
                "abstentions": motion.abstentions,
                "votes_cast": motion.votes_cast,
                "quorum_met": motion.quorum_met,
                "turnout": _turnout(motion.participants, motion.eligible),
                "roll_sha256": meeting.roll_hash,
                "receipts_sha256": _receipts_sha256(motion),
                "candidates": [
                    {"name": c.member.legal_name, "votes": c.votes, "status": c.status}
                    for c in candidates
                ],
                "elected": [c.member.legal_name for c in candidates if c.status == "elected"],
            }
        )
    figures: dict[str, Any] = {
        "meeting": meeting_head(meeting),
        "results_declared_on": _local_day(meeting.results_declared_at),
        "motions": motions,
    }
    consultations = consultation_figures(meeting)
    if consultations:  # only then: the figures of a meeting without any stay as they were
        figures["consultations"] = consultations
    return jsonable(figures)


def consultation_figures(meeting: Meeting) -> list[dict[str, Any]]:
    """The published consultations about the meeting (or a member proposal on its
    agenda), counted by SQL (``meeting_consultations``): respondents, those consulted,
    turnout, and per question how many answered, each option's or scale point's count
    and share, a scale's mean. Never a name nor a written answer."""
    out = []
    for results in meeting_consultations(meeting):
        consultation = results.consultation
        out.append(
            {
                "id": consultation.pk,
                "title": consultation.title,
                "closed_on": _local_day(consultation.closed_at),
                "respondents": results.respondents,
                "eligible": results.eligible,
                "turnout": results.turnout,
                "questions": [
                    {
                        "text": q.question.text,
                        "kind": q.question.kind,
                        "answered": q.answered,
                        "mean": q.mean,
                        "options": [
                            {"label": b.label, "count": b.count, "share": b.share} for b in q.bars
                        ],
                    }
                    for q in results.questions
                ],
            }
        )
    return out


def minutes_figures(meeting: Meeting) -> dict[str, Any]:
    """The approved minutes (``meeting_minutes``) with the meeting they record."""
    return jsonable(
        {
            "meeting": meeting_head(meeting),
            "minutes_approved_on": _local_day(meeting.minutes_approved_at),
            "minutes": meeting_minutes(meeting) or "",
        }
    )


def governance_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The bodies with their members sitting at ``end`` (``body_mandates``) and the
    meetings published whose vote closed in the year, with their results."""
    bodies = []
    for body in governing_bodies():
        bodies.append(
            {
                "kind": body.kind,
                "name": _label(body.name, body.name_en),
                "seats": body.seats,
                "mandates": [
                    {
                        "name": m.member.legal_name,
                        "role": m.role,
                        "starts_on": m.starts_on,
                        "ends_on": m.ends_on,
                    }
                    for m in body_mandates(body, on=end)
                ],
            }
        )
    meetings = []
    year = published_meetings().filter(
        voting_closed_at__date__gte=start, voting_closed_at__date__lte=end
    )
    for meeting in year.order_by("voting_closed_at", "pk"):
        results = resolution_figures(meeting)["motions"]
        meetings.append(
            {
                "title": meeting.title,
                "body": _label(meeting.body.name, meeting.body.name_en),
                "closed_on": _local_day(meeting.voting_closed_at),
                "roll_size": meeting.roll_size,
                "roll_hash": meeting.roll_hash,
                "motions": [
                    {
                        key: motion[key]
                        for key in (
                            "number",
                            "title",
                            "kind",
                            "eligible",
                            "participants",
                            "votes_for",
                            "votes_against",
                            "abstentions",
                            "outcome",
                            "elected",
                        )
                    }
                    for motion in results
                ],
            }
        )
    return {"bodies": bodies, "meetings": meetings}
