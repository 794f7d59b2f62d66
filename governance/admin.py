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
from mutualsociety.common.exceptions import DomainError
from mutualsociety.common.forms import DepthLimitedJSONField

from . import selectors
from .models import (
    AgendaDocument,
    AgendaItem,
    Articles,
    Body,
    Candidate,
    Mandate,
    Matter,
    Meeting,
    MeetingEvent,
    Motion,
    Participation,
    Proposal,
    Proxy,
)
from .services import meetings as services
from .services.elections import (
    candidate_nominate,
    candidate_second,
    representative_elections_add,
)
from .services.voting import ballot_cast


class ServiceAdmin(admin.ModelAdmin):
    """Saves go through services; a rule they refuse becomes a message, not an error page
    (the admin's transaction is rolled back, nothing is recorded)."""

    def _guarded(self, request, view, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return redirect(request.get_full_path())

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


class MandateInline(admin.TabularInline):
    model = Mandate
    fk_name = "body"
    extra = 0
    autocomplete_fields = ("member",)
    fields = ("member", "role", "region", "starts_on", "ends_on", "elected_by")
    readonly_fields = ("elected_by",)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "seats")
    inlines = [MandateInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AgendaDocumentInline(admin.StackedInline):
    model = AgendaDocument
    extra = 0


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
        return ("meeting",) if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        item = services.agenda_item_add(
            meeting=obj.meeting, title=obj.title, description=obj.description, actor=request.user
        )
        obj.pk = item.pk
        obj.order = item.order

    def delete_model(self, request, obj):
        services.agenda_item_remove(item=obj, actor=request.user)

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
    count = 0
    for meeting in queryset:
        try:
            service(meeting=meeting, actor=request.user)
        except DomainError as error:
            modeladmin.message_user(request, f"{meeting}: {error.message}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done % {"n": count}, messages.SUCCESS)


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
                try:
                    motions = representative_elections_add(
                        meeting=meeting, body=body, actor=request.user
                    )
                except DomainError as error:
                    self.message_user(request, f"{meeting}: {error.message}", messages.ERROR)
                else:
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
            try:
                result = ballot_cast(
                    motion=motion, voter=voter, choice=form.cleaned_data.get("choice") or None,
                    candidates=[c.pk for c in form.cleaned_data.get("candidates") or []],
                    in_person=True, actor=request.user,
                )  # fmt: skip
            except DomainError as error:
                form.add_error(error.fields and next(iter(error.fields)) in form.fields
                               and next(iter(error.fields)) or None, error.message)  # fmt: skip
            else:
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
            try:
                services.meeting_draft_minutes(
                    meeting=meeting, text=form.cleaned_data["minutes"], actor=request.user
                )
            except DomainError as error:
                form.add_error("minutes", error.message)
            else:
                self.message_user(request, gettext("Minutes saved as a draft."), messages.SUCCESS)
                return redirect("admin:governance_meeting_change", meeting.pk)
        intro = gettext("Approve them with the action on the meeting list.")
        return self._render(request, meeting, form, gettext("Draft the minutes"), intro)


class InPersonVoteForm(forms.Form):
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


class MinutesForm(forms.Form):
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
    list_display = ("at", "meeting", "type", "actor")
    list_filter = ("type", "meeting")
    list_select_related = ("meeting", "actor")
    fields = ("at", "meeting", "type", "actor", "data")
