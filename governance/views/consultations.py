"""The consultations before an assembly: the list, answers, comments, results."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from mutualsociety.common.exceptions import DomainError

from .. import selectors
from ..forms import (
    ConsultationAnswerForm,
    ConsultationCommentForm,
)
from ..models import Consultation
from ..services.consultations import (
    consultation_close_if_due,
    consultation_comment,
    consultation_respond,
)
from ._base import AssemblyMemberMixin

# --- Consultations ---------------------------------------------------------------------


class ConsultationListView(AssemblyMemberMixin, TemplateView):
    """The consultations the member is asked to take part in: open ones first, then
    those closed with their results."""

    template_name = "governance/consultation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = list(selectors.consultations_for_member(self.member)[:50]) if self.member else []
        context.update(
            member=self.member,
            open=[c for c in found if c.status == Consultation.Status.OPEN],
            done=[c for c in found if c.results_out],
        )
        return context


class ConsultationMixin(AssemblyMemberMixin):
    """The consultation of the URL, if the member is consulted (404 otherwise, also for a
    draft); one found open past its close is closed first."""

    def get_consultation(self) -> Consultation:
        if not hasattr(self, "_consultation"):
            found = selectors.consultation_visible_to_member(
                self.kwargs["consultation_id"], self.member
            )
            if found is None:
                raise Http404(_("There is no such consultation."))
            self._consultation = consultation_close_if_due(found)
        return self._consultation

    def page(self, *, answer_form=None, comment_form=None, status: int = 200) -> HttpResponse:
        """The consultation's page: the member's own answers (a form while it is open),
        the results once closed, the thread. ``status`` 400 with a refused form."""
        consultation = self.get_consultation()
        member = self.require_member()
        questions = selectors.consultation_questions(consultation)
        own = selectors.consultation_own_answers(consultation, member)
        can_answer = consultation.window_open()
        if can_answer and answer_form is None:
            answer_form = ConsultationAnswerForm(
                questions=questions,
                initial={f"question_{pk}": value for pk, value in own.values.items()},
            )
        if can_answer and comment_form is None:
            comment_form = ConsultationCommentForm(initial={"key": secrets.token_hex(16)})
        for question in questions:
            question.own = own.values.get(question.pk)
            chosen = question.own if isinstance(question.own, list) else []
            question.own_labels = [o.text for o in question.options.all() if o.pk in chosen]
        context = {
            "consultation": consultation,
            "meeting": selectors.consultation_meeting(consultation),
            "questions": questions,
            "own": own,
            "can_answer": can_answer,
            "answer_form": answer_form if can_answer else None,
            "comment_form": comment_form if can_answer else None,
            "results": selectors.consultation_results(consultation)
            if consultation.results_out
            else None,
            "comments": selectors.consultation_comments(consultation, reader=member),
            "member": member,
        }
        return render(self.request, "governance/consultation_detail.html", context, status=status)


class ConsultationDetailView(ConsultationMixin, View):
    def get(self, request, consultation_id: int):
        return self.page()


class ConsultationAnswerView(ConsultationMixin, View):
    """POST the answers: the first time a response, later a change; bad input comes back
    on the page (400) with the field named, and nothing is saved."""

    def get(self, request, consultation_id: int):
        return redirect("governance:consultation", consultation_id=consultation_id)

    def post(self, request, consultation_id: int):
        consultation = self.get_consultation()
        member = self.require_member()
        form = ConsultationAnswerForm(
            request.POST, questions=selectors.consultation_questions(consultation)
        )
        if not form.is_valid():
            return self.page(answer_form=form, status=400)
        try:
            answered = consultation_respond(
                consultation=consultation, member=member, answers=form.answers(),
                actor=request.user,
            )  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
            return self.page(answer_form=form, status=error.http_status)
        if answered.created:
            messages.success(request, _("Thank you: your answers are recorded."))
        elif answered.changed:
            messages.success(request, _("Your answers are changed; only the latest count."))
        else:
            messages.info(request, _("Your answers were already recorded as they are."))
        return redirect("governance:consultation", consultation_id=consultation.pk)


class ConsultationCommentView(ConsultationMixin, View):
    def get(self, request, consultation_id: int):
        return redirect("governance:consultation", consultation_id=consultation_id)

    def post(self, request, consultation_id: int):
        consultation = self.get_consultation()
        member = self.require_member()
        form = ConsultationCommentForm(request.POST)
        if not form.is_valid():
            return self.page(comment_form=form, status=400)
        try:
            comment = consultation_comment(
                consultation=consultation, member=member, body=form.cleaned_data["body"],
                reply_to=form.cleaned_data.get("reply_to"), key=form.cleaned_data.get("key") or "",
                actor=request.user,
            )  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
            return self.page(comment_form=form, status=error.http_status)
        messages.success(request, _("Your comment is posted."))
        return redirect(
            reverse("governance:consultation", args=[consultation.pk]) + f"#comment-{comment.pk}"
        )
