"""The actions on the publications' list (the rows ticked): submit, publish, return to
the author, discard and withdraw, each a service call per row with the reason asked
once for all; a correction changes one document and opens its step page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin_actions import action_with_form, for_each

from ..models import Publication
from ..services import (
    publication_discard,
    publication_publish,
    publication_return,
    publication_submit,
    publication_withdraw,
)
from .base import _ModelAdmin
from .forms import DiscardForm, ReasonForm, WithdrawForm


class PublicationActionsMixin(_ModelAdmin):
    """The list's actions, for the publications' admin (which names them in
    ``actions`` and holds the ``draft`` and ``approve`` permissions they ask)."""

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
