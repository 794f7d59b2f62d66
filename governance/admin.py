"""The secretary's face: articles, bodies and mandates, meetings and their milestones,
motions, nominations, in-person votes, minutes; the audit log read-only.

Thin: every change of state is an admin action or a small form calling a service.
Ballots are not in the admin at all (a secret ballot's choice is published only as the
receipt list after the close); participations show who voted, never what; the event log
and participations cannot be edited or deleted.
"""

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
from mutualsociety.common.admin_actions import (
    ReasonForm,
    action_with_form,
    call_service,
    for_each,
)
from mutualsociety.common.forms import DepthLimitedJSONField, DomainErrorFormMixin

from . import selectors
from .models import (
    AgendaDocument,
    AgendaItem,
    Articles,
    Body,
    Candidate,
    Mandate,
    MandateEvent,
    Matter,
    Meeting,
    MeetingEvent,
    Motion,
    Participation,
    Proposal,
    Proxy,
)
from .services import mandates as mandate_services
from .services import meetings as services
from .services.elections import (
    candidate_nominate,
    candidate_second,
    representative_elections_add,
)
from .services.voting import ballot_cast
from .transitions import BEFORE_VOTING


class ServiceAdmin(admin.ModelAdmin):
    """Saves go through services; a rule they refuse becomes a message, not an error page
    (the admin's transaction is rolled back, nothing is recorded)."""

    def _guarded(self, request, view, *args, **kwargs):
        response = call_service(self, request, lambda: view(request, *args, **kwargs))
        return redirect(request.get_full_path()) if response is None else response

    def add_view(self, request, form_url="", extra_context=None):
        return self._guarded(request, super().add_view, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._guarded(request, super().change_view, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._guarded(request, super().delete_view, object_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ArticlesForm(forms.ModelForm):
    class Meta:
        model = Articles
        fields = ("special_matters",)  # the admin adds the fieldsets' fields
        field_classes = {"special_matters": DepthLimitedJSONField}

    def clean_special_matters(self):
        matters = self.cleaned_data["special_matters"]
        if not isinstance(matters, list) or any(m not in Matter.values for m in matters):
            raise forms.ValidationError(
                _("A list of matter codes: %(codes)s.") % {"codes": ", ".join(Matter.values)}
            )
        return matters


@admin.register(Articles)
class ArticlesAdmin(admin.ModelAdmin):
    """The articles' governance parameters are data; a new version takes effect on its
    date, and meetings keep the version they were convened under."""

    form = ArticlesForm
    list_display = ("version", "title", "effective_from", "secret_ballot", "proxies_allowed")
    fieldsets = (
        (None, {"fields": ("version", "title", "effective_from", "text")}),
        (_("Notice and record date"), {"fields": (
            "notice_days_annual", "notice_days_extraordinary", "notice_days_board",
            "record_date_offset_days")}),
        (_("Quorum and majorities"), {"fields": (
            ("quorum_members_num", "quorum_members_den"),
            ("quorum_representatives_num", "quorum_representatives_den"),
            ("ordinary_majority_num", "ordinary_majority_den"),
            ("special_majority_num", "special_majority_den"),
            "special_matters", "abstentions_count")}),
        (_("Voting"), {"fields": (
            "secret_ballot", "vote_changes_allowed", "proxies_allowed", "proxies_max_per_holder")}),
        (_("Member proposals and terms"), {"fields": (
            "proposal_threshold_kind", "proposal_threshold_number",
            "proposal_threshold_share_permille", "term_years", "term_limit")}),
    )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # A version applied to a meeting is history: it is not rewritten.
        if obj is not None and obj.meetings.exists():
            return [f.name for f in Articles._meta.fields]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MandateInlineForm(forms.ModelForm):
    """A seat as the body's page edits it: the holder of an existing seat is fixed (a new
    holder is a new seat; end the old one)."""

    class Meta:
        model = Mandate
        fields = ("member", "role", "region", "starts_on", "ends_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["member"].disabled = True


class MandateInline(admin.TabularInline):
    """Seats on the body. Saved through ``mandate_add`` / ``mandate_update`` (with a
    ``MandateEvent``); never deleted — a seat is ended early from the mandates list."""

    model = Mandate
    form = MandateInlineForm
    fk_name = "body"
    extra = 0
    can_delete = False
    show_change_link = True
    autocomplete_fields = ("member",)
    fields = ("member", "role", "region", "starts_on", "ends_on", "elected_by")
    readonly_fields = ("elected_by",)


def _saved_through_services(formset, *, add, update, remove=None) -> None:
    """Save an inline formset row by row through services instead of ``formset.save()``:
    ``add(cleaned_data)`` for a new row, ``update(instance, cleaned_data)`` for a changed
    one, ``remove(instance)`` for a deleted one. Sets what the admin's change message
    reads (``new_objects``, ``changed_objects``, ``deleted_objects``)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    deleted = list(formset.deleted_forms)
    for row in deleted:
        if row.instance.pk is not None and remove is not None:
            remove(row.instance)
            formset.deleted_objects.append(row.instance)
    for row in formset.forms:
        if row in deleted or not row.has_changed():
            continue
        if row.instance.pk is None:
            formset.new_objects.append(add(row.cleaned_data))
        else:
            formset.changed_objects.append(
                (update(row.instance, row.cleaned_data), row.changed_data)
            )


@admin.register(Body)
class BodyAdmin(ServiceAdmin):
    """The organs and their seats. A body's name is data in two fields: ``name`` in the
    society's language, ``name_en`` for pages in English."""

    list_display = ("name", "name_en", "kind", "seats")
    fields = ("kind", "name", "name_en", "seats")
    inlines = [MandateInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Mandate:
            return super().save_formset(request, form, formset, change)
        body = form.instance
        _saved_through_services(
            formset,
            add=lambda data: mandate_services.mandate_add(
                body=body, member=data["member"], role=data["role"],
                region=data.get("region") or "", starts_on=data["starts_on"],
                ends_on=data["ends_on"], actor=request.user,
            ),
            update=lambda mandate, data: mandate_services.mandate_update(
                mandate=mandate.pk, role=data["role"], region=data.get("region") or "",
                starts_on=data["starts_on"], ends_on=data["ends_on"], actor=request.user,
            ),
        )  # fmt: skip
        return None


class MandateEndForm(ReasonForm):
    on = forms.DateField(
        label=_("Last day"),
        required=False,
        help_text=_("The seat ends on this day (today if empty; not a day in the past)."),
    )


@admin.register(Mandate)
class MandateAdmin(ServiceAdmin):
    """Who holds which seat, when. Seats are added and changed on their body's page;
    here a seat is ended early, with the reason. Their history is the mandate events."""

    list_display = ("member", "body", "role", "region", "starts_on", "ends_on", "elected_by")
    list_filter = ("body", "role")
    search_fields = ("member__member_number", "member__legal_name")
    list_select_related = ("member", "body", "elected_by")
    actions = ["end_early"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None:
            return False  # read here; changed on the body's page, through the services
        return super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("End the seat early (with the reason)"), permissions=["change"])
    def end_early(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("End seats early"),
            form_class=MandateEndForm,
            call=lambda mandate, data: mandate_services.mandate_end(
                mandate=mandate, reason=data["reason"], on=data.get("on"), actor=request.user
            ),
            done=lambda n: gettext("%(n)s seat(s) ended.") % {"n": n},
        )


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
        _saved_through_services(
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


class MotionAddForm(forms.ModelForm):
    requested_kind = forms.ChoiceField(
        label=_("Put to the vote as"),
        required=False,
        choices=[("", _("As the articles say for the matter"))] + list(Motion.Kind.choices),
        help_text=_("A special matter put to an ordinary vote is refused."),
    )

    class Meta:
        model = Motion
        fields = (
            "meeting",
            "item",
            "title",
            "text",
            "matter",
            "seats",
            "elects_to",
            "constituency",
        )


@admin.register(Motion)
class MotionAdmin(ServiceAdmin):
    list_display = ("__str__", "meeting", "kind", "matter", "outcome")
    list_filter = ("kind", "outcome")
    list_select_related = ("meeting",)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = MotionAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("meeting", "item", "title", "text", "matter", "requested_kind", "seats",
                    "elects_to", "constituency")  # fmt: skip
        return [f.name for f in Motion._meta.fields if f.name != "id"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        motion = services.motion_add(
            meeting=data["meeting"], item=data.get("item"), title=data["title"],
            text=data["text"], matter=data["matter"], kind=data.get("requested_kind") or None,
            seats=data.get("seats") or 0, elects_to=data.get("elects_to"),
            constituency=data.get("constituency") or "", actor=request.user,
        )  # fmt: skip
        obj.pk = motion.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CandidateAddForm(forms.ModelForm):
    candidate_number = forms.CharField(label=_("Candidate's member number"), max_length=20)
    nominator_number = forms.CharField(label=_("Nominated by (member number)"), max_length=20)
    seconder_number = forms.CharField(
        label=_("Seconded by (member number)"), max_length=20, required=False
    )

    class Meta:
        model = Candidate
        fields = ("motion", "statement")

    def clean(self):
        cleaned = super().clean()
        for name in ("candidate_number", "nominator_number", "seconder_number"):
            number = (cleaned.get(name) or "").strip()
            if number and not Member.objects.filter(member_number=number).exists():
                self.add_error(name, _("There is no member with this number."))
        return cleaned


@admin.register(Candidate)
class CandidateAdmin(ServiceAdmin):
    list_display = ("member", "motion", "status", "votes")
    list_select_related = ("member", "motion")
    list_filter = ("status",)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = CandidateAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("motion", "candidate_number", "nominator_number", "seconder_number",
                    "statement")  # fmt: skip
        return ("motion", "member", "nominated_by", "statement", "status", "votes", "draw_rank")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        by_number = {
            m.member_number: m
            for m in Member.objects.filter(
                member_number__in=[
                    data["candidate_number"],
                    data["nominator_number"],
                    data.get("seconder_number"),
                ]
            )
        }
        candidate = candidate_nominate(
            motion=data["motion"], member=by_number[data["candidate_number"]],
            nominated_by=by_number[data["nominator_number"]], statement=data["statement"],
            actor=request.user,
        )  # fmt: skip
        if data.get("seconder_number"):
            candidate_second(candidate=candidate, member=by_number[data["seconder_number"]],
                             actor=request.user)  # fmt: skip
        obj.pk = candidate.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    """Who voted on which motion, how and when: never what (the ballot link is sealed)."""

    list_display = ("motion", "voter", "cast_by", "channel", "at", "counted", "recorded_by")
    list_filter = ("channel", "counted", "motion__meeting")
    search_fields = ("voter__member_number", "voter__legal_name")
    list_select_related = ("motion", "voter", "cast_by", "recorded_by")
    fields = ("motion", "voter", "cast_by", "channel", "at", "counted", "recorded_by")

    def get_queryset(self, request):
        return selectors.participations_visible().select_related(*self.list_select_related)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("governance.view_participation")


@admin.register(Proxy)
class ProxyAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "principal", "holder", "appointed_at", "revoked_at")
    list_select_related = ("meeting", "principal", "holder")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Member proposals: the board reads them; it cannot edit or drop one."""

    list_display = ("title", "author", "status", "threshold", "created_at", "queued_at")
    list_filter = ("status",)
    list_select_related = ("author",)


@admin.register(MeetingEvent)
class MeetingEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "meeting", "type", "old_value", "new_value", "actor")
    list_filter = ("type", "meeting")
    list_select_related = ("meeting", "actor")
    fields = ("at", "meeting", "type", "old_value", "new_value", "actor", "reason", "data")


@admin.register(MandateEvent)
class MandateEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "mandate", "type", "old_value", "new_value", "actor")
    list_filter = ("type", "mandate__body")
    list_select_related = ("mandate__body", "mandate__member", "actor")
    search_fields = ("mandate__member__member_number", "mandate__member__legal_name")
    fields = ("at", "mandate", "type", "old_value", "new_value", "actor", "reason", "data")
