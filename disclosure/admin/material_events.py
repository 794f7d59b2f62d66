"""Material events waiting for compliance (Publications → Material events): the drafts
the solvency alerts wrote (``solvency.selectors.material_event_drafts``), each published
(``material_event_publish``: a material-event publication approved by the person, the
draft closed) or discarded with the reason (``material_event_discard``). Who may decide
is the services' rule (``disclosure.approve_publication``); everyone who may read
publications and the drafts sees the list, read-only roles without a button."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from solvency.models import MaterialEventDraft
from solvency.selectors import material_event_drafts

from ..services.publications import APPROVE_PERMISSION
from ..services.sources import material_event_discard, material_event_publish
from .forms import StepForm

VIEW_PERMS = ("disclosure.view_publication", "solvency.view_materialeventdraft")
WAITING = MaterialEventDraft.Status.DRAFT


class MaterialEventDiscardForm(StepForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Why it is not disclosed; kept in the alert's history."),
    )


#: step: (button, form, the service call, success message)
DECISIONS = {
    "publish": (
        _("Publish the material event"),
        StepForm,
        lambda draft, form, user: material_event_publish(draft=draft, actor=user),
    ),
    "discard": (
        _("Do not publish"),
        MaterialEventDiscardForm,
        lambda draft, form, user: material_event_discard(
            draft=draft, actor=user, reason=form.cleaned_data["reason"]
        ),
    ),
}


def _can_see(user) -> bool:
    return all(user.has_perm(perm) for perm in VIEW_PERMS)


class MaterialEventsMixin:
    """Adds the list and its decisions to the publications' admin
    (``admin:disclosure_material_events``, ``admin:disclosure_material_event``)."""

    def material_event_urls(self) -> list:
        view = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("material-events/", view(self.material_events_view),
                 name="disclosure_material_events"),
            path("material-events/<int:draft_id>/<slug:decision>/",
                 view(self.material_event_view), name="disclosure_material_event"),
        ]  # fmt: skip

    def material_events_view(self, request):
        if not _can_see(request.user):
            raise PermissionDenied
        may_decide = request.user.has_perm(APPROVE_PERMISSION)
        rows = [
            {
                "draft": draft,
                "decisions": [
                    (reverse("admin:disclosure_material_event", args=[draft.pk, name]), label)
                    for name, (label, _form, _call) in DECISIONS.items()
                ]
                if may_decide
                else [],
            }
            for draft in material_event_drafts(status=WAITING)
        ]
        return TemplateResponse(
            request,
            "admin/disclosure/publication/material_events.html",
            {
                **self.admin_site.each_context(request),  # type: ignore[attr-defined]
                "title": gettext("Material events waiting for compliance"),
                "opts": self.model._meta,  # type: ignore[attr-defined]
                "rows": rows,
            },
        )

    def material_event_view(self, request, draft_id: int, decision: str):
        if decision not in DECISIONS:
            raise Http404
        if not (_can_see(request.user) and request.user.has_perm(APPROVE_PERMISSION)):
            raise PermissionDenied
        draft = material_event_drafts().filter(pk=draft_id).first()
        if draft is None:
            raise Http404
        back = reverse("admin:disclosure_material_events")
        if draft.status != WAITING:
            self.message_user(  # type: ignore[attr-defined]
                request,
                gettext("%(draft)s was decided already (%(status)s).")
                % {"draft": draft, "status": draft.get_status_display()},
                messages.WARNING,
            )
            return redirect(back)
        label, form_class, call = DECISIONS[decision]
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                result = form.call_service(lambda: call(draft, form, request.user))
                if result is not None:
                    if decision == "publish":
                        self.message_user(  # type: ignore[attr-defined]
                            request,
                            gettext("Published: %(title)s.") % {"title": result.title},
                            messages.SUCCESS,
                        )
                        return redirect("admin:disclosure_publication_change", result.pk)
                    self.message_user(  # type: ignore[attr-defined]
                        request,
                        gettext("Not published: %(title)s.") % {"title": draft.title},
                        messages.SUCCESS,
                    )
                    return redirect(back)
        else:
            form = form_class()
        return TemplateResponse(
            request,
            "admin/disclosure/publication/step.html",
            {
                **self.admin_site.each_context(request),  # type: ignore[attr-defined]
                "title": str(label),
                "subtitle": draft.title,
                "opts": self.model._meta,  # type: ignore[attr-defined]
                "form": form,
                "draft": draft,
                "submit_label": str(label),
                "back_url": back,
                "back_label": gettext("Material events waiting for compliance"),
            },
        )
