"""Publications in the admin (compliance's desk).

- A draft is written on the add form (``publication_draft``) and changed on its change
  form (``publication_edit``); the form checks the input's shape, the services the
  rules, and a refusal shows on the field it is about (``base.ServiceFormAdminMixin``).
  Anything not a draft is read-only here.
- Each step of a publication is a service call: as an action on the list (for the rows
  ticked) or as a button on its page (``STEPS``: submit, publish / approve and publish,
  return to the author, discard, correct, withdraw, attach a file).
- Its files (with their SHA-256) and its history are read-only inlines; nothing is
  deleted. Read-only roles (the regulator) hold no add, change or approve permission:
  they see everything and get no button, no action and no step page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import EventValueColumns, ReadOnlyInline
from mutualsociety.common.admin_actions import action_with_form, for_each
from mutualsociety.common.display import format_datetime

from ..models import Attachment, KindRule, Publication, PublicationEvent
from ..services import (
    AttachmentTampered,
    attachment_add,
    attachment_read,
    publication_correct,
    publication_discard,
    publication_draft,
    publication_edit,
    publication_publish,
    publication_return,
    publication_submit,
    publication_withdraw,
)
from ..services.publications import APPROVE_PERMISSION, PUBLISH_PERMISSION
from .base import ServiceFormAdminMixin
from .forms import (
    AttachForm,
    CorrectForm,
    DiscardForm,
    PublicationDraftForm,
    ReasonForm,
    StepForm,
    WithdrawForm,
)
from .material_events import MaterialEventsMixin
from .schedule import ScheduleMixin

S = Publication.Status


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("download", "format", "size", "sha256", "created_at")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, attachment: Attachment):
        url = reverse(
            "admin:disclosure_publication_file", args=[attachment.publication_id, attachment.pk]
        )
        return format_html('<a href="{}">{}</a>', url, attachment.filename)


class EventInline(EventValueColumns, ReadOnlyInline):
    model = PublicationEvent
    value_choices = (Publication.Status,)
    fields = ("at", "type", "actor", "old_display", "new_display", "reason")
    readonly_fields = fields
    ordering = ("at", "id")  # the publication's story in order
    verbose_name_plural = _("history")


def _needs_approval(publication: Publication) -> bool:
    rule = KindRule.objects.filter(kind=publication.kind).first()
    return rule.needs_approval if rule else True


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


def _step_label(name: str, publication: Publication) -> str:
    if name == "publish" and _needs_approval(publication):
        return gettext("Approve and publish")
    return str(STEPS[name].label)


def _withdrawal(publication: Publication):
    try:
        return publication.withdrawal
    except ObjectDoesNotExist:
        return None


@admin.register(Publication)
class PublicationAdmin(ScheduleMixin, MaterialEventsMixin, ServiceFormAdminMixin, admin.ModelAdmin):
    form = PublicationDraftForm
    list_display = (
        "title",
        "kind",
        "period",
        "version",
        "status",
        "due_on",
        "published_at",
        "late",
        "withdrawn",
    )
    list_filter = ("kind", "status", "period")
    search_fields = ("title", "title_en", "key")
    list_select_related = ("withdrawal",)
    inlines = (AttachmentInline, EventInline)
    actions = ("submit", "publish", "return_to_author", "discard", "correct", "withdraw")
    change_list_template = "admin/disclosure/publication/change_list.html"
    change_form_template = "admin/disclosure/publication/change_form.html"

    DRAFT_FIELDS = ("period_start", "period_end", "title", "title_en", "body", "body_en",
                    "content")  # fmt: skip
    RECORD_FIELDS = (
        "key",
        "version",
        "kind",
        "period",
        "status",
        "due_on",
        "supersedes",
        "correction_note",
        "source",
        "drafted_by",
        "created_at",
        "approved_by",
        "published_at",
        "withdrawal_display",
    )

    # --- who may do what -------------------------------------------------------------

    def has_change_permission(self, request, obj=None) -> bool:
        """Only a draft is edited; anything else is read-only, whoever looks."""
        if obj is not None and obj.status != S.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a draft is discarded (it stays in the history), never deleted

    def has_draft_permission(self, request) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm(APPROVE_PERMISSION)

    # --- the form ----------------------------------------------------------------------

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else ()  # a new draft has no files or history

    def get_fields(self, request, obj=None):
        if obj is None:
            return PublicationDraftForm.Meta.fields
        return (*self.RECORD_FIELDS, *self.DRAFT_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if self.has_change_permission(request, obj):
            return self.RECORD_FIELDS
        return (*self.RECORD_FIELDS, *self.DRAFT_FIELDS)

    def save_model(self, request, obj, form, change):
        """Through the services: ``publication_draft`` for a new document,
        ``publication_edit`` with the changed fields for a draft."""
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in self.DRAFT_FIELDS}
            if changes:
                publication_edit(publication=obj.pk, actor=request.user, **changes)
            return
        publication = publication_draft(
            kind=data["kind"],
            title=data["title"],
            actor=request.user,
            key=data.get("key") or "",
            period=data.get("period") or "",
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            title_en=data.get("title_en") or "",
            body=data.get("body") or "",
            body_en=data.get("body_en") or "",
            content=data.get("content") or {},
        )
        obj.pk, obj.key, obj.version = publication.pk, publication.key, publication.version

    def save_formset(self, request, form, formset, change):
        """The inlines are read-only (files are attached with the "Attach a file" step):
        nothing to save, and nothing for the change message."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # --- columns ---------------------------------------------------------------------

    @admin.display(boolean=True, description=_("late"))
    def late(self, publication: Publication) -> bool:
        """Published after its due date, or not published and its due date has passed."""
        if publication.status == S.PUBLISHED:
            return publication.published_late
        if publication.status == S.DISCARDED or publication.due_on is None:
            return False
        return publication.due_on < timezone.localdate()

    @admin.display(boolean=True, description=_("withdrawn"))
    def withdrawn(self, publication: Publication) -> bool:
        return _withdrawal(publication) is not None

    @admin.display(description=_("withdrawal"))
    def withdrawal_display(self, publication: Publication) -> str:
        withdrawal = _withdrawal(publication)
        if withdrawal is None:
            return "—"
        return gettext("Withdrawn on %(at)s by %(by)s: %(reason)s") % {
            "at": format_datetime(withdrawal.at),
            "by": withdrawal.by,
            "reason": withdrawal.reason,
        }

    # --- pages -------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/step/<slug:step>/", view(self.step_view),
                 name="disclosure_publication_step"),
            path("<int:object_id>/files/<int:attachment_id>/", view(self.file_view),
                 name="disclosure_publication_file"),
            *self.schedule_urls(),
            *self.material_event_urls(),
            *super().get_urls(),
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
            needs_approval = _needs_approval(publication)
            if name == "submit" and not needs_approval:
                continue
            if name == "publish" and needs_approval and publication.status == S.DRAFT:
                continue  # submitted first, then approved
            if name == "withdraw" and _withdrawal(publication) is not None:
                continue
            found.append((name, _step_label(name, publication)))
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
                    "step": _step_label(step, publication),
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
        label = _step_label(step, publication)
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

    def file_view(self, request, object_id: int, attachment_id: int):
        """A file, served only while its bytes give the SHA-256 recorded with it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=attachment_id, publication_id=object_id)
        try:
            data = attachment_read(attachment)
        except AttachmentTampered as error:
            self.message_user(request, error.message, messages.ERROR)
            return redirect("admin:disclosure_publication_change", object_id)
        return HttpResponse(
            data,
            content_type=attachment.content_type,
            headers={
                "Content-Disposition": content_disposition_header(
                    as_attachment=True, filename=attachment.filename
                ),
                "X-Content-Type-Options": "nosniff",
            },
        )

    # --- actions (the rows ticked on the list) ------------------------------------------

    def _each(self, request, queryset, service: Callable[[Publication], Any], done: str):
        for_each(
            self,
            request,
            queryset,
            service,
            done=lambda n: done % {"n": n},
        )

    @admin.action(description=_("Submit for approval"), permissions=["draft"])
    def submit(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda p: publication_submit(publication=p, actor=request.user),
            gettext("%(n)d submitted for approval."),
        )

    @admin.action(
        description=pgettext_lazy("disclosure action", "Publish (approve and publish)"),
        permissions=["draft"],
    )
    def publish(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda p: publication_publish(publication=p, actor=request.user),
            gettext("%(n)d published."),
        )

    @admin.action(description=_("Return to its author"), permissions=["approve"])
    def return_to_author(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Return to its author"),
            form_class=ReasonForm,
            call=lambda p, d: publication_return(
                publication=p, actor=request.user, reason=d["reason"]
            ),
            done=lambda n: gettext("%(n)d returned to their authors.") % {"n": n},
        )

    @admin.action(description=pgettext_lazy("disclosure action", "Discard"), permissions=["draft"])
    def discard(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=pgettext("disclosure action", "Discard"),
            form_class=DiscardForm,
            call=lambda p, d: publication_discard(
                publication=p, actor=request.user, reason=d["reason"]
            ),
            done=lambda n: gettext("%(n)d discarded.") % {"n": n},
        )

    @admin.action(
        description=pgettext_lazy("disclosure action", "Withdraw"), permissions=["approve"]
    )
    def withdraw(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=pgettext("disclosure action", "Withdraw"),
            form_class=WithdrawForm,
            call=lambda p, d: publication_withdraw(
                publication=p, actor=request.user, reason=d["reason"]
            ),
            done=lambda n: gettext("%(n)d withdrawn.") % {"n": n},
        )

    @admin.action(description=_("Correct (one at a time)"), permissions=["draft"])
    def correct(self, request, queryset):
        """A correction changes one document: its form is the page of the step."""
        count = queryset.count()
        if count != 1:
            self.message_user(
                request,
                ngettext(
                    "Tick one published version to correct (%(n)d is ticked).",
                    "Tick one published version to correct (%(n)d are ticked).",
                    count,
                )
                % {"n": count},
                messages.WARNING,
            )
            return None
        return redirect("admin:disclosure_publication_step", queryset.get().pk, "correct")
