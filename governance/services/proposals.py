"""Member proposals: a member drafts a motion, other members co-sign it in the portal;
at the articles' threshold (a number, or a share of the active members) it is queued for
the next assembly's agenda, where the board cannot drop it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, NotFound

from ..calculations import proposal_threshold
from ..models import Matter, Proposal, ProposalSignature
from ..selectors import articles_in_force
from ..transitions import PROPOSAL


def _active(member: Member, field: str = "member") -> None:
    if member.status != Member.Status.ACTIVE:
        raise NotAllowed(_("Only active members can do this."), field=field)


@transaction.atomic
def proposal_draft(*, author: Member, title: str, text: str, matter: str = Matter.GENERAL,
                   actor=None) -> Proposal:  # fmt: skip
    """Draft a proposal. Its threshold is fixed now, from the articles in force."""
    _active(author, "author")
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise InvalidInput(_("Give the proposal a title."), field="title")
    if not text:
        raise InvalidInput(_("Write the text of the motion you propose."), field="text")
    if matter not in Matter.values or matter == Matter.ELECTION:
        raise InvalidInput(_("Choose what the proposal decides."), field="matter")
    articles = articles_in_force()
    threshold = proposal_threshold(
        kind=articles.proposal_threshold_kind,
        number=articles.proposal_threshold_number,
        share_permille=articles.proposal_threshold_share_permille,
        active=Member.objects.filter(status=Member.Status.ACTIVE).count(),
    )
    return Proposal.objects.create(
        author=author, title=title, text=text, matter=matter, threshold=threshold
    )


@transaction.atomic
def proposal_cosign(*, proposal: Proposal | int, member: Member, actor=None) -> Proposal:
    """Co-sign a proposal once; the author's own name does not count. At the threshold
    the proposal is queued for the next assembly."""
    pk = proposal.pk if isinstance(proposal, Proposal) else proposal
    locked = Proposal.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("There is no proposal #%(id)s.") % {"id": pk})
    _active(member)
    # Co-signing is open while the proposal may still move to the queue (the table).
    if not PROPOSAL.allowed(locked.status, Proposal.Status.QUEUED):
        raise NotAllowed(_("This proposal already has the co-signatures it needs."))
    if locked.author_id == member.pk:
        raise InvalidInput(_("You wrote this proposal; other members co-sign it."))
    try:
        with transaction.atomic():
            ProposalSignature.objects.create(proposal=locked, member=member)
    except IntegrityError:
        raise InvalidInput(_("You have already co-signed this proposal.")) from None
    if locked.signatures.count() >= locked.threshold:
        PROPOSAL.move(locked, Proposal.Status.QUEUED)
        locked.queued_at = timezone.now()
        locked.save(update_fields=["status", "queued_at"])
    return locked
