"""Bodies and their seats: seats are taken and changed on the body's page and ended early
from the mandates list, all through the mandate services; their history read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin_actions import ReasonForm, action_with_form

from ..models import Body, Mandate, MandateEvent
from ..services import mandates as mandate_services
from .base import ReadOnlyAdmin, ServiceAdmin, saved_through_services


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
        saved_through_services(
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


@admin.register(MandateEvent)
class MandateEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "mandate", "type", "old_value", "new_value", "actor")
    list_filter = ("type", "mandate__body")
    list_select_related = ("mandate__body", "mandate__member", "actor")
    search_fields = ("mandate__member__member_number", "mandate__member__legal_name")
    fields = ("at", "mandate", "type", "old_value", "new_value", "actor", "reason", "data")
