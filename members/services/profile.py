"""Changes a member makes to their own contact details (identity changes go through staff)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput

from ..events import member_event
from ..models import Member, MemberEvent
from ..regions import PROVINCES
from ..rules import ADDRESS_MAX, email_valid, phone_normalise, phone_valid
from .locks import member_lock

CONTACT_FIELDS = ("phone", "email", "region", "address")


@transaction.atomic
def member_update_contact(*, member: Member | int, actor, changes: Mapping[str, str]) -> Member:
    """Change phone, e-mail, region or address; each change is kept in the history.

    Name, identity document and date of birth are not contact details: staff change them
    after checking documents.
    """
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Only contact details can be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            fields={name: [_("Ask the society's staff to change this.")] for name in unknown},
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    if "phone" in changes:
        phone = phone_normalise(changes["phone"])
        if not phone_valid(phone):
            errors["phone"] = [
                _("Enter an 11-digit mobile number, or an international one with +.")
            ]
        cleaned["phone"] = phone
    if "email" in changes:
        email = (changes["email"] or "").strip()
        if email and not email_valid(email):
            errors["email"] = [_("Enter a valid e-mail address.")]
        cleaned["email"] = email
    if "region" in changes:
        if changes["region"] not in PROVINCES:
            errors["region"] = [_("Choose your province or region.")]
        cleaned["region"] = changes["region"]
    if "address" in changes:
        address = (changes["address"] or "").strip()
        if len(address) > ADDRESS_MAX:
            errors["address"] = [_("The address is longer than 300 characters.")]
        cleaned["address"] = address
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), fields=errors)
    member = member_lock(member)
    changed = []
    for name, value in cleaned.items():
        old = getattr(member, name)
        if old != value:
            setattr(member, name, value)
            changed.append(name)
            member_event(
                member=member,
                type=MemberEvent.Type.PROFILE,
                actor=actor,
                old=old,
                new=value,
                data={"field": name},
            )
    if changed:
        member.save(update_fields=changed)
        # No query for a member without a login: their user is None from user_id alone.
        if {"phone", "email"} & set(changed) and member.user is not None:
            user = member.user
            user.phone, user.email = member.phone, member.email
            user.save(update_fields=["phone", "email"])
    return member
