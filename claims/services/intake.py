"""Claim intake: the member's submission, its automatic checks, and supporting documents.

Refused outright (nothing saved, not even a file): a coverage that is not the member's
own, an event date in the future or before the cover started, an amount over the benefit
of the member's age band, a document that is not a PDF, JPEG or PNG by its content (the
name is not trusted), an empty or oversized document. Everything else is recorded and the
automatic checks are stored on the claim for the handler (docs/claims.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from members.identity import age_on
from members.models import Coverage, Member
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from mutualsociety.common.money import ZERO, is_whole_cents, quantize_money, to_decimal
from mutualsociety.common.services import amount_ceiling_check, sequence_next

from ..calculations import age_band_label, identifying_words
from ..models import Claim, ClaimDocument, ClaimEvent, ClaimReserve

#: Content signatures accepted, and the type each means.
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
#: Statuses in which documents may still be added.
OPEN_FOR_DOCUMENTS = (
    Claim.Status.SUBMITTED,
    Claim.Status.UNDER_REVIEW,
    Claim.Status.INFO_REQUESTED,
    Claim.Status.ASSESSED,
    Claim.Status.APPEALED,
)
#: Claims that use up the benefit of a coverage.
COUNTING = (Claim.Status.APPROVED, Claim.Status.PAID)
ACCOUNT_RE = re.compile(r"^[0-9 ]{8,40}$")


#: How many first bytes identify a document's type (the longest signature is 8).
SNIFF_BYTES = 16


@dataclass
class Upload:
    """A file as received: its name as given, and either its bytes or the uploaded file.

    An uploaded file (``Upload.of``) is not read until its size, as the upload handler
    measured it, passed the limit and its first bytes named an allowed type: an oversized
    file is refused without being read into memory.
    """

    name: str
    content: bytes | None = None
    file: Any = dc_field(default=None, repr=False)
    size: int | None = None

    @classmethod
    def of(cls, uploaded) -> Upload:
        return cls(name=uploaded.name, file=uploaded, size=uploaded.size)

    @property
    def length(self) -> int:
        return len(self.content) if self.content is not None else int(self.size or 0)

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        if self.content is not None:
            return self.content[:n]
        self.file.seek(0)
        data = self.file.read(n)
        self.file.seek(0)
        return data

    def read(self) -> bytes:
        if self.content is None:
            self.file.seek(0)
            self.content = self.file.read()
        return self.content


def publishable(claim: Claim, text: str, *, field: str) -> str:
    """Refuse text to be published on the case page (investigation summary, panel and staff
    reasons) that names the claimant: their legal name, identity number or date of birth."""
    member = Member.objects.only("legal_name", "id_number", "date_of_birth").get(pk=claim.member_id)
    found = identifying_words(
        text,
        legal_name=member.legal_name,
        id_number=member.id_number,
        date_of_birth=member.date_of_birth,
    )
    if found:
        raise InvalidInput(
            _(
                "This text is published on the case page: remove the claimant's name, "
                "identity number and date of birth."
            ),
            field=field,
        )
    return text


def claim_event(
    *,
    claim: Claim,
    type: str,
    actor=None,
    old: str = "",
    new: str = "",
    reason: str = "",
    data=None,
) -> ClaimEvent:  # noqa: A002
    return ClaimEvent.objects.create(
        claim=claim,
        type=type,
        actor=actor if getattr(actor, "pk", None) else None,
        old_status=old,
        new_status=new,
        reason=reason,
        data=data or {},
    )


def reserve_set(*, claim: Claim, amount: Decimal, actor=None, reason: str) -> ClaimReserve | None:
    """Record a new case-reserve estimate when it differs from the last one (dated row)."""
    last = claim.reserves.order_by("-recorded_at", "-id").first()
    if last is not None and last.amount == amount:
        return None
    return ClaimReserve.objects.create(
        claim=claim,
        as_of=timezone.localdate(),
        amount=amount,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason[:200],
    )


def document_type(content: bytes) -> str | None:
    """The type of a document by its first bytes (PDF, JPEG, PNG), or None."""
    for signature, content_type in MAGIC:
        if content.startswith(signature):
            return content_type
    return None


def document_check(upload: Upload, *, field: str = "documents") -> str:
    """Refuse an empty, oversized or unsupported file; return its content type. The size
    is checked before anything is read and the type from the first bytes only."""
    limit = settings.CLAIM_DOCUMENT_MAX_BYTES
    if upload.length <= 0:
        raise InvalidInput(_("%(name)s is empty.") % {"name": upload.name}, field=field)
    if upload.length > limit:
        raise InvalidInput(
            _("%(name)s is larger than the limit of %(mb)s MB.")
            % {"name": upload.name, "mb": round(limit / 1024 / 1024, 1)},
            field=field,
        )
    content_type = document_type(upload.head())
    if content_type is None:
        raise InvalidInput(
            _("%(name)s is not a PDF, JPEG or PNG file (checked by its content).")
            % {"name": upload.name},
            field=field,
        )
    return content_type


def document_path(document: ClaimDocument) -> Path:
    return Path(settings.CLAIM_DOCUMENTS_ROOT) / document.path


def _store(
    claim: Claim, uploads: list[tuple[Upload, str]], actor, written: list[Path]
) -> list[ClaimDocument]:
    """Write the files under the private root and record them. ``written`` collects the
    paths so that the caller removes them if its transaction fails (Django has no
    on-rollback hook)."""
    root = Path(settings.CLAIM_DOCUMENTS_ROOT)
    documents = []
    for upload, content_type in uploads:
        relative = f"{claim.pk}/{uuid.uuid4().hex}"
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(target)
        content = upload.read()
        target.write_bytes(content)
        documents.append(
            ClaimDocument.objects.create(
                claim=claim,
                path=relative,
                original_name=Path(upload.name).name[:200] or "document",
                content_type=content_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    return documents


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def coverage_remaining(coverage: Coverage, *, exclude: int | None = None) -> Decimal:
    """The benefit left on a coverage: sum assured less what was approved or paid."""
    used = (
        Claim.objects.filter(coverage=coverage, status__in=COUNTING)
        .exclude(pk=exclude)
        .aggregate(total=Sum("assessed_amount"))["total"]
        or ZERO
    )
    return coverage.sum_assured - used


def claim_checks(
    *, coverage: Coverage, kind: str, event_date: dt.date, today: dt.date, exclude=None
) -> dict:
    """The automatic checks shown to the handler (each True when it passes)."""
    version = coverage.plan_version
    ended = coverage.end_date
    in_force = coverage.start_date <= event_date and (ended is None or event_date < ended)
    exempt = kind == Claim.Kind.ACCIDENT and version.accidents_exempt_from_waiting
    duplicates = list(
        Claim.objects.filter(coverage=coverage, event_date=event_date, kind=kind)
        .exclude(status__in=[Claim.Status.WITHDRAWN, Claim.Status.REJECTED])
        .exclude(pk=exclude)
        .values_list("number", flat=True)
    )
    remaining = coverage_remaining(coverage, exclude=exclude)
    deadline = event_date + dt.timedelta(days=version.claim_reporting_deadline_days)
    return {
        "cover_in_force": in_force,
        "waiting_period_passed": exempt or event_date >= coverage.waiting_period_end,
        "waiting_period_end": coverage.waiting_period_end.isoformat(),
        "accident_exempt": exempt,
        "benefit": str(coverage.sum_assured),
        "remaining_limit": str(remaining),
        "within_remaining_limit": remaining > 0,
        "duplicates": duplicates,
        "no_duplicate": not duplicates,
        "reporting_deadline": deadline.isoformat(),
        "within_reporting_deadline": today <= deadline,
    }


def _clean(data: dict, member: Member, today: dt.date) -> tuple[Coverage, dict]:
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    coverage_id = data.get("coverage")
    coverage = (
        Coverage.objects.select_related("plan", "plan_version", "member")
        .filter(pk=getattr(coverage_id, "pk", coverage_id))
        .first()
        if coverage_id
        else None
    )
    if coverage is None:
        err("coverage", _("Choose one of your coverages."))
    elif coverage.member_id != member.pk:
        # The same answer as a coverage that does not exist: nothing about others leaks.
        raise NotAllowed(_("You can only claim on your own coverage."), field="coverage")
    kind = data.get("kind")
    if kind not in Claim.Kind.values:
        err("kind", _("Choose illness or accident."))
    event_date = data.get("event_date")
    if not isinstance(event_date, dt.date):
        err("event_date", _("Enter the date of the diagnosis or accident."))
    elif event_date > today:
        err("event_date", _("The event date cannot be in the future."))
    elif coverage is not None and event_date < coverage.start_date:
        err(
            "event_date",
            _("The event date is before your cover started (%(date)s).")
            % {"date": coverage.start_date.isoformat()},
        )
    description = (data.get("description") or "").strip()
    if len(description) < 10:
        err("description", _("Describe what happened in a few words (at least 10 characters)."))
    amount = None
    try:
        amount = to_decimal(data.get("amount_claimed") if data.get("amount_claimed") else "x")
        if not amount.is_finite() or amount <= 0 or not is_whole_cents(amount):
            raise ValueError
    except (TypeError, ValueError):
        err("amount_claimed", _("Enter the amount claimed in yuan, e.g. 50000.00."))
        amount = None
    if amount is not None:
        try:
            amount_ceiling_check(amount, field="amount_claimed")
        except InvalidInput as error:
            err("amount_claimed", error.message)
            amount = None
    if amount is not None and coverage is not None and amount > coverage.sum_assured:
        err(
            "amount_claimed",
            _("The amount is over the benefit of your cover (%(benefit)s).")
            % {"benefit": coverage.sum_assured},
        )
    holder = (data.get("bank_account_name") or "").strip()
    if not holder:
        err("bank_account_name", _("Enter the name of the account holder."))
    account = (data.get("bank_account_number") or "").strip()
    if not ACCOUNT_RE.match(account) or sum(c.isdigit() for c in account) < 8:
        err("bank_account_number", _("Enter the bank account number (8 to 34 digits)."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, fields=errors)
    return coverage, {
        "kind": kind,
        "event_date": event_date,
        "description": description,
        "amount_claimed": quantize_money(amount),
        "bank_account_name": holder[:100],
        "bank_account_number": account.replace(" ", "")[:34],
    }


def claim_submit(*, member: Member, data: dict, documents: list[Upload] = (), actor=None) -> Claim:
    """A member's claim on their own coverage, with its documents and automatic checks.

    ``data``: coverage (id), kind, event_date, description, amount_claimed,
    bank_account_name, bank_account_number. All or nothing: a refusal leaves no claim,
    no document row and no file behind.
    """
    today = timezone.localdate()
    coverage, clean = _clean(data, member, today)
    checked = [(upload, document_check(upload)) for upload in documents]
    written: list[Path] = []
    try:
        with transaction.atomic():
            claim = _create(member, coverage, clean, checked, actor, today, written)
    except BaseException:
        _remove(written)
        raise
    return claim


def _create(member, coverage, clean, checked, actor, today, written) -> Claim:
    year = today.year
    sequence = sequence_next(name=f"claim_number:{year}")
    claim = Claim.objects.create(
        number=f"C-{year}-{sequence:06d}",
        member=member,
        coverage=coverage,
        plan=coverage.plan,
        age_band=age_band_label(age_on(member.date_of_birth, clean["event_date"])),
        region=member.region,
        benefit=coverage.sum_assured,
        checks=claim_checks(
            coverage=coverage, kind=clean["kind"], event_date=clean["event_date"], today=today
        ),
        **clean,
    )
    _store(claim, checked, actor, written)
    claim_event(
        claim=claim,
        type="submitted",
        actor=actor,
        new=Claim.Status.SUBMITTED,
        data={"documents": len(checked), "checks": claim.checks},
    )
    reserve_set(
        claim=claim,
        amount=min(claim.amount_claimed, coverage.sum_assured),
        actor=actor,
        reason=_("Initial estimate: the amount claimed"),
    )
    return claim


def document_add_allowed(claim: Claim, actor) -> None:
    """Raise ``NotAllowed`` unless ``actor`` is the claim's member or may change claims."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in to add documents."))
    owner = Member.objects.filter(pk=claim.member_id).values_list("user_id", flat=True).first()
    if not (owner is not None and owner == actor.pk) and not actor.has_perm("claims.change_claim"):
        raise NotAllowed(_("Only the member who made the claim or claims staff add documents."))


def claim_document_add(*, claim: Claim, upload: Upload, actor) -> ClaimDocument:
    """Add a document to an open claim: only the member who owns it, or staff who may
    change claims (``claims.change_claim``) — a read-only role never writes into a claim."""
    document_add_allowed(claim, actor)
    content_type = document_check(upload, field="file")
    written: list[Path] = []
    try:
        with transaction.atomic():
            locked = Claim.objects.select_for_update().get(pk=claim.pk)
            if locked.status not in OPEN_FOR_DOCUMENTS:
                raise InvalidInput(
                    _("Documents can no longer be added to a claim that is %(status)s.")
                    % {"status": locked.get_status_display()},
                    field="file",
                )
            (document,) = _store(locked, [(upload, content_type)], actor, written)
            claim_event(claim=locked, type="document", actor=actor, data={"document": document.pk})
    except BaseException:
        _remove(written)
        raise
    return document
