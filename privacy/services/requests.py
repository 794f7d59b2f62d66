"""A member's requests about their personal data, and how staff answer them.

PIPL art. 46 (correction) and art. 47 (deletion); art. 47 also says what is not deleted:
records whose retention period a law sets and that has not ended. Those are
``RETAINED`` here, each under a category whose law and years are data
(``RetentionRule``): the service refuses that part of a deletion and says why. What
can be deleted is deleted through the members app's services (contact details,
notification texts and settings), and the member is told exactly what was done.
Every step is a transition of ``PRIVACY_REQUEST`` with an event (who, when, why) and a
notification to the member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, Topic
from members.services.locks import member_lock
from members.services.notifications import member_notify, notifications_erase
from members.services.profile import (
    IDENTITY_FIELDS,
    member_contact_erase,
    member_identity_correct,
    member_update_contact,
)
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput, NotAllowed

from ..events import request_event
from ..models import (
    CorrectionField,
    DeletionItem,
    PrivacyRequest,
    PrivacyRequestEvent,
    RetentionCategory,
    RetentionRule,
)
from ..selectors import privacy_settings_get
from ..transitions import PRIVACY_REQUEST

S = PrivacyRequest.Status

#: Deletion items a law requires the society to keep, and under which rule.
RETAINED: dict[str, str] = {
    DeletionItem.MEMBERSHIP: RetentionCategory.INSURANCE,
    DeletionItem.APPLICATIONS: RetentionCategory.INSURANCE,
    DeletionItem.CLAIMS: RetentionCategory.INSURANCE,
    DeletionItem.BENEFICIARIES: RetentionCategory.INSURANCE,
    DeletionItem.PAYMENTS: RetentionCategory.ACCOUNTING,
}
#: Contact details erased by ``member_contact_erase``.
CONTACT_ITEMS = {
    DeletionItem.PHONE: "phone",
    DeletionItem.EMAIL: "email",
    DeletionItem.ADDRESS: "address",
}
DETAILS_MAX = 2000


def _notify(request: PrivacyRequest, step: str) -> None:
    member_notify(
        member=request.member,
        topic=Topic.MEMBERSHIP,
        key=f"privacy.request:{request.pk}:{step}",
        template="privacy/email/request_update",
        context={"request": request, "step": step},
        link=reverse("privacy:request", args=[request.pk]),
    )


def _lock(request: PrivacyRequest | int) -> PrivacyRequest:
    request_id = request.pk if isinstance(request, PrivacyRequest) else request
    member_id = PrivacyRequest.objects.values_list("member_id", flat=True).get(pk=request_id)
    member_lock(member_id, no_key=True)  # the member first, as every members write
    return (
        PrivacyRequest.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=request_id)
    )


@transaction.atomic
def privacy_request_submit(
    *,
    member: Member,
    actor,
    kind: str,
    key: str,
    field: str = "",
    value: str = "",
    items: Iterable[str] = (),
    details: str = "",
) -> PrivacyRequest:
    """Record a member's request to correct (``field`` → ``value``) or delete
    (``items``) personal data, due in ``PrivacySettings.response_days`` days.

    ``key`` names the form that was submitted: the same key again (a double click, a
    replay) returns the first request and records nothing; the same key for another
    request is a conflict."""
    key = (key or "").strip()[:64]
    if not key:
        raise InvalidInput(_("The form has expired; open it again."), field="key")
    items = sorted(set(items))
    details = (details or "").strip()
    errors: dict[str, list[str]] = {}
    if kind == PrivacyRequest.Kind.CORRECTION:
        if field not in CorrectionField.values:
            errors["field"] = [_("Choose what should be corrected.")]
        value = (value or "").strip()
        if not value:
            errors["value"] = [_("Write what it should be.")]
        elif len(value) > 300:
            errors["value"] = [_("Write at most 300 characters.")]
        items = []
    elif kind == PrivacyRequest.Kind.DELETION:
        unknown = set(items) - set(DeletionItem.values)
        if not items or unknown:
            errors["items"] = [_("Choose what should be deleted.")]
        field, value = "", ""
    else:
        errors["kind"] = [_("Choose correction or deletion.")]
    if len(details) > DETAILS_MAX:
        errors["details"] = [_("Write at most 2000 characters.")]
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), fields=errors)
    member = member_lock(member, no_key=True)
    existing = PrivacyRequest.objects.filter(member=member, key=key).first()
    if existing is not None:
        if (existing.kind, existing.field, existing.value, existing.items) != (
            kind,
            field,
            value,
            items,
        ):
            raise IdempotencyConflict(_("This form was already sent with other answers."))
        return existing
    now = timezone.now()
    request = PrivacyRequest.objects.create(
        member=member,
        kind=kind,
        key=key,
        field=field,
        value=value,
        items=items,
        details=details,
        received_at=now,
        due_on=timezone.localdate(now) + dt.timedelta(days=privacy_settings_get().response_days),
    )
    request_event(
        request=request,
        type=PrivacyRequestEvent.Type.RECEIVED,
        actor=actor,
        new=S.RECEIVED,
        data={"kind": kind, "field": field, "items": items},
    )
    _notify(request, "received")
    return request


#: Who answers personal data requests (the compliance officer's role has it).
HANDLE_PERM = "privacy.change_privacyrequest"


def _handler_require(actor) -> None:
    """Only a person allowed to handle requests takes one up, carries it out or refuses
    it: carrying out a correction changes a member's name or date of birth."""
    if actor is None or not actor.has_perm(HANDLE_PERM):
        raise NotAllowed(_("Only the person handling personal data requests may do this."))


@transaction.atomic
def privacy_request_start(*, request: PrivacyRequest | int, actor) -> PrivacyRequest:
    """A handler takes the request up: in progress, under their name. Taking up a request
    already in progress under the same handler is a no-op."""
    _handler_require(actor)
    request = _lock(request)
    if request.status == S.IN_PROGRESS and request.handler_id == actor.pk:
        return request
    old = PRIVACY_REQUEST.move(request, S.IN_PROGRESS)
    request.handler = actor
    request.save(update_fields=["status", "handler"])
    request_event(
        request=request,
        type=PrivacyRequestEvent.Type.STATUS,
        actor=actor,
        old=old,
        new=request.status,
    )
    _notify(request, "in_progress")
    return request


def _rule_snapshot(category: str) -> dict[str, Any]:
    rule = RetentionRule.objects.filter(category=category).first()
    if rule is None:  # the rules are made by the migration and cannot be deleted
        return {"category": category}
    return {
        "category": category,
        "basis": rule.legal_basis,
        "basis_en": rule.legal_basis_en,
        "years": rule.years,
        "counted_from": rule.counted_from,
        "counted_from_en": rule.counted_from_en,
    }


def _erase(request: PrivacyRequest, actor) -> list[dict[str, Any]]:
    """Carry out a deletion: each item done (with what changed) or refused (with the
    rule that keeps it)."""
    member = request.member
    reason = _("Personal data request #%(id)d") % {"id": request.pk}
    outcome: list[dict[str, Any]] = []
    contact = [CONTACT_ITEMS[i] for i in request.items if i in CONTACT_ITEMS]
    erased = member_contact_erase(member=member, actor=actor, fields=contact, reason=reason)
    for item in request.items:
        if item in RETAINED:
            outcome.append(
                {"item": item, "result": "refused", "rule": _rule_snapshot(RETAINED[item])}
            )
        elif item in CONTACT_ITEMS:
            outcome.append(
                {"item": item, "result": "done", "count": int(CONTACT_ITEMS[item] in erased)}
            )
        elif item == DeletionItem.NOTIFICATIONS:
            counts = notifications_erase(member=member, actor=actor, reason=reason)
            outcome.append(
                {
                    "item": item,
                    "result": "done",
                    "count": counts["bodies"],
                    "settings": counts["settings"],
                }
            )
    return outcome


def _correct(request: PrivacyRequest, actor) -> list[dict[str, Any]]:
    reason = _("Personal data request #%(id)d") % {"id": request.pk}
    if request.field in IDENTITY_FIELDS:
        member_identity_correct(
            member=request.member,
            actor=actor,
            field=request.field,
            value=request.value,
            reason=reason,
        )
    else:
        member_update_contact(
            member=request.member, actor=actor, changes={request.field: request.value}
        )
    return [{"item": request.field, "result": "done", "value": request.value}]


@transaction.atomic
def privacy_request_complete(
    *, request: PrivacyRequest | int, actor, decision: str = ""
) -> PrivacyRequest:
    """Carry the request out and answer it. A correction is applied through the members
    app's checks (a value they refuse is refused here, with their message, and nothing
    changes). A deletion deletes what may be deleted and refuses what a law requires to
    be kept: done, partly refused or refused. Answering a request twice is refused."""
    _handler_require(actor)
    request = _lock(request)
    if request.kind == PrivacyRequest.Kind.CORRECTION:
        outcome = _correct(request, actor)
    else:
        outcome = _erase(request, actor)
    refused = [line for line in outcome if line["result"] == "refused"]
    if not refused:
        new = S.DONE
    elif len(refused) == len(outcome):
        new = S.REFUSED
    else:
        new = S.PARTLY_REFUSED
    return _close(request, actor=actor, new=new, outcome=outcome, decision=decision)


@transaction.atomic
def privacy_request_refuse(*, request: PrivacyRequest | int, actor, reason: str) -> PrivacyRequest:
    """Refuse the whole request, with the reason the member is given."""
    _handler_require(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the member the reason for the refusal."), field="reason")
    request = _lock(request)
    return _close(request, actor=actor, new=S.REFUSED, outcome=[], decision=reason)


def _close(
    request: PrivacyRequest, *, actor, new: str, outcome: list[dict[str, Any]], decision: str
) -> PrivacyRequest:
    old = PRIVACY_REQUEST.move(request, new)
    request.handler = request.handler or actor
    request.closed_at = timezone.now()
    request.outcome = outcome
    request.decision = (decision or "").strip()
    request.save(update_fields=["status", "handler", "closed_at", "outcome", "decision"])
    request_event(
        request=request,
        type=PrivacyRequestEvent.Type.STATUS,
        actor=actor,
        old=old,
        new=new,
        reason=request.decision,
        data={"outcome": [{"item": o["item"], "result": o["result"]} for o in outcome]},
    )
    _notify(request, "closed")
    return request
