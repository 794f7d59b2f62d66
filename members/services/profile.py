"""Changes to a member's own details: contact details the member changes; identity
details staff correct after checking documents; contact details erased on request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput

from ..events import member_event
from ..identity import parse_resident_id
from ..models import Member, MemberEvent
from ..regions import PROVINCES
from ..rules import (
    ADDRESS_MAX,
    NAME_MAX,
    email_valid,
    iso_date,
    phone_normalise,
    phone_valid,
)
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


#: Identity details staff correct after checking the member's documents.
IDENTITY_FIELDS = ("legal_name", "date_of_birth", "sex")
#: Contact details a member may have erased (PIPL art. 47); the region stays (it decides
#: the regional statistics the society must publish).
ERASABLE_FIELDS = ("phone", "email", "address")


@transaction.atomic
def member_identity_correct(
    *, member: Member | int, actor, field: str, value: str, reason: str
) -> Member:
    """Correct the member's legal name, date of birth or sex, as staff found it on the
    identity document (PIPL art. 46). A resident identity number encodes the date of
    birth and the sex: a correction that contradicts it is refused (the number itself
    would be wrong, and is corrected by re-registration). Kept in the history."""
    if field not in IDENTITY_FIELDS:
        raise InvalidInput(_("This detail is not corrected here."), field="field")
    member = member_lock(member)
    text = (value or "").strip()
    new: object = text
    if field == "legal_name":
        if not text or len(text) > NAME_MAX:
            raise InvalidInput(
                _("Enter the name as on the identity document (at most 100 characters)."),
                field="value",
            )
    elif field == "date_of_birth":
        born = iso_date(text)
        if born is None or born > timezone.localdate():
            raise InvalidInput(_("Enter a past date as YYYY-MM-DD."), field="value")
        new = born
    elif text not in Member.Sex.values:
        raise InvalidInput(_("Enter F or M."), field="value")
    if member.id_type == Member.IdType.RESIDENT_ID and field != "legal_name":
        parsed = parse_resident_id(member.id_number)
        encoded = parsed.date_of_birth if field == "date_of_birth" else parsed.sex
        if new != encoded:
            raise InvalidInput(
                _("The identity number on file says otherwise; it must be corrected first."),
                field="value",
            )
    old = getattr(member, field)
    if old != new:
        setattr(member, field, new)
        member.save(update_fields=[field])
        member_event(
            member=member,
            type=MemberEvent.Type.PROFILE,
            actor=actor,
            old=str(old),
            new=str(new),
            reason=reason,
            data={"field": field},
        )
    return member


@transaction.atomic
def member_contact_erase(
    *, member: Member | int, actor, fields: Iterable[str], reason: str
) -> list[str]:
    """Erase contact details at the member's request (PIPL art. 47): phone, e-mail,
    address. Returns the fields that held something and are now empty. The history
    records which field was erased, not its value."""
    unknown = set(fields) - set(ERASABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Only the phone number, the e-mail address and the address can be erased."),
            field="items",
        )
    member = member_lock(member)
    erased = [name for name in ERASABLE_FIELDS if name in fields and getattr(member, name)]
    for name in erased:
        setattr(member, name, "")
        member_event(
            member=member,
            type=MemberEvent.Type.PROFILE,
            actor=actor,
            reason=reason,
            data={"field": name, "erased": True},
        )
    if erased:
        member.save(update_fields=erased)
        if {"phone", "email"} & set(erased) and member.user is not None:
            user = member.user
            user.phone, user.email = member.phone, member.email
            user.save(update_fields=["phone", "email"])
    return erased
