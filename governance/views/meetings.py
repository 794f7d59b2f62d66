"""Meetings, voting, proxies, nominations and seconding, proposals, receipts, results."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from members.models import Member
from members.selectors import member_for_user

from .. import selectors
from ..forms import (
    ActionForm,
    BallotForm,
    NominationForm,
    ProposalForm,
    ProxyForm,
    ReceiptForm,
)
from ..models import Candidate, Consultation, Meeting, Motion, Proxy
from ..services.elections import candidate_nominate, candidate_second
from ..services.proposals import proposal_cosign, proposal_draft
from ..services.voting import ballots_cast, proxy_appoint, proxy_revoke
from ._base import AssemblyMemberMixin, MeetingMixin, _refusals_to_messages


class MeetingListView(AssemblyMemberMixin, TemplateView):
    template_name = "governance/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = (
            list(selectors.meetings_for_member(self.member)[:50])
            if self.member
            else list(selectors.published_meetings()[:50])
        )
        upcoming = [m for m in meetings if m.status in selectors.UPCOMING]
        if self.member:
            # Convened without a vote for them (the roll was fixed before they joined...):
            # listed with the reason, never "no meeting is convened".
            for meeting in selectors.meetings_announced_to_member(self.member)[:50]:
                meeting.roll_absence = selectors.roll_absence(meeting, self.member, on_roll=False)
                upcoming.append(meeting)
            upcoming.sort(key=lambda m: (m.voting_opens_at, m.pk), reverse=True)
        context.update(
            member=self.member,
            upcoming=upcoming,
            past=[m for m in meetings if m.status not in selectors.UPCOMING],
            proposals=list(selectors.open_proposals()[:50]),
            signed=selectors.proposals_signed_by(self.member) if self.member else set(),
            receipt_form=ReceiptForm(),
        )
        return context


class MeetingDetailView(MeetingMixin, TemplateView):
    template_name = "governance/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        motions = selectors.meeting_motions(meeting)
        nominations = selectors.meeting_nominations(meeting, self.member)
        for motion in motions:
            motion.nominated = nominations.waiting.get(motion.pk, [])
        voter = selectors.voter_view(meeting, self.member) if self.member else None
        # Not a member whose proxy votes for them (the service refuses their own ballot).
        can_vote = bool(
            voter and voter.on_roll and voter.proxy_given is None and meeting.window_open()
        )
        on_ballot = motions
        if can_vote and not meeting.articles.vote_changes_allowed:
            # Votes cannot be changed: offer only the motions not voted on yet.
            on_ballot = [m for m in motions if m.pk not in voter.voted_motion_ids]
            can_vote = bool(on_ballot) or bool(voter.proxies_held)
            on_ballot = on_ballot or motions
        context.update(
            meeting=meeting,
            consultations=selectors.meeting_consultations(meeting, published_only=False),
            open_consultations=list(
                selectors.consultations_for_member(self.member).filter(
                    meeting=meeting, status=Consultation.Status.OPEN
                )
            )
            if self.member
            else [],
            agenda=selectors.meeting_agenda(meeting),
            motions=motions,
            voter=voter,
            can_vote=can_vote,
            ballot_form=BallotForm(
                motions=on_ballot, principals=[p.principal for p in voter.proxies_held]
            )
            if can_vote
            else None,
            nominations=nominations,
            member=self.member,
            nomination_form=NominationForm(),
            proxy_form=ProxyForm()
            if voter
            and voter.on_roll
            and meeting.status == Meeting.Status.CONVENED
            and meeting.articles.proxies_allowed
            and voter.proxy_given is None
            else None,
        )
        return context


class BallotView(MeetingMixin, FormView):
    """POST the ballot; show the receipt codes once."""

    template_name = "governance/ballot_done.html"
    form_class = BallotForm

    def get(self, request, *args, **kwargs):
        return redirect("governance:meeting", meeting_id=self.kwargs["meeting_id"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        meeting = self.get_meeting()
        member = self.require_member()
        held = Proxy.objects.filter(
            meeting=meeting, holder=member, revoked_at__isnull=True
        ).select_related("principal")
        kwargs.update(
            motions=selectors.meeting_motions(meeting), principals=[p.principal for p in held]
        )
        return kwargs

    def form_invalid(self, form):
        for error in form.non_field_errors():
            messages.error(self.request, error)
        for field in form.motion_fields():
            for error in field.errors:
                messages.error(self.request, f"{field.label}: {error}")
        return redirect("governance:meeting", meeting_id=self.kwargs["meeting_id"])

    def form_valid(self, form):
        meeting = self.get_meeting()
        member = self.require_member()
        voter, holder = member, None
        number = form.cleaned_data.get("voter")
        if number:
            voter = Member.objects.filter(member_number=number).first()
            holder = member
            if voter is None:
                messages.error(self.request, _("There is no member with this number."))
                return redirect("governance:meeting", meeting_id=meeting.pk)
        results = form.call_service(
            ballots_cast,
            meeting=meeting,
            voter=voter,
            choices=form.choices(),
            holder=holder,
            actor=self.request.user,
        )
        if results is None:
            _refusals_to_messages(self.request, form)
            return redirect("governance:meeting", meeting_id=meeting.pk)
        numbers = {m.pk: m for m in meeting.motions.all()}
        return self.render_to_response(
            self.get_context_data(
                meeting=meeting,
                voter=voter,
                receipts=[(numbers[r.motion_id], r) for r in results],
            )
        )


class ProxyView(MeetingMixin, FormView):
    template_name = "governance/proxy_form.html"
    form_class = ProxyForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.get_meeting()
        return context

    def form_valid(self, form):
        meeting = self.get_meeting()
        member = self.require_member()
        holder = Member.objects.filter(member_number=form.cleaned_data["holder"].strip()).first()
        if holder is None:
            form.add_error("holder", _("There is no member with this number."))
            return self.form_invalid(form)
        proxy = form.call_service(
            proxy_appoint, meeting=meeting, principal=member, holder=holder, actor=self.request.user
        )
        if proxy is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is your proxy for this meeting and will vote for you.")
            % {"name": holder.legal_name},
        )
        return redirect("governance:meeting", meeting_id=meeting.pk)


class ProxyRevokeView(MeetingMixin, View):
    def post(self, request, meeting_id: int):
        meeting = self.get_meeting()
        member = self.require_member()
        proxy = Proxy.objects.filter(
            meeting=meeting, principal=member, revoked_at__isnull=True
        ).first()
        if proxy is None:
            raise Http404(_("You have no proxy for this meeting."))
        form = ActionForm(request.POST)
        revoked = form.call_service(proxy_revoke, proxy=proxy, principal=member, actor=request.user)
        if revoked is not None:
            messages.success(request, _("Your proxy is revoked: you vote yourself."))
        else:
            _refusals_to_messages(request, form)
        return redirect("governance:meeting", meeting_id=meeting.pk)


class ResultsView(TemplateView):
    """Results and approved minutes: public once published; before that, to the voters
    of the meeting once declared."""

    template_name = "governance/meeting_results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = member_for_user(self.request.user)
        meeting = selectors.meeting_visible_to_member(self.kwargs["meeting_id"], member)
        if meeting is None or meeting.status not in selectors.DECLARED:
            raise Http404(_("The results of this meeting are not declared yet."))
        motions = selectors.meeting_results(meeting)
        for motion in motions:
            motion.meeting = meeting
            motion.published_receipts = selectors.motion_receipts(motion)
        context.update(meeting=meeting, motions=motions, minutes=selectors.meeting_minutes(meeting))
        return context


class ProposalCreateView(AssemblyMemberMixin, FormView):
    template_name = "governance/proposal_form.html"
    form_class = ProposalForm

    def form_valid(self, form):
        proposal = form.call_service(
            proposal_draft, author=self.require_member(), actor=self.request.user,
            **form.cleaned_data,
        )  # fmt: skip
        if proposal is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your proposal is published for co-signing; it needs %(n)s co-signatures.")
            % {"n": proposal.threshold},
        )
        return redirect(reverse("governance:meetings") + "#proposals")


class NominateView(MeetingMixin, View):
    """Stand, or nominate a member, in one of the meeting's elections."""

    def post(self, request, meeting_id: int, motion_id: int):
        member = self.require_member()
        meeting = self.get_meeting()
        motion = get_object_or_404(meeting.motions, pk=motion_id, kind=Motion.Kind.ELECTION)
        form = NominationForm(request.POST)
        target = reverse("governance:meeting", args=[meeting.pk]) + f"#motion-{motion.pk}"
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(target)
        number = form.cleaned_data["member_number"].strip()
        candidate = member if not number else Member.objects.filter(member_number=number).first()
        if candidate is None:
            messages.error(request, _("No member has the number %(number)s.") % {"number": number})
            return redirect(target)
        nominated = form.call_service(
            candidate_nominate,
            motion=motion,
            member=candidate,
            nominated_by=member,
            statement=form.cleaned_data["statement"],
            actor=request.user,
        )
        if nominated is None:
            _refusals_to_messages(request, form)
        else:
            messages.success(
                request,
                _("The nomination is recorded; it stands once another member seconds it."),
            )
        return redirect(target)


class SecondView(MeetingMixin, View):
    """Second a nomination of one of the meeting's elections."""

    def post(self, request, meeting_id: int, candidate_id: int):
        member = self.require_member()
        meeting = self.get_meeting()
        candidate = get_object_or_404(Candidate, pk=candidate_id, motion__meeting=meeting)
        form = ActionForm(request.POST)
        seconded = form.call_service(
            candidate_second, candidate=candidate, member=member, actor=request.user
        )
        if seconded is not None:
            messages.success(request, _("Your seconding is recorded."))
        else:
            _refusals_to_messages(request, form)
        return redirect(
            reverse("governance:meeting", args=[meeting.pk]) + f"#motion-{candidate.motion_id}"
        )


class CosignView(AssemblyMemberMixin, View):
    def post(self, request, proposal_id: int):
        member = self.require_member()
        form = ActionForm(request.POST)
        proposal = form.call_service(
            proposal_cosign, proposal=proposal_id, member=member, actor=request.user
        )
        if proposal is None:
            _refusals_to_messages(request, form)
        else:
            if proposal.status == proposal.Status.QUEUED:
                messages.success(
                    request,
                    _(
                        "Thank you: the proposal has its co-signatures and goes on the next "
                        "assembly's agenda."
                    ),
                )
            else:
                messages.success(request, _("Thank you: your co-signature is recorded."))
        return redirect(reverse("governance:meetings") + "#proposals")


class ReceiptView(FormView):
    """Check a receipt code against the record: open to anyone who holds the code."""

    template_name = "governance/receipt_verify.html"
    form_class = ReceiptForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.GET.get("code"):
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and form.is_valid():
            return self.form_valid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        check = selectors.receipt_verify(form.cleaned_data["code"])
        if check is None:
            form.add_error(
                "code", _("No ballot has this receipt code. Check it for typing errors.")
            )
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, check=check))
