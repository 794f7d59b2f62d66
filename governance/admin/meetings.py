"""Meetings: the agenda and its documents, the milestones as actions, the in-person vote
and the minutes pages; the meeting log read-only."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Member
from mutualsociety.common.admin.mixins import EventValueColumns
from mutualsociety.common.admin_actions import call_service, for_each
from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import AgendaDocument, AgendaItem, Body, Candidate, Meeting, MeetingEvent, Motion
from ..services import meetings as services
from ..services.elections import representative_elections_add
from ..services.voting import ballot_cast
from ..transitions import BEFORE_VOTING
from .base import ReadOnlyAdmin, ServiceAdmin, saved_through_services


class AgendaDocumentInline(admin.StackedInline):
    """Documents of the item, saved through the agenda services (with a meeting event);
    fixed once voting opens."""

    model = AgendaDocument
    extra = 0
    fields = ("title", "body", "url")

    def _open(self, item) -> bool:
        return item is None or item.meeting.status in BEFORE_VOTING

    def has_add_permission(self, request, obj=None) -> bool:
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._open(obj) and super().has_delete_permission(request, obj)


@admin.register(AgendaItem)
class AgendaItemAdmin(ServiceAdmin):
    list_display = ("title", "meeting", "order", "is_member_proposal")
    list_select_related = ("meeting",)
    fields = ("meeting", "order", "title", "description")
    inlines = [AgendaDocumentInline]

    @admin.display(boolean=True, description=_("member proposal"))
    def is_member_proposal(self, obj) -> bool:
        return obj.proposal_id is not None

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.meeting.status not in BEFORE_VOTING:
            return self.fields  # the agenda is fixed once voting opens
        # A member proposal's title is the proposal's: the board does not reword it.
        return ("meeting", "title") if obj.proposal_id else ("meeting",)

    def save_model(self, request, obj, form, change):
        if change:
            services.agenda_item_update(
                item=obj.pk, title=obj.title, description=obj.description, order=obj.order,
                actor=request.user,
            )  # fmt: skip
            return
        item = services.agenda_item_add(
            meeting=obj.meeting, title=obj.title, description=obj.description, actor=request.user
        )
        obj.pk = item.pk
        obj.order = item.order

    def delete_model(self, request, obj):
        services.agenda_item_remove(item=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        item = form.instance
        saved_through_services(
            formset,
            add=lambda data: services.agenda_document_add(
                item=item, title=data["title"], body=data.get("body") or "",
                url=data.get("url") or "", actor=request.user,
            ),
            update=lambda document, data: services.agenda_document_update(
                document=document, title=data["title"], body=data.get("body") or "",
                url=data.get("url") or "", actor=request.user,
            ),
            remove=lambda document: services.agenda_document_remove(
                document=document, actor=request.user
            ),
        )  # fmt: skip

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and (obj.proposal_id or obj.meeting.status != Meeting.Status.DRAFTED):
            return False
        return super().has_delete_permission(request, obj)


class MotionInline(admin.TabularInline):
    model = Motion
    extra = 0
    fields = ("number", "title", "kind", "matter", "seats", "outcome")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _each(modeladmin, request, queryset, service: Callable, done: str) -> None:
    """Run a milestone service for each selected meeting; a refusal names the meeting."""
    for_each(
        modeladmin,
        request,
        queryset,
        lambda meeting: service(meeting=meeting, actor=request.user),
        done=lambda n: done % {"n": n},
    )


@admin.register(Meeting)
class MeetingAdmin(ServiceAdmin):
    list_display = ("title", "body", "kind", "status", "voting_opens_at", "voting_closes_at",
                    "roll_size", "tools")  # fmt: skip
    list_filter = ("status", "kind", "body")
    search_fields = ("title",)
    list_select_related = ("body",)
    inlines = [MotionInline]
    actions = [
        "add_representative_elections", "convene", "open_voting", "close_voting",
        "declare_results", "approve_minutes", "publish",
    ]  # fmt: skip
    readonly_fields = (
        "status", "articles", "record_date", "secret_ballot", "convened_at", "voting_opened_at",
        "voting_closed_at", "results_declared_at", "minutes_approved_at", "published_at",
        "roll_size", "roll_hash", "minutes", "minutes_drafted_at",
    )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Meeting.Status.DRAFTED:
            return ("body", "kind", "title", "location", "voting_opens_at", "voting_closes_at",
                    *self.readonly_fields)  # fmt: skip
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("tools"))
    def tools(self, obj):
        links = []
        if obj.status == Meeting.Status.VOTING_OPEN:
            links.append((reverse("admin:governance_meeting_in_person", args=[obj.pk]),
                          gettext("Record in-person vote")))  # fmt: skip
        if obj.status == Meeting.Status.RESULTS_DECLARED:
            links.append((reverse("admin:governance_meeting_minutes", args=[obj.pk]),
                          gettext("Draft minutes")))  # fmt: skip
        who = reverse("admin:governance_participation_changelist")
        links.append((f"{who}?motion__meeting__id__exact={obj.pk}", gettext("Who voted")))
        return format_html(
            " · ".join(['<a href="{}">{}</a>'] * len(links)),
            *[part for link in links for part in link],
        )

    def save_model(self, request, obj, form, change):
        if change:
            services.meeting_draft_update(
                meeting=obj, body=obj.body, kind=obj.kind, title=obj.title,
                location=obj.location, voting_opens_at=obj.voting_opens_at,
                voting_closes_at=obj.voting_closes_at, actor=request.user,
            )  # fmt: skip
            return
        meeting = services.meeting_draft(
            body=obj.body, kind=obj.kind, title=obj.title, location=obj.location,
            voting_opens_at=obj.voting_opens_at, voting_closes_at=obj.voting_closes_at,
            actor=request.user,
        )  # fmt: skip
        obj.pk = meeting.pk

    @admin.action(
        description=_("Add representative elections by region (seats up for election)"),
        permissions=["change"],
    )
    def add_representative_elections(self, request, queryset):
        bodies = list(Body.objects.filter(kind=Body.Kind.REPRESENTATIVE_ASSEMBLY))
        if not bodies:
            self.message_user(request, gettext("There is no representative assembly."),
                              messages.ERROR)  # fmt: skip
            return
        for meeting in queryset:
            for body in bodies:
                motions = call_service(
                    self, request, representative_elections_add, obj=meeting,
                    meeting=meeting, body=body, actor=request.user,
                )  # fmt: skip
                if motions is not None:
                    self.message_user(
                        request,
                        gettext("%(meeting)s: %(n)s constituency elections added.")
                        % {"meeting": meeting, "n": len(motions)},
                        messages.SUCCESS,
                    )

    @admin.action(description=_("Convene (send the notice)"), permissions=["change"])
    def convene(self, request, queryset):
        _each(self, request, queryset, services.meeting_convene,
              gettext("%(n)s meeting(s) convened; the notices are being sent."))  # fmt: skip

    @admin.action(description=_("Open voting"), permissions=["change"])
    def open_voting(self, request, queryset):
        _each(self, request, queryset, services.meeting_open_voting,
              gettext("Voting opened at %(n)s meeting(s)."))  # fmt: skip

    @admin.action(description=_("Close voting"), permissions=["change"])
    def close_voting(self, request, queryset):
        _each(self, request, queryset, services.meeting_close_voting,
              gettext("Voting closed at %(n)s meeting(s)."))  # fmt: skip

    @admin.action(description=_("Count and declare the results"), permissions=["change"])
    def declare_results(self, request, queryset):
        _each(self, request, queryset, services.meeting_declare_results,
              gettext("Results declared for %(n)s meeting(s)."))  # fmt: skip

    @admin.action(description=_("Approve the minutes"), permissions=["change"])
    def approve_minutes(self, request, queryset):
        _each(self, request, queryset, services.meeting_approve_minutes,
              gettext("Minutes approved for %(n)s meeting(s)."))  # fmt: skip

    @admin.action(description=_("Publish results and minutes"), permissions=["change"])
    def publish(self, request, queryset):
        _each(self, request, queryset, services.meeting_publish,
              gettext("%(n)s meeting(s) published to the disclosure pages."))  # fmt: skip

    def get_urls(self):
        return [
            path("<int:meeting_id>/in-person/", self.admin_site.admin_view(self.in_person_view),
                 name="governance_meeting_in_person"),
            path("<int:meeting_id>/minutes/", self.admin_site.admin_view(self.minutes_view),
                 name="governance_meeting_minutes"),
        ] + super().get_urls()  # fmt: skip

    def _render(self, request, meeting, form, title, intro):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "opts": self.model._meta,
            "meeting": meeting,
            "form": form,
        }
        return TemplateResponse(request, "admin/governance/meeting/form.html", context)

    def in_person_view(self, request, meeting_id: int):
        """Record a paper ballot handed in at the meeting (an audit event names the
        secretary; for a secret ballot the event does not say the choice)."""
        if not request.user.has_perm("governance.add_participation"):
            raise PermissionDenied
        meeting = get_object_or_404(Meeting, pk=meeting_id)
        form = InPersonVoteForm(request.POST or None, meeting=meeting)
        if request.method == "POST" and form.is_valid():
            voter = Member.objects.filter(member_number=form.cleaned_data["voter"]).first()
            motion = form.cleaned_data["motion"]
            result = form.call_service(
                ballot_cast, motion=motion, voter=voter,
                choice=form.cleaned_data.get("choice") or None,
                candidates=[c.pk for c in form.cleaned_data.get("candidates") or []],
                in_person=True, actor=request.user,
            )  # fmt: skip
            if result is not None:
                self.message_user(
                    request,
                    gettext("In-person ballot of %(name)s recorded; receipt %(receipt)s.")
                    % {"name": voter.legal_name, "receipt": result.receipt},
                    messages.SUCCESS,
                )
                return redirect("admin:governance_meeting_in_person", meeting.pk)
        return self._render(request, meeting, form, gettext("Record an in-person vote"),
                            gettext("Enter the paper ballot as the voter marked it. Hand the "
                                    "receipt code to the voter."))  # fmt: skip

    def minutes_view(self, request, meeting_id: int):
        if not request.user.has_perm("governance.change_meeting"):
            raise PermissionDenied
        meeting = get_object_or_404(Meeting, pk=meeting_id)
        form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
        if request.method == "POST" and form.is_valid():
            done = form.call_service(
                services.meeting_draft_minutes,
                meeting=meeting,
                text=form.cleaned_data["minutes"],
                actor=request.user,
            )
            if done is not None:
                self.message_user(request, gettext("Minutes saved as a draft."), messages.SUCCESS)
                return redirect("admin:governance_meeting_change", meeting.pk)
        intro = gettext("Approve them with the action on the meeting list.")
        return self._render(request, meeting, form, gettext("Draft the minutes"), intro)


class InPersonVoteForm(DomainErrorFormMixin, forms.Form):
    voter = forms.CharField(label=_("Voter's member number"), max_length=20)
    motion = forms.ModelChoiceField(label=_("Motion"), queryset=Motion.objects.none())
    choice = forms.ChoiceField(
        label=_("Choice"),
        required=False,
        choices=[
            ("", "—"),
            ("for", _("For")),
            ("against", _("Against")),
            ("abstain", _("Abstain")),
        ],
    )
    candidates = forms.ModelMultipleChoiceField(
        label=_("Candidates marked (elections)"),
        required=False,
        queryset=Candidate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motion"].queryset = meeting.motions.order_by("number")
        self.fields["candidates"].queryset = Candidate.objects.filter(
            motion__meeting=meeting, status=Candidate.Status.STANDING
        ).select_related("member")

    def clean_voter(self):
        number = self.cleaned_data["voter"].strip()
        if not Member.objects.filter(member_number=number).exists():
            raise forms.ValidationError(_("There is no member with this number."))
        return number


class MinutesForm(DomainErrorFormMixin, forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 20}))


@admin.register(MeetingEvent)
class MeetingEventAdmin(EventValueColumns, ReadOnlyAdmin):
    list_display = ("at", "meeting", "type", "old_display", "new_display", "actor")
    list_filter = ("type", "meeting")
    list_select_related = ("meeting", "actor")
    value_choices = (Meeting.Status,)
    fields = ("at", "meeting", "type", "old_display", "new_display", "actor", "reason", "data")
