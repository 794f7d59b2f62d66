"""Member proposals: co-signatures up to the articles' threshold, queued for the next assembly."""

from __future__ import annotations

import pytest

from governance.models import Proposal, ProposalSignature
from governance.services.proposals import proposal_cosign, proposal_draft
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from tests.governance.factories import members_make

pytestmark = pytest.mark.django_db


def test_reaching_the_threshold_queues_the_proposal(articles):
    articles.proposal_threshold_number = 2
    articles.save()
    author, a, b = members_make(3)
    proposal = proposal_draft(author=author, title="t", text="x")
    assert proposal.threshold == 2
    assert proposal_cosign(proposal=proposal, member=a).status == Proposal.Status.DRAFT
    proposal = proposal_cosign(proposal=proposal, member=b)
    assert proposal.status == Proposal.Status.QUEUED
    assert proposal.queued_at is not None


def test_threshold_as_a_share_of_the_active_members(articles):
    articles.proposal_threshold_kind = "share"
    articles.proposal_threshold_share_permille = 500  # half of the members
    articles.save()
    author, *_ = members_make(5)
    assert proposal_draft(author=author, title="t", text="x").threshold == 3


def test_signing_twice_and_signing_ones_own_are_refused(articles):
    author, a = members_make(2)
    proposal = proposal_draft(author=author, title="t", text="x")
    proposal_cosign(proposal=proposal, member=a)
    with pytest.raises(InvalidInput, match="already co-signed"):
        proposal_cosign(proposal=proposal, member=a)
    with pytest.raises(InvalidInput, match="You wrote"):
        proposal_cosign(proposal=proposal, member=author)
    assert ProposalSignature.objects.count() == 1


def test_only_active_members_propose_and_sign(articles):
    from members.models import Member

    author, a = members_make(2)
    Member.objects.filter(pk=a.pk).update(status=Member.Status.SUSPENDED)
    a.refresh_from_db()
    proposal = proposal_draft(author=author, title="t", text="x")
    with pytest.raises(NotAllowed):
        proposal_cosign(proposal=proposal, member=a)
    with pytest.raises(NotAllowed):
        proposal_draft(author=a, title="t", text="x")
    with pytest.raises(InvalidInput) as error:
        proposal_draft(author=author, title="", text="x")
    assert "title" in error.value.fields
