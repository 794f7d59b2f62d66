"""Telling the members about a publication (``KindRule.members_told``): every member in
force finds it in their notifications, and those who asked for disclosure e-mails get it
by e-mail (``members.models.EMAILED_ON_REQUEST``). Set-based: one ``INSERT ... SELECT``
of the notifications whatever the number of members; keyed by the publication's version,
so a replayed task tells nobody twice."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from members.models import Topic
from members.selectors import members_in_force
from members.services.notifications import member_notify_many

from ..models import KindRule, Publication


def publication_members_tell(*, publication_id: int) -> int:
    """Tell the members in force today about a published version whose kind's rule asks
    for it; returns how many were told now (0 on a replay, a draft or a kind not told)."""
    publication = Publication.objects.filter(
        pk=publication_id, status=Publication.Status.PUBLISHED
    ).first()
    if publication is None:
        return 0
    if not KindRule.objects.filter(kind=publication.kind, members_told=True).exists():
        return 0
    return member_notify_many(
        members=members_in_force(as_of=timezone.localdate()),
        topic=Topic.DISCLOSURE,
        key=f"disclosure.publication:{publication.pk}",
        template="disclosure/email/publication",
        context={"publication": publication, "corrected": publication.version > 1},
        link=reverse("disclosure:publication", args=[publication.pk]),
    )
