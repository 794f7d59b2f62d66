"""The annual report's governance: the governing bodies and their members, the
published meetings with their resolutions and vote results."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from governance.models import Mandate, Motion
from mutualsociety.common.display import punctuation
from mutualsociety.common.money import quantize_rate

from ..document import Cell, Section, Table, date, integer, percent, text
from ..figures import Reader
from .common import Common, choice, nothing


def governance_section(c: Common, block: Reader | None) -> Section:
    if block is None:
        return nothing(_("Governance"))
    lang = c.language
    tables: list[Table] = []
    for body in block.items("bodies"):
        name = body.req_label("name", lang)
        tables.append(
            Table(
                caption=name,
                headers=[pgettext("person", "Name"), _("Role"), _("Term starts"), _("Term ends")],
                rows=[
                    [
                        text(m.req_text("name")),
                        text(choice(Mandate.Role, m.text("role", required=False))),
                        date(m.date("starts_on", required=False)),
                        date(m.date("ends_on", required=False)),
                    ]
                    for m in body.items("mandates")
                ],
            )
        )
    rows: list[list[Cell]] = []
    notes: list[str] = []
    for meeting in block.items("meetings"):
        title = meeting.req_text("title")
        body_name = meeting.label("body", lang, required=False)
        shown = f"{title}{punctuation('(')}{body_name}{punctuation(')')}" if body_name else title
        closed_on = meeting.date("closed_on", required=False)
        roll_hash = meeting.text("roll_hash", required=False)
        if roll_hash:
            notes.append(
                _("Voter roll of %(meeting)s: %(size)s voters, fingerprint %(hash)s.")
                % {
                    "meeting": title,
                    "size": meeting.integer("roll_size", required=False) or 0,
                    "hash": roll_hash,
                }
            )
        for motion in meeting.items("motions"):
            eligible = motion.integer("eligible", required=False)
            participants = motion.integer("participants", required=False)
            turnout = (
                Decimal(participants) / Decimal(eligible)
                if eligible and participants is not None
                else None
            )
            outcome = choice(Motion.Outcome, motion.text("outcome", required=False))
            elected = motion.strings("elected")
            if elected:
                outcome = f"{outcome}{punctuation(':')}{punctuation('、').join(elected)}"
            rows.append(
                [
                    text(shown),
                    date(closed_on),
                    text(f"{motion.integer('number')}. {motion.req_text('title')}"),
                    integer(motion.integer("votes_for", required=False)),
                    integer(motion.integer("votes_against", required=False)),
                    integer(motion.integer("abstentions", required=False)),
                    percent(quantize_rate(turnout) if turnout is not None else None),
                    text(outcome),
                ]
            )
    if rows:
        tables.append(
            Table(
                caption=_("Resolutions and vote results"),
                headers=[
                    _("Meeting"),
                    _("Voting closed on"),
                    _("Motion"),
                    _("For"),
                    _("Against"),
                    _("Abstentions"),
                    _("Turnout"),
                    _("Outcome"),
                ],
                rows=rows,
            )
        )
    paragraphs = [
        _("Governing bodies: %(bodies)s. Meetings whose results were published: %(meetings)s.")
        % {
            "bodies": punctuation("、").join(
                body.req_label("name", lang) for body in block.items("bodies")
            )
            or "—",
            "meetings": len(block.items("meetings")),
        }
    ]
    return Section(heading=_("Governance"), paragraphs=paragraphs, tables=tables, notes=notes)
