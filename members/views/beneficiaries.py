"""/me/beneficiaries/: who receives the member's death benefit, and changing it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from mutualsociety.common.exceptions import DomainError

from ..forms import (
    BeneficiaryFormSet,
    DesignationForm,
    designation_errors_apply,
    designation_initial,
    designation_rows,
)
from ..selectors import designation_history
from ..services.beneficiaries import DESIGNATING_STATUSES, designation_change
from .base import MemberMixin

PREFIX = "beneficiaries"


@method_decorator(never_cache, name="dispatch")
class BeneficiariesView(MemberMixin, TemplateView):
    """The designation in force (identity numbers masked), its earlier versions, and the
    form that replaces it with a new version (``designation_change``)."""

    template_name = "members/member_beneficiaries.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = designation_history(self.member)
        current = history[0] if history and history[0].valid_to is None else None
        initial = designation_initial(current)
        form = kwargs.get("form") or DesignationForm(
            initial={"based_on": current.version if current else 0}
        )
        formset = kwargs.get("formset") or BeneficiaryFormSet(prefix=PREFIX, initial=initial)
        masked = [row.get("masked", "") for row in initial]
        context.update(
            current=current,
            history=history,
            form=form,
            formset=formset,
            rows=[(f, masked[i] if i < len(masked) else "") for i, f in enumerate(formset.forms)],
            can_change=self.member.status in DESIGNATING_STATUSES,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = DesignationForm(request.POST)
        formset = BeneficiaryFormSet(request.POST, prefix=PREFIX)
        if form.is_valid() and formset.is_valid():
            try:
                designation = designation_change(
                    member=self.member,
                    actor=request.user,
                    beneficiaries=designation_rows(formset),
                    based_on=form.cleaned_data["based_on"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                designation_errors_apply(
                    form=form, formset=formset, fields=error.fields, message=error.message
                )
            else:
                if designation.pk:
                    messages.success(
                        request,
                        _("Your beneficiaries are saved (version %(version)d).")
                        % {"version": designation.version},
                    )
                return redirect("members:beneficiaries")
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset), status=400
        )
