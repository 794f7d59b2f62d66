"""Seats on a body (``Mandate``) held by staff's hand: appointing, changing, ending one.

Elections create their own mandates when the results are declared (``tally``); these
services are the secretary's, for seats filled otherwise (a board appointed by the
founders, a vacancy co-opted until the next election) and for the changes a seat sees
(a role within the board, a resignation). Each change is made on the locked body row and
appends a ``MandateEvent`` (who, when, the term before and after, why).

Rules:
- the general assembly has no seats: every active member sits in it;
- a seat is held by an active member, at most once at a time on a body, and a body does
  not hold more sitting seats than it has (``Body.seats``) on the day a term starts;
- a term ends after it starts; the past stays as it was: a mandate that has ended is not
  changed, a running term keeps the day it started, and nothing is ended before today
  (the voter roll of a past record date is rebuilt from these dates,
  ``selectors.eligible_members_on``);
- an elected seat's term is the election's: it can be ended early, with a reason, but not
  moved.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from members.regions import PROVINCES
from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, NotFound

from ..events import mandate_event, term
from ..models import Body, Mandate, MandateEvent


def _body_lock(body: Body | int) -> Body:
    pk = body.pk if isinstance(body, Body) else body
    found = Body.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no governing body #%(id)s.") % {"id": pk})
    return found


def _mandate_lock(mandate: Mandate | int) -> Mandate:
    """The mandate, its body locked first (every seat change of a body runs alone)."""
    pk = mandate.pk if isinstance(mandate, Mandate) else mandate
    body_id = Mandate.objects.filter(pk=pk).values_list("body_id", flat=True).first()
    if body_id is None:
        raise NotFound(_("There is no mandate #%(id)s.") % {"id": pk})
    _body_lock(body_id)
    return Mandate.objects.select_for_update().select_related("body", "member").get(pk=pk)


def _seat_checks(
    *,
    body: Body,
    member: Member,
    role: str,
    region: str,
    starts_on: dt.date,
    ends_on: dt.date,
    exclude: int | None = None,
) -> None:
    if role not in Mandate.Role.values:
        raise InvalidInput(_("Choose the role of the seat."), field="role")
    if region and region not in PROVINCES:
        raise InvalidInput(_("Choose a constituency from the list."), field="region")
    if starts_on >= ends_on:
        raise InvalidInput(_("A term ends after it starts."), field="ends_on")
    others = Mandate.objects.filter(body=body)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    overlap = (
        others.filter(member=member, starts_on__lt=ends_on, ends_on__gt=starts_on)
        .order_by("starts_on")
        .first()
    )
    if overlap is not None:
        raise InvalidInput(
            _("%(name)s already holds a seat on %(body)s from %(start)s to %(end)s.")
            % {
                "name": member.legal_name,
                "body": body.display_name,
                "start": format_date(overlap.starts_on),
                "end": format_date(overlap.ends_on),
            },
            field="member",
        )
    if body.seats:
        sitting = others.filter(starts_on__lte=starts_on, ends_on__gt=starts_on).count()
        if sitting >= body.seats:
            raise InvalidInput(
                _("All %(n)s seats of %(body)s are held on %(date)s.")
                % {"n": body.seats, "body": body.display_name, "date": format_date(starts_on)},
                field="starts_on",
            )


@transaction.atomic
def mandate_add(
    *,
    body: Body,
    member: Member,
    starts_on: dt.date,
    ends_on: dt.date,
    role: str = Mandate.Role.MEMBER,
    region: str = "",
    reason: str = "",
    actor=None,
) -> Mandate:
    """Give a member a seat on a body for a term (see the module's rules)."""
    body = _body_lock(body)
    if body.is_all_members:
        raise InvalidInput(
            _("Every active member sits in the general assembly: it has no seats to fill."),
            field="body",
        )
    member = Member.objects.get(pk=member.pk)
    if member.status != Member.Status.ACTIVE:
        raise NotAllowed(
            _("%(name)s is not an active member and cannot hold a seat.")
            % {"name": member.legal_name},
            field="member",
        )
    _seat_checks(body=body, member=member, role=role, region=region, starts_on=starts_on,
                 ends_on=ends_on)  # fmt: skip
    mandate = Mandate.objects.create(body=body, member=member, role=role, region=region,
                                     starts_on=starts_on, ends_on=ends_on)  # fmt: skip
    mandate_event(mandate=mandate, type=MandateEvent.Type.ADDED, actor=actor, reason=reason,
                  new_value=term(starts_on, ends_on),
                  data={"member": member.member_number, "role": role,
                        "region": region})  # fmt: skip
    return mandate


@transaction.atomic
def mandate_update(
    *,
    mandate: Mandate | int,
    role: str,
    region: str,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str = "",
    actor=None,
    today: dt.date | None = None,
) -> Mandate:
    """Change a seat's role, constituency or term (see the module's rules: not a seat
    that has ended; a running term keeps its start; an elected term does not move; a
    term is shortened to today only by ``mandate_end``, with a reason). A call that
    changes nothing records nothing."""
    today = today or timezone.localdate()
    mandate = _mandate_lock(mandate)
    if mandate.ends_on <= today:
        raise NotAllowed(
            _("This mandate ended on %(date)s: it is history and cannot be changed.")
            % {"date": format_date(mandate.ends_on)}
        )
    new = {"role": role, "region": region or "", "starts_on": starts_on, "ends_on": ends_on}
    changed = [name for name, value in new.items() if getattr(mandate, name) != value]
    if not changed:
        return mandate
    moved = {"starts_on", "ends_on"} & set(changed)
    if moved and mandate.elected_by_id is not None:
        raise NotAllowed(
            _("An elected seat's term is the election's: end it early with a reason instead."),
            field="ends_on",
        )
    if "starts_on" in changed and (mandate.starts_on <= today or starts_on < today):
        raise NotAllowed(
            _("A term that has started keeps its first day, and none starts in the past."),
            field="starts_on",
        )
    if "ends_on" in changed and ends_on <= today:
        raise InvalidInput(
            _("To end a seat today, end the mandate with the reason."), field="ends_on"
        )
    _seat_checks(body=mandate.body, member=mandate.member, role=role, region=region or "",
                 starts_on=starts_on, ends_on=ends_on, exclude=mandate.pk)  # fmt: skip
    before = term(mandate.starts_on, mandate.ends_on)
    diff = {name: [str(getattr(mandate, name)), str(new[name])] for name in changed}
    for name in changed:
        setattr(mandate, name, new[name])
    mandate.save(update_fields=changed)
    mandate_event(mandate=mandate, type=MandateEvent.Type.CHANGED, actor=actor, reason=reason,
                  old_value=before, new_value=term(mandate.starts_on, mandate.ends_on),
                  data={"changed": diff})  # fmt: skip
    return mandate


@transaction.atomic
def mandate_end(
    *,
    mandate: Mandate | int,
    reason: str,
    on: dt.date | None = None,
    actor=None,
    today: dt.date | None = None,
) -> Mandate:
    """End a seat early (a resignation, a removal, a death): from ``on`` (today by
    default, never before) the member no longer sits. The reason is recorded."""
    today = today or timezone.localdate()
    on = on or today
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the seat ends early."), field="reason")
    mandate = _mandate_lock(mandate)
    if on < today:
        raise NotAllowed(
            _("A seat cannot be ended in the past: who sat then stays on record."), field="on"
        )
    if on >= mandate.ends_on:
        raise InvalidInput(
            _("This mandate already ends on %(date)s.") % {"date": format_date(mandate.ends_on)},
            field="on",
        )
    if on <= mandate.starts_on:
        raise InvalidInput(
            _("This mandate starts on %(date)s; it can end only after that.")
            % {"date": format_date(mandate.starts_on)},
            field="on",
        )
    before = term(mandate.starts_on, mandate.ends_on)
    mandate.ends_on = on
    mandate.save(update_fields=["ends_on"])
    mandate_event(mandate=mandate, type=MandateEvent.Type.ENDED, actor=actor, reason=reason,
                  old_value=before, new_value=term(mandate.starts_on, on))  # fmt: skip
    return mandate
