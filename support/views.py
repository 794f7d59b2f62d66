"""The portal's complaints desk: file a complaint (signed in or not), a member's
complaints and each one's steps and outcome (/me/complaints/), a signed-out
complainant's page by its secret link, and the one escalation to the supervisory board.

Thin: forms check shape, services decide, selectors say what a person may see (a member
gets only their own complaints; another's answers 404, as if it did not exist).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from claims.services.documents import document_path
from members.selectors import member_for_user
from mutualsociety.common.downloads import private_download
from mutualsociety.common.exceptions import NotFound

from . import selectors
from .forms import ComplaintForm, EscalateForm
from .models import Complaint
from .services import (
    complaint_escalate,
    complaint_file,
    complaint_may_escalate,
    complaint_settings_get,
)


def _page(complaint: Complaint, escalate_form=None) -> dict:
    return {
        "complaint": complaint,
        "events": selectors.complaint_history(complaint),
        "documents": complaint.documents.all(),
        "can_escalate": complaint_may_escalate(complaint),
        "escalate_form": escalate_form or EscalateForm(),
    }


@method_decorator(never_cache, name="dispatch")
class ComplaintFileView(View):
    """/complaints/new/: open to everyone; a member files as themselves."""

    def get(self, request):
        member = member_for_user(request.user)
        form = ComplaintForm(member=member)
        return render(
            request,
            "support/complaint_file.html",
            {"form": form, "member": member, "desk": complaint_settings_get()},
        )

    def post(self, request):
        member = member_for_user(request.user)
        form = ComplaintForm(request.POST, request.FILES, member=member)
        if form.is_valid():
            filed = form.call_service(
                complaint_file,
                member=member,
                data=form.complaint_data(),
                documents=form.uploads(),
                submission_key=form.cleaned_data.get("submission_key") or "",
                actor=request.user,
            )
            if filed is not None and member is not None:
                messages.success(
                    request,
                    _("Your complaint %(reference)s was received.")
                    % {"reference": filed.complaint.reference},
                )
                return redirect("support:detail", complaint_id=filed.complaint.pk)
            if filed is not None:
                return render(
                    request,
                    "support/complaint_filed.html",
                    {"complaint": filed.complaint, "secret": filed.secret},
                )
        return render(
            request,
            "support/complaint_file.html",
            {"form": form, "member": member, "desk": complaint_settings_get()},
            status=400,
        )


@method_decorator(never_cache, name="dispatch")
class MemberComplaintView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.member = member_for_user(request.user)
        if self.member is None:
            return redirect("members:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def complaint(self, complaint_id: int) -> Complaint:
        try:
            return selectors.complaint_for_member(self.member, complaint_id)
        except NotFound as exc:
            raise Http404 from exc


class ComplaintListView(MemberComplaintView):
    def get(self, request):
        return render(
            request,
            "support/complaint_list.html",
            {"member": self.member, "complaints": selectors.complaints_for_member(self.member)},
        )


class ComplaintDetailView(MemberComplaintView):
    def get(self, request, complaint_id: int):
        context = {"member": self.member, **_page(self.complaint(complaint_id))}
        return render(request, "support/complaint_detail.html", context)


class ComplaintEscalateView(MemberComplaintView):
    def post(self, request, complaint_id: int):
        complaint = self.complaint(complaint_id)
        form = EscalateForm(request.POST)
        if form.is_valid() and form.call_service(
            complaint_escalate,
            complaint=complaint,
            reason=form.cleaned_data["reason"],
            actor=request.user,
        ):
            messages.success(request, _("Your complaint was taken to the supervisory board."))
            return redirect("support:detail", complaint_id=complaint.pk)
        context = {"member": self.member, **_page(complaint, form)}
        return render(request, "support/complaint_detail.html", context, status=400)


@method_decorator(never_cache, name="dispatch")
class DocumentDownloadView(LoginRequiredMixin, View):
    """A complaint's document, to the member who filed it or complaints staff (404 for
    anyone else), as claim documents are served."""

    def get(self, request, document_id: int):
        try:
            document = selectors.complaint_document_for_user(request.user, document_id)
        except NotFound as exc:
            raise Http404 from exc
        return private_download(
            document_path(document),
            content_type=document.content_type,
            filename=document.original_name,
        )


@method_decorator(never_cache, name="dispatch")
class ComplaintTrackView(View):
    """/complaints/<reference>/<secret>/: a signed-out complainant's page (404 for a wrong
    reference or secret); the escalation is posted here too."""

    def complaint(self, reference: str, secret: str) -> Complaint:
        try:
            return selectors.complaint_for_secret(reference, secret)
        except NotFound as exc:
            raise Http404 from exc

    def get(self, request, reference: str, secret: str):
        context = {**_page(self.complaint(reference, secret)), "secret": secret}
        return render(request, "support/complaint_detail.html", context)

    def post(self, request, reference: str, secret: str):
        complaint = self.complaint(reference, secret)
        form = EscalateForm(request.POST)
        if form.is_valid() and form.call_service(
            complaint_escalate, complaint=complaint, reason=form.cleaned_data["reason"]
        ):
            messages.success(request, _("Your complaint was taken to the supervisory board."))
            return redirect("support:track", reference=reference, secret=secret)
        context = {**_page(complaint, form), "secret": secret}
        return render(request, "support/complaint_detail.html", context, status=400)
