"""Proxies: a voter lets another eligible voter vote for them at one meeting.

Appointed and revoked between convening and the opening of the vote, on the locked
meeting row, each with a meeting event. Rules (articles; docs/governance.md): proxies
allowed at all, at most ``proxies_max_per_holder`` per holder, not oneself, holder and
principal both eligible voters, no chains either way.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, NotFound

from ..events import meeting_event
from ..exceptions import NotEligible
from ..models import Meeting, MeetingEvent, Proxy, RollEntry
from ..selectors import eligible_members, live_proxy, meeting_articles

S = Meeting.Status


@transaction.atomic
def proxy_appoint(*, meeting: Meeting, principal: Member, holder: Member, actor=None) -> Proxy:
    """Appoint another eligible voter as proxy for one meeting, before voting opens.

    Refused: proxies not allowed by the articles; oneself; a holder who is not eligible;
    a holder already carrying the most proxies the articles allow; a principal who
    already has a proxy (revoke it first); a chain either way — a holder who gave their
    own vote to a proxy, or a principal who holds proxies. The meeting row is locked, so
    appointments and revocations of one meeting run one at a time.
    """
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("articles", "body")
        .get(pk=meeting.pk)
    )
    if meeting.status != S.CONVENED:
        raise NotAllowed(_("Proxies are appointed between convening and the opening of the vote."))
    articles = meeting_articles(meeting)
    if not articles.proxies_allowed:
        raise NotAllowed(_("The articles do not allow voting by proxy."))
    if holder.pk == principal.pk:
        raise InvalidInput(_("You cannot appoint yourself as your proxy."), field="holder")
    on = meeting.record_date or timezone.localdate()
    if meeting.roll_frozen:
        on_roll = set(
            RollEntry.objects.filter(meeting=meeting, member__in=[principal, holder]).values_list(
                "member_id", flat=True
            )
        )
    else:
        on_roll = set(
            eligible_members(meeting.body, on)
            .filter(pk__in=[principal.pk, holder.pk])
            .values_list("pk", flat=True)
        )
    if principal.pk not in on_roll:
        raise NotEligible(_("Only an eligible voter can appoint a proxy."), field="principal")
    if holder.pk not in on_roll:
        raise NotEligible(
            _("%(name)s is not an eligible voter at this meeting and cannot hold a proxy.")
            % {"name": holder.legal_name},
            field="holder",
        )
    # Lock the holder's live proxies so two appointments cannot both take the last slot.
    carried = list(
        Proxy.objects.select_for_update()
        .filter(meeting=meeting, holder=holder, revoked_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if len(carried) >= articles.proxies_max_per_holder:
        raise InvalidInput(
            _("%(name)s already holds %(n)s proxies, the most the articles allow.")
            % {"name": holder.legal_name, "n": articles.proxies_max_per_holder},
            field="holder",
        )
    if live_proxy(meeting, principal) is not None:
        raise InvalidInput(
            _("You already have a proxy for this meeting; revoke it first."), field="holder"
        )
    if live_proxy(meeting, holder) is not None:
        raise InvalidInput(
            _("%(name)s has given their own vote to a proxy and cannot hold one.")
            % {"name": holder.legal_name},
            field="holder",
        )
    # No chains, whichever is appointed first: a member holding proxies keeps their own
    # vote (their principals relied on them voting), so they cannot give it away.
    if Proxy.objects.filter(meeting=meeting, holder=principal, revoked_at__isnull=True).exists():
        raise InvalidInput(
            _(
                "You hold proxies of other members for this meeting, so you cannot give "
                "your own vote to a proxy."
            ),
            field="holder",
        )
    proxy = Proxy.objects.create(meeting=meeting, principal=principal, holder=holder)
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.PROXY,
        actor=actor,
        data={"principal": principal.member_number, "holder": holder.member_number},
    )
    return proxy


@transaction.atomic
def proxy_revoke(*, proxy: Proxy, principal: Member, actor=None) -> Proxy:
    """Revoke a proxy, before voting opens. Locks the meeting row first (as
    ``proxy_appoint`` and the opening of the vote do), so a revocation cannot slip in
    while voting opens: it waits, then sees the vote open and is refused."""
    meeting_id = Proxy.objects.filter(pk=proxy.pk).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        raise NotFound(_("There is no such proxy of yours."))
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting_id)
    proxy = Proxy.objects.select_for_update().get(pk=proxy.pk)
    proxy.meeting = meeting
    if proxy.principal_id != principal.pk:
        raise NotFound(_("There is no such proxy of yours."))
    if proxy.revoked_at is not None:
        return proxy
    if proxy.meeting.status != S.CONVENED:
        raise NotAllowed(_("A proxy can be revoked only before voting opens."))
    proxy.revoked_at = timezone.now()
    proxy.save(update_fields=["revoked_at"])
    meeting_event(
        meeting=proxy.meeting,
        type=MeetingEvent.Type.PROXY_REVOKED,
        actor=actor,
        data={"principal": principal.member_number},
    )
    return proxy
