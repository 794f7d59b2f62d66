"""The member portal for claims: my claims, submitting one with documents, a claim's
history (with rejection reasons and the appeal), public notices and objections, review
panel invitations and votes, and document downloads.

Thin: forms check shape; services decide; selectors say what a person may see (a member
gets only their own claims — another's answers 404, as if it did not exist).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.selectors import user_second_factor_due
from members.models import Coverage
from members.selectors import member_for_user
from mutualsociety.common.downloads import private_download
from mutualsociety.common.exceptions import NotFound

from . import selectors
from .forms import ClaimForm, DocumentForm, OptionalReasonForm, ReasonForm, VoteForm
from .models import Claim, ClaimEvent, PanelSeat, ReviewPanel
from .services.handling import claim_appeal, claim_info_provide, claim_withdraw
from .services.intake import (
    OPEN_FOR_DOCUMENTS,
    Upload,
    claim_document_add,
    claim_submit,
    document_path,
)
from .services.notice import claim_object, panel_vote
from .transitions import WITHDRAWAL, seat_may_vote

#: Events a member sees in their claim's history (internal notes stay with staff).
T = ClaimEvent.Type
MEMBER_EVENTS = frozenset(
    {
        T.SUBMITTED,
        T.UNDER_REVIEW,
        T.INFO_REQUESTED,
        T.INFO_PROVIDED,
        T.DOCUMENT,
        T.ASSESSED,
        T.APPROVED,
        T.REJECTED,
        T.OVERTURNED,
        T.APPEALED,
        T.APPEAL_DISMISSED,
        T.PANEL_DRAWN,
        T.CLEARED,
        T.PAID,
        T.WITHDRAWN,
        T.SENT_BACK,
    }
)


@method_decorator(never_cache, name="dispatch")
class MemberView(LoginRequiredMixin, View):
    """The signed-in member as ``self.member``; people without one go to the dashboard."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.member = member_for_user(request.user)
        if self.member is None:
            return redirect("members:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def claim(self, claim_id: int) -> Claim:
        try:
            return selectors.claim_for_member(self.member, claim_id)
        except NotFound as exc:
            raise Http404 from exc


class ClaimListView(MemberView):
    def get(self, request):
        return render(
            request,
            "claims/claim_list.html",
            {
                "member": self.member,
                "claims": selectors.claim_list_for_member(self.member),
                "open_seats": selectors.panel_invitations(self.member).filter(
                    vote=PanelSeat.Vote.NONE, panel__status=ReviewPanel.Status.VOTING
                ),
            },
        )


class ClaimSubmitView(MemberView):
    def coverages(self):
        return self.member.coverages.select_related("plan").exclude(status=Coverage.Status.LAPSED)

    def get(self, request):
        form = ClaimForm(coverages=self.coverages())
        return render(request, "claims/claim_submit.html", {"form": form, "member": self.member})

    def post(self, request):
        form = ClaimForm(request.POST, request.FILES, coverages=self.coverages())
        if form.is_valid():
            claim = form.call_service(
                claim_submit,
                member=self.member,
                data=form.claim_data(),
                documents=form.uploads(),
                actor=request.user,
            )
            if claim is not None:
                messages.success(
                    request,
                    _("Your claim %(number)s was submitted.") % {"number": claim.number},
                )
                return redirect("claims:detail", claim_id=claim.pk)
        return render(
            request, "claims/claim_submit.html", {"form": form, "member": self.member}, status=400
        )


class ClaimDetailView(MemberView):
    def get(self, request, claim_id: int, **forms):
        claim = self.claim(claim_id)
        # The story in order, oldest first (the event table itself is newest first).
        events = [
            (event, event.get_type_display())
            for event in claim.events.filter(type__in=MEMBER_EVENTS).order_by("at", "id")
        ]
        outcome = selectors.claim_outcome(claim, today=timezone.localdate())
        info_request = (  # the latest request
            claim.events.filter(type=T.INFO_REQUESTED).order_by("-at", "-id").first()
        )
        context = {
            "member": self.member,
            "claim": claim,
            "events": events,
            "documents": claim.documents.all(),
            "panels": claim.panels.all(),
            "outcome": outcome,
            "can_withdraw": WITHDRAWAL.allowed(claim.status, Claim.Status.WITHDRAWN),
            "can_appeal": outcome is not None and outcome.appeal == selectors.APPEAL_OPEN,
            "needs_info": claim.status == Claim.Status.INFO_REQUESTED,
            "can_add_documents": claim.status in OPEN_FOR_DOCUMENTS,
            "info_request": info_request,
            "withdraw_form": forms.get("withdraw_form") or OptionalReasonForm(),
            "appeal_form": forms.get("appeal_form") or ReasonForm(),
            "info_form": forms.get("info_form") or ReasonForm(),
            "document_form": forms.get("document_form") or DocumentForm(),
        }
        status = 400 if forms else 200
        return render(request, "claims/claim_detail.html", context, status=status)


class _ClaimAction(MemberView):
    form_class = ReasonForm
    form_name = ""
    done = ""

    def post(self, request, claim_id: int):
        claim = self.claim(claim_id)
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid() and form.call_service(self.act, claim=claim, form=form) is not None:
            messages.success(request, self.done)
            return redirect("claims:detail", claim_id=claim.pk)
        return ClaimDetailView.get(self, request, claim_id, **{self.form_name: form})


class ClaimWithdrawView(_ClaimAction):
    form_class = OptionalReasonForm
    form_name = "withdraw_form"
    done = gettext_lazy("Your claim was withdrawn.")

    def act(self, *, claim, form):
        return claim_withdraw(claim=claim, member=self.member, reason=form.cleaned_data["reason"])


class ClaimAppealView(_ClaimAction):
    form_name = "appeal_form"
    done = gettext_lazy("Your appeal was received; a review panel of members will decide it.")

    def act(self, *, claim, form):
        return claim_appeal(claim=claim, member=self.member, reason=form.cleaned_data["reason"])


class ClaimInfoView(_ClaimAction):
    form_name = "info_form"
    done = gettext_lazy("Thank you; your claim is back under review.")

    def act(self, *, claim, form):
        return claim_info_provide(
            claim=claim, member=self.member, reason=form.cleaned_data["reason"]
        )


class DocumentAddView(_ClaimAction):
    form_class = DocumentForm
    form_name = "document_form"
    done = gettext_lazy("The document was added.")

    def act(self, *, claim, form):
        upload = form.cleaned_data["file"]
        return claim_document_add(claim=claim, upload=Upload.of(upload), actor=self.request.user)


@method_decorator(never_cache, name="dispatch")
class DocumentDownloadView(LoginRequiredMixin, View):
    """A claim document, to its member or claims staff only (404 for anyone else)."""

    def get(self, request, document_id: int):
        try:
            document = selectors.document_for_user(request.user, document_id)
        except NotFound as exc:
            raise Http404 from exc
        return private_download(
            document_path(document),
            content_type=document.content_type,
            filename=document.original_name,
        )


class ShareListView(MemberView):
    """/claims/apportionment/: the published apportionment periods the member shared in,
    each with its Merkle root and a link to the member's proof."""

    def get(self, request):
        return render(
            request,
            "claims/share_list.html",
            {"member": self.member, "periods": selectors.share_periods_for_member(self.member)},
        )


class ShareProofView(MemberView):
    """/claims/apportionment/<period>/proof.json: the member's inclusion proof, as a
    download; 404 for a period that is not published or in which they had no share."""

    def get(self, request, period_id: int):
        try:
            proof = selectors.share_proof(member=self.member, period=period_id)
        except NotFound as exc:
            raise Http404 from exc
        response = JsonResponse(proof, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = (
            f'attachment; filename="share-proof-{proof["period"]}.json"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


@method_decorator(never_cache, name="dispatch")
class PublicNoticeView(View):
    """The public notice: de-identified cases anyone may read, signed in or not, as mutual
    aid platforms publish them (the page is built from ``selectors.NoticeCase``, which
    carries no name, number or date of birth). ``self.member`` is the signed-in member, for
    what only they see (their own case, their objection); a session that still owes its
    second factor reads the page as everyone does."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        self.second_factor_due = user_second_factor_due(user)
        self.member = (
            member_for_user(user) if user.is_authenticated and not self.second_factor_due else None
        )
        return super().dispatch(request, *args, **kwargs)


class NoticeListView(PublicNoticeView):
    def get(self, request):
        return render(
            request,
            "claims/notice_list.html",
            {"member": self.member, "cases": selectors.notices_list()},
        )


class NoticeDetailView(PublicNoticeView):
    """A case, and for a signed-in member the objection form while the notice is open.
    Objecting needs a member (``claim_object`` decides who may): anyone else posting is
    sent to sign in, a session owing its second factor to enter it."""

    def context(self, claim_id: int, form=None) -> dict:
        try:
            case = selectors.notice_detail(claim_id)
        except NotFound as exc:
            raise Http404 from exc
        return {
            "member": self.member,
            "case": case,
            "form": form or ReasonForm(),
            "has_objected": selectors.has_objected(self.member, claim_id),
            "is_own": self.member is not None
            and Claim.objects.filter(pk=claim_id, member=self.member).exists(),
        }

    def get(self, request, claim_id: int):
        return render(request, "claims/notice_detail.html", self.context(claim_id))

    def post(self, request, claim_id: int):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.second_factor_due:
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.path})}")
        if self.member is None:
            return redirect("members:dashboard")
        form = ReasonForm(request.POST)
        if form.is_valid():
            done = form.call_service(
                claim_object,
                claim=claim_id,
                member=self.member,
                reason=form.cleaned_data["reason"],
            )
            if done is not None:
                messages.success(request, _("Your objection was recorded."))
                return redirect("claims:notice", claim_id=claim_id)
        return render(
            request, "claims/notice_detail.html", self.context(claim_id, form), status=400
        )


class PanelListView(MemberView):
    def get(self, request):
        return render(
            request,
            "claims/panel_list.html",
            {"member": self.member, "seats": selectors.panel_invitations(self.member)},
        )


class PanelDetailView(MemberView):
    def context(self, panel_id: int, form=None) -> dict:
        try:
            seat = selectors.panel_seat_for_member(self.member, panel_id)
        except NotFound as exc:
            raise Http404 from exc
        return {
            "member": self.member,
            "seat": seat,
            "panel": seat.panel,
            "case": selectors.case_file_for_panel(seat),
            "can_vote": seat_may_vote(seat, timezone.localdate()),
            "form": form or VoteForm(),
        }

    def get(self, request, panel_id: int):
        return render(request, "claims/panel_detail.html", self.context(panel_id))

    def post(self, request, panel_id: int):
        context = self.context(panel_id)
        form = VoteForm(request.POST)
        if form.is_valid():
            done = form.call_service(
                panel_vote,
                panel=panel_id,
                member=self.member,
                vote=form.cleaned_data["vote"],
                reason=form.cleaned_data["reason"],
            )
            if done is not None:
                messages.success(request, _("Your vote was recorded."))
                return redirect("claims:panel", panel_id=panel_id)
        context["form"] = form
        return render(request, "claims/panel_detail.html", context, status=400)
