"""The steps of one publication, each a service call with its own page
(``admin:disclosure_publication_step``): submit, publish / approve and publish, return
to the author, discard, correct, withdraw, attach a file (``STEPS``). The publication's
page shows a button for each step its status allows that the person may take; a
refusal of the service shows on the step's form, on the field it is about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ..models import Attachment, Publication
from ..services import (
    attachment_add,
    publication_correct,
    publication_discard,
    publication_publish,
    publication_return,
    publication_submit,
    publication_withdraw,
)
from ..services.publications import (
    APPROVE_PERMISSION,
    PUBLISH_PERMISSION,
    publication_needs_approval,
)
from .base import _ModelAdmin
from .forms import (
    AttachForm,
    CorrectForm,
    DiscardForm,
    ReasonForm,
    StepForm,
    WithdrawForm,
)

S = Publication.Status


@dataclass(frozen=True)
class Step:
    """A step on one publication: its button, who may take it (a permission), in which
    statuses it is offered, the form it asks, and the service it calls."""

    label: Any
    permission: str
    statuses: tuple[str, ...]
    form: type[StepForm]
    call: Callable[[Publication, StepForm, Any], Any]
    done: Callable[[Any], str]
    intro: Any = ""


def _attach(publication: Publication, form: StepForm, user) -> Attachment:
    upload = form.cleaned_data["file"]
    return attachment_add(
        publication=publication,
        format=form.cleaned_data["format"],
        filename=upload.name,
        data=upload.read(),
        actor=user,
    )


STEPS: dict[str, Step] = {
    "submit": Step(
        label=_("Submit for approval"),
        permission=PUBLISH_PERMISSION,
        statuses=(S.DRAFT,),
        form=StepForm,
        call=lambda p, f, user: publication_submit(publication=p, actor=user),
        done=lambda p: gettext("Submitted for approval: another person of compliance approves it."),
        intro=_("A second person approves it; until then it is not published."),
    ),
    "publish": Step(
        label=pgettext_lazy("disclosure action", "Publish"),
        permission=PUBLISH_PERMISSION,
        statuses=(S.DRAFT, S.PENDING),
        form=StepForm,
        call=lambda p, f, user: publication_publish(publication=p, actor=user),
        done=lambda p: gettext("Published: it is on the public site."),
        intro=_("It is published on the public site now and can then only be corrected."),
    ),
    "return": Step(
        label=_("Return to its author"),
        permission=APPROVE_PERMISSION,
        statuses=(S.PENDING,),
        form=ReasonForm,
        call=lambda p, f, user: publication_return(
            publication=p, actor=user, reason=f.cleaned_data["reason"]
        ),
        done=lambda p: gettext("Returned to its author as a draft."),
    ),
    "discard": Step(
        label=pgettext_lazy("disclosure action", "Discard"),
        permission=PUBLISH_PERMISSION,
        statuses=(S.DRAFT, S.PENDING),
        form=DiscardForm,
        call=lambda p, f, user: publication_discard(
            publication=p, actor=user, reason=f.cleaned_data["reason"]
        ),
        done=lambda p: gettext("Discarded: it stays in the history, never on the public site."),
    ),
    "correct": Step(
        label=pgettext_lazy("disclosure action", "Correct"),
        permission=PUBLISH_PERMISSION,
        statuses=(S.PUBLISHED,),
        form=CorrectForm,
        call=lambda p, f, user: publication_correct(
            publication=p,
            actor=user,
            note=f.cleaned_data["note"],
            **f.changes(),  # type: ignore[attr-defined]
        ),
        done=lambda v: (
            gettext(
                "Version %(version)s drafted: it is published like any draft of its kind; "
                "until then the published version stands."
            )
            % {"version": v.version}
        ),
        intro=_(
            "A correction is a new version of the document; the published version stays "
            "readable with a link to it. Change what is wrong and say what changed and why."
        ),
    ),
    "withdraw": Step(
        label=pgettext_lazy("disclosure action", "Withdraw"),
        permission=APPROVE_PERMISSION,
        statuses=(S.PUBLISHED,),
        form=WithdrawForm,
        call=lambda p, f, user: publication_withdraw(
            publication=p, actor=user, reason=f.cleaned_data["reason"]
        ),
        done=lambda w: gettext("Withdrawn: the reason is shown beside it."),
        intro=_("It stays readable, marked as withdrawn with the reason."),
    ),
    "attach": Step(
        label=_("Attach a file"),
        permission=PUBLISH_PERMISSION,
        statuses=(S.DRAFT,),
        form=AttachForm,
        call=_attach,
        done=lambda a: (
            gettext("%(file)s attached, SHA-256 %(sha256)s.")
            % {"file": a.filename, "sha256": a.sha256}
        ),
        intro=_("A PDF, a CSV or a JSON file, checked by its content."),
    ),
}


def step_label(name: str, publication: Publication) -> str:
    if name == "publish" and publication_needs_approval(publication.kind):
        return gettext("Approve and publish")
    return str(STEPS[name].label)


def withdrawal_of(publication: Publication):
    """The publication's withdrawal, or None."""
    try:
        return publication.withdrawal
    except ObjectDoesNotExist:
        return None


class PublicationStepsMixin(_ModelAdmin):
    """The step pages and the buttons to them, for the publications' admin."""

    def step_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/step/<slug:step>/", view(self.step_view),
                 name="disclosure_publication_step"),
        ]  # fmt: skip

    def steps_for(self, request, publication: Publication) -> list[tuple[str, str]]:
        """The buttons of ``publication``'s page: the steps its status allows that the
        person may take (none for read-only roles)."""
        found = []
        for name, step in STEPS.items():
            if publication.status not in step.statuses or not request.user.has_perm(
                step.permission
            ):
                continue
            needs_approval = publication_needs_approval(publication.kind)
            if name == "submit" and not needs_approval:
                continue
            if name == "publish" and needs_approval and publication.status == S.DRAFT:
                continue  # submitted first, then approved
            if name == "withdraw" and withdrawal_of(publication) is not None:
                continue
            found.append((name, step_label(name, publication)))
        return found

    def change_view(self, request, object_id, form_url="", extra_context=None):
        publication = self.get_object(request, object_id) if object_id.isdigit() else None
        extra = {**(extra_context or {})}
        if publication is not None:
            extra["steps"] = [
                (reverse("admin:disclosure_publication_step", args=[publication.pk, name]), label)
                for name, label in self.steps_for(request, publication)
            ]
        return super().change_view(request, object_id, form_url, extra)

    def step_view(self, request, object_id: int, step: str):
        """One step on one publication: the form (GET), the service call (POST). A
        refusal is shown on the form, on the field it is about."""
        if step not in STEPS:
            raise Http404
        definition = STEPS[step]
        if not request.user.has_perm(definition.permission):
            raise PermissionDenied
        publication = get_object_or_404(Publication, pk=object_id)
        if publication.status not in definition.statuses:
            self.message_user(
                request,
                gettext("%(step)s: not for a publication that is %(status)s.")
                % {
                    "step": step_label(step, publication),
                    "status": publication.get_status_display(),
                },
                messages.ERROR,
            )
            return redirect("admin:disclosure_publication_change", publication.pk)
        form_class = definition.form
        initial = CorrectForm.initial_from(publication) if form_class is CorrectForm else None
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, initial=initial)
            if form.is_valid():
                result = form.call_service(lambda: definition.call(publication, form, request.user))
                if result is not None:
                    self.message_user(request, definition.done(result), messages.SUCCESS)
                    target = result if isinstance(result, Publication) else publication
                    return redirect("admin:disclosure_publication_change", target.pk)
        else:
            form = form_class(initial=initial)
        label = step_label(step, publication)
        return TemplateResponse(
            request,
            "admin/disclosure/publication/step.html",
            {
                **self.admin_site.each_context(request),
                "title": label,
                "subtitle": str(publication),
                "opts": self.model._meta,
                "publication": publication,
                "form": form,
                "intro": definition.intro,
                "submit_label": label,
                "back_url": reverse("admin:disclosure_publication_change", args=[publication.pk]),
                "back_label": str(publication),
            },
        )
