"""A convened meeting's MEETING_NOTICE; a published meeting's RESOLUTIONS (with the
results of its published consultations) and MINUTES."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from governance.models import Consultation, Meeting
from governance.selectors import consultation_meeting, meetings_convened
from mutualsociety.common.display import format_date, format_rate
from mutualsociety.common.exceptions import InvalidInput, NotAllowed

from ...models import Kind
from .. import figures as fig
from ..figures.periods import _local_day
from .common import Result, _both, _publish


def _meeting(meeting: Meeting | int) -> Meeting:
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    found = meetings_convened().filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("There is no convened meeting %(id)s.") % {"id": pk})
    return found


def meeting_notice_publish(*, meeting: Meeting | int, at: dt.datetime | None = None) -> Result:
    """The notice of a convened meeting (MEETING_NOTICE): its body, voting window, place,
    record date and agenda."""
    meeting = _meeting(meeting)
    content = fig.meeting_notice_figures(meeting)
    head = content["meeting"]

    def texts() -> tuple[str, str]:
        values = {
            "meeting": meeting.title,
            "body": meeting.body.display_name,
            "opens": format_date(dt.datetime.fromisoformat(head["voting_opens_at"])),
            "closes": format_date(dt.datetime.fromisoformat(head["voting_closes_at"])),
            "place": meeting.location or _("online, on the members' portal"),
            "record": format_date(meeting.record_date) if meeting.record_date else "—",
        }
        lines = [
            _(
                "%(body)s convenes %(meeting)s. Voting opens on %(opens)s and closes on "
                "%(closes)s; place: %(place)s. Those eligible to vote on the record date, "
                "%(record)s, are on the voter roll."
            )
            % values,
        ]
        if content["agenda"]:
            lines.append(_("Agenda:"))
            lines += [f"{i}. {item['title']}" for i, item in enumerate(content["agenda"], 1)]
        if content["motions"]:
            lines.append(_("Motions put to the vote:"))
            lines += [f"{m['number']}. {m['title']}" for m in content["motions"]]
        return _("%(meeting)s: notice of meeting") % values, "\n".join(lines)

    day = _local_day(meeting.convened_at)
    return _publish(
        kind=Kind.MEETING_NOTICE,
        key=f"meeting_notice:meeting-{meeting.pk}",
        source=f"governance.meeting:{meeting.pk}",
        content=content,
        period=day.isoformat() if day else "",
        event_day=day,
        at=at,
        **_both(texts),
    )


def meeting_publications_publish(
    *, meeting: Meeting | int, at: dt.datetime | None = None
) -> list[Result]:
    """A published meeting's RESOLUTIONS (every motion's votes, turnout, outcome and the
    roll's fingerprint) and MINUTES (the approved text). A meeting not published is
    refused."""
    meeting = _meeting(meeting)
    if meeting.status != Meeting.Status.PUBLISHED:
        raise NotAllowed(_("The meeting's results and minutes are not published yet."))
    day = _local_day(meeting.published_at)
    period = day.isoformat() if day else ""
    results = fig.resolution_figures(meeting)

    def resolution_texts() -> tuple[str, str]:
        values = {
            "meeting": meeting.title,
            "body": meeting.body.display_name,
            "date": format_date(meeting.results_declared_at),
            "roll": meeting.roll_hash or "—",
        }
        lines = [
            _(
                "The motions put to the vote at %(meeting)s (%(body)s), with the votes for, "
                "against and abstaining, the turnout and the outcome of each, as declared on "
                "%(date)s. SHA-256 of the frozen voter roll: %(roll)s."
            )
            % values
        ]
        for motion in results["motions"]:
            lines.append(
                _(
                    "%(number)s. %(title)s: %(outcome)s (for %(for)s, against %(against)s, "
                    "abstaining %(abstain)s; turnout %(turnout)s)."
                )
                % {
                    "number": motion["number"],
                    "title": motion["title"],
                    "outcome": _outcome_label(motion["outcome"]),
                    "for": motion["votes_for"] if motion["votes_for"] is not None else "—",
                    "against": motion["votes_against"]
                    if motion["votes_against"] is not None
                    else "—",
                    "abstain": motion["abstentions"] if motion["abstentions"] is not None else "—",
                    "turnout": format_rate(motion["turnout"]) or "—",
                }
            )
        for consultation in results.get("consultations", []):
            lines.append(
                _(
                    "Consultation of the members: %(title)s (%(respondents)s answered out of "
                    "%(eligible)s consulted; turnout %(turnout)s)."
                )
                % {
                    "title": consultation["title"],
                    "respondents": consultation["respondents"],
                    "eligible": consultation["eligible"],
                    "turnout": format_rate(consultation["turnout"]) or "—",
                }
            )
            for question in consultation["questions"]:
                counts = "; ".join(
                    f"{o['label']} {o['count']} ({format_rate(o['share']) or '—'})"
                    for o in question["options"]
                )
                mean = (
                    _("mean %(mean)s") % {"mean": question["mean"]}
                    if question["mean"] is not None
                    else ""
                )
                detail = "; ".join(part for part in (counts, mean) if part)
                lines.append(f"· {question['text']}: {detail or question['answered']}")
        return _("%(meeting)s: resolutions and vote results") % values, "\n".join(lines)

    minutes = fig.minutes_figures(meeting)

    def minutes_texts() -> tuple[str, str]:
        values = {"meeting": meeting.title, "date": format_date(meeting.minutes_approved_at)}
        intro = _("The minutes of %(meeting)s, approved on %(date)s:") % values
        return _("%(meeting)s: minutes") % values, f"{intro}\n\n{minutes['minutes']}"

    common = {
        "source": f"governance.meeting:{meeting.pk}",
        "period": period,
        "event_day": day,
        "at": at,
    }
    return [
        _publish(
            kind=Kind.RESOLUTIONS,
            key=f"resolutions:meeting-{meeting.pk}",
            content=results,
            **common,
            **_both(resolution_texts),
        ),
        _publish(
            kind=Kind.MINUTES,
            key=f"minutes:meeting-{meeting.pk}",
            content=minutes,
            **common,
            **_both(minutes_texts),
        ),
    ]


def _outcome_label(outcome: str) -> str:
    from governance.models import Motion

    try:
        return str(Motion.Outcome(outcome).label)
    except ValueError:
        return outcome


def consultation_results_publish(
    *, consultation: Consultation | int, at: dt.datetime | None = None
) -> list[Result]:
    """A consultation's results are published with its meeting's RESOLUTIONS: when the
    meeting is already published, its resolutions are published again with them (a new
    version, the note naming the consultations); otherwise nothing now — the meeting's
    own publication will carry them. A consultation not published, or whose proposal is
    on no agenda, publishes nothing."""
    pk = consultation.pk if isinstance(consultation, Consultation) else consultation
    found = (
        Consultation.objects.select_related("meeting", "proposal")
        .filter(pk=pk, status=Consultation.Status.PUBLISHED)
        .first()
    )
    meeting = consultation_meeting(found) if found is not None else None
    if meeting is None or meeting.status != Meeting.Status.PUBLISHED:
        return []
    return meeting_publications_publish(meeting=meeting.pk, at=at)
