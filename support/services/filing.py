"""Filing a complaint: by a member (about one of their own claims, applications or
apportioned shares, or a service) or by a person who is signed out (with their name and
a phone number or an e-mail address), with documents checked as claim documents are
(``claims.services.documents``: size first, type from the content).

Every refusal names its field and saves nothing. The form carries a submission key: the
same key again (a double click, a replayed request, two requests at once) answers the
complaint filed the first time and files nothing more; the database's unique key decides
a race.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from claims.models import Claim
from claims.services.documents import Upload, document_check, files_remove, upload_write
from members.models import Application, ContributionDue, Member
from members.rules import phone_normalise, phone_valid
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from mutualsociety.common.services import sequence_next

from ..calendar import working_days_after
from ..events import complaint_event
from ..models import Complaint, ComplaintDocument, ComplaintEvent
from .notify import complainant_tell
from .settings import complaint_settings_get

C = Complaint.Category

#: At most this many documents with one complaint.
MAX_DOCUMENTS = 10
#: The longest description and desired outcome accepted.
MAX_TEXT = 5000
#: The category each kind of linked object means.
OBJECT_CATEGORY = {"claim": C.CLAIM, "application": C.UNDERWRITING, "share": C.APPORTIONMENT}


@dataclass(frozen=True)
class ComplaintData:
    """A complaint as the complainant typed it (ids of linked objects, not rows)."""

    category: str
    description: str
    desired_outcome: str = ""
    claim: int | None = None
    application: int | None = None
    share: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class Filed:
    """A filed complaint, and for a complainant who is signed out the secret of the link
    they follow it by (the same secret when the same submission is replayed)."""

    complaint: Complaint
    secret: str
    created: bool


def complaint_secret(submission_key: str) -> str:
    """The follow-up secret of a signed-out complainant's submission: derived from the
    submission key with the site's secret key, so a replayed submission shows the same
    link, and nobody without the key can compute it. Only its hash is stored."""
    return salted_hmac("support.complaint_secret", submission_key).hexdigest()[:32]


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def complaint_secret_matches(complaint: Complaint, secret: str) -> bool:
    return bool(complaint.secret_hash) and constant_time_compare(
        complaint.secret_hash, secret_hash(secret or "")
    )


def complaint_deadlines(received_on: dt.date) -> tuple[dt.date, dt.date]:
    """(acknowledge by, resolve by) of a complaint received on ``received_on``, from the
    settings: the acknowledgement in working days (``support.calendar``), the outcome in
    calendar days."""
    settings = complaint_settings_get()
    acknowledge_by = working_days_after(received_on, settings.acknowledge_working_days)
    resolve_by = received_on + dt.timedelta(days=settings.resolve_days)
    return acknowledge_by, resolve_by


def _linked(member: Member | None, data: ComplaintData, errors: dict[str, list[str]]):
    """The objects the complaint names, each checked to be the member's own."""
    named = {
        name: value
        for name, value in (
            ("claim", data.claim),
            ("application", data.application),
            ("share", data.share),
        )
        if value is not None
    }
    found: dict[str, object] = {}
    if not named:
        return found
    if member is None:
        for name in named:
            errors.setdefault(name, []).append(
                _("Sign in to name one of your claims, applications or shares.")
            )
        return found
    if len(named) > 1:
        for name in named:
            errors.setdefault(name, []).append(_("Name one object at most."))
        return found
    ((name, pk),) = named.items()
    # Only the member's own: another member's object answers as if it did not exist.
    obj: Claim | Application | ContributionDue | None
    if name == "claim":
        obj = Claim.objects.filter(pk=pk, member=member).first()
        missing = _("You have no claim with this number.")
    elif name == "application":
        obj = Application.objects.filter(pk=pk, member=member).first()
        missing = _("You have no application with this number.")
    else:
        obj = ContributionDue.objects.filter(
            pk=pk, member=member, kind=ContributionDue.Kind.SHARE
        ).first()
        missing = _("You have no apportioned share with this number.")
    if obj is None:
        errors.setdefault(name, []).append(missing)
    elif data.category != OBJECT_CATEGORY[name]:
        errors.setdefault("category", []).append(
            _("A complaint about %(object)s is filed as “%(category)s”.")
            % {"object": obj, "category": OBJECT_CATEGORY[name].label}
        )
    else:
        found[name] = obj
    return found


def _check(
    member: Member | None,
    data: ComplaintData,
    documents: Sequence[Upload],
    submission_key: str,
) -> tuple[dict[str, object], list[tuple[Upload, str]], str]:
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if data.category not in C.values:
        refuse("category", _("Choose what the complaint is about."))
    if not (data.description or "").strip():
        refuse("description", _("Say what happened."))
    elif len(data.description) > MAX_TEXT:
        refuse("description", _("At most %(n)s characters.") % {"n": MAX_TEXT})
    if len(data.desired_outcome or "") > MAX_TEXT:
        refuse("desired_outcome", _("At most %(n)s characters.") % {"n": MAX_TEXT})
    phone = phone_normalise(data.contact_phone)
    if member is None:
        if not (data.contact_name or "").strip():
            refuse("contact_name", _("Give your name, so that we can answer you."))
        elif len(data.contact_name) > 100:
            refuse("contact_name", _("At most %(n)s characters.") % {"n": 100})
        if not phone and not (data.contact_email or "").strip():
            refuse("contact_email", _("Give an e-mail address or a mobile phone number."))
    if phone and not phone_valid(phone):
        refuse("contact_phone", _("Enter a mainland mobile number or +country code number."))
    if data.contact_email:
        try:
            validate_email(data.contact_email)
        except ValidationError:
            refuse("contact_email", _("Enter a valid e-mail address."))
    if not submission_key or len(submission_key) > 64:
        refuse("submission_key", _("The form has expired: open it again and resend it."))
    linked = _linked(member, data, errors)
    checked: list[tuple[Upload, str]] = []
    if len(documents) > MAX_DOCUMENTS:
        refuse("documents", _("At most %(n)s documents.") % {"n": MAX_DOCUMENTS})
    else:
        for upload in documents:
            try:
                checked.append((upload, document_check(upload, field="documents")))
            except InvalidInput as error:
                refuse("documents", error.message)
    if errors:
        raise InvalidInput(
            _("The complaint was not filed: correct the fields named."), fields=errors
        )
    return linked, checked, phone


def _replayed(key: str, member: Member | None) -> Complaint | None:
    existing = Complaint.objects.filter(submission_key=key).first()
    if existing is None:
        return None
    if existing.member_id != (member.pk if member else None):
        raise IdempotencyConflict(
            _("This form was already sent by someone else: open it again."),
            field="submission_key",
        )
    return existing


def complaint_file(
    *,
    data: ComplaintData,
    submission_key: str,
    member: Member | None = None,
    documents: Sequence[Upload] = (),
    actor=None,
) -> Filed:
    """File a complaint (issue 13, "Member services"; the deadlines of the complaint-
    handling measures, as ``ComplaintSettings`` holds them). A member may name one of
    their own objects (never another member's); a person who is signed out gives their
    contact details and gets a reference and a secret link. Acknowledgement and outcome
    deadlines are fixed on receipt. The complainant is told (the notification centre, or
    an e-mail through the outbox). The same ``submission_key`` again files nothing and
    answers the first complaint."""
    existing = _replayed(submission_key, member) if submission_key else None
    secret = "" if member is not None else complaint_secret(submission_key or "")
    if existing is not None:
        return Filed(complaint=existing, secret=secret, created=False)
    linked, checked, phone = _check(member, data, documents, submission_key)
    written: list[Path] = []
    try:
        with transaction.atomic():
            complaint = _create(
                member=member,
                data=data,
                phone=phone,
                linked=linked,
                checked=checked,
                submission_key=submission_key,
                secret=secret,
                actor=actor,
                written=written,
            )
    except IntegrityError:
        # Two requests with the same key at once: the other one filed it.
        files_remove(written)
        existing = _replayed(submission_key, member)
        if existing is None:
            raise
        return Filed(complaint=existing, secret=secret, created=False)
    except BaseException:
        files_remove(written)
        raise
    return Filed(complaint=complaint, secret=secret, created=True)


def _create(
    *,
    member: Member | None,
    data: ComplaintData,
    phone: str,
    linked: dict[str, object],
    checked: list[tuple[Upload, str]],
    submission_key: str,
    secret: str,
    actor,
    written: list[Path],
) -> Complaint:
    now = timezone.now()
    received_on = timezone.localdate(now)
    acknowledge_by, resolve_by = complaint_deadlines(received_on)
    number = sequence_next(name=f"complaint-{received_on.year}")
    complaint = Complaint.objects.create(
        reference=f"TS{received_on.year}{number:06d}",
        member=member,
        contact_name=(data.contact_name or "").strip() if member is None else "",
        contact_phone=phone,
        contact_email=(data.contact_email or "").strip(),
        secret_hash=secret_hash(secret) if secret else "",
        category=data.category,
        description=data.description.strip(),
        desired_outcome=(data.desired_outcome or "").strip(),
        received_at=now,
        received_on=received_on,
        acknowledge_by=acknowledge_by,
        resolve_by=resolve_by,
        submission_key=submission_key,
        filed_by=actor if getattr(actor, "pk", None) else None,
        **linked,
    )
    for upload, content_type in checked:
        stored = upload_write(upload, folder=f"complaints/{complaint.pk}", written=written)
        ComplaintDocument.objects.create(
            complaint=complaint,
            path=stored.path,
            original_name=stored.original_name,
            content_type=content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
    event = complaint_event(
        complaint=complaint,
        type=ComplaintEvent.Type.FILED,
        actor=actor,
        new_value=complaint.status,
        data={"documents": len(checked)},
    )
    complainant_tell(complaint=complaint, event=event)
    return complaint
