"""Publications in the admin (compliance's desk): the list, the draft's form and the
record's page; the rest of the publications' admin is in its own modules:

- A draft is written on the add form (``publication_draft``) and changed on its change
  form (``publication_edit``); the form checks the input's shape, the services the
  rules, and a refusal shows on the field it is about (``base.ServiceFormAdminMixin``).
  Anything not a draft is read-only here.
- Each step of a publication is a service call: as an action on the list for the rows
  ticked (``publication_actions``) or as a button on its page (``publication_steps``:
  submit, publish / approve and publish, return to the author, discard, correct,
  withdraw, attach a file).
- Its files (with their SHA-256, ``publication_files``) and its history are read-only
  inlines; nothing is deleted. Read-only roles (the regulator) hold no add, change or
  approve permission: they see everything and get no button, no action and no step page.
- "What is due" (``schedule``) and the material events waiting (``material_events``)
  are pages of this admin too.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import EventValueColumns, ReadOnlyInline
from mutualsociety.common.display import format_datetime

from ..models import Publication, PublicationEvent
from ..selectors.schedule import publication_late
from ..services import publication_draft, publication_edit
from ..services.publications import APPROVE_PERMISSION, PUBLISH_PERMISSION
from .base import ServiceFormAdminMixin
from .forms import PublicationDraftForm
from .material_events import MaterialEventsMixin
from .publication_actions import PublicationActionsMixin
from .publication_files import AttachmentInline, PublicationFilesMixin
from .publication_steps import PublicationStepsMixin, withdrawal_of
from .schedule import ScheduleMixin

S = Publication.Status


class EventInline(EventValueColumns, ReadOnlyInline):
    model = PublicationEvent
    value_choices = (Publication.Status,)
    fields = ("at", "type", "actor", "old_display", "new_display", "reason")
    readonly_fields = fields
    ordering = ("at", "id")  # the publication's story in order
    verbose_name_plural = _("history")


@admin.register(Publication)
class PublicationAdmin(
    PublicationStepsMixin,
    PublicationActionsMixin,
    PublicationFilesMixin,
    ScheduleMixin,
    MaterialEventsMixin,
    ServiceFormAdminMixin,
    admin.ModelAdmin,
):
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
        return publication_late(publication)

    @admin.display(boolean=True, description=_("withdrawn"))
    def withdrawn(self, publication: Publication) -> bool:
        return withdrawal_of(publication) is not None

    @admin.display(description=_("withdrawal"))
    def withdrawal_display(self, publication: Publication) -> str:
        withdrawal = withdrawal_of(publication)
        if withdrawal is None:
            return "—"
        return gettext("Withdrawn on %(at)s by %(by)s: %(reason)s") % {
            "at": format_datetime(withdrawal.at),
            "by": withdrawal.by,
            "reason": withdrawal.reason,
        }

    # --- pages -------------------------------------------------------------------------

    def get_urls(self):
        return [
            *self.step_urls(),
            *self.file_urls(),
            *self.schedule_urls(),
            *self.material_event_urls(),
            *super().get_urls(),
        ]
