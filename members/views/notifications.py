"""The member's notification centre under /me/notifications/: every message the society
sent them, newest first, read or not; and how they want to be told per topic.

Thin: the reads are ``members.selectors`` (always of the signed-in person's own
membership, so another member's notification answers 404), the writes
``notification_mark_read``, ``notifications_mark_all_read`` and
``notification_preferences_set``. Marking read is a POST (CSRF-protected); opening a
notification marks it read and shows it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from ..forms import NotificationPreferencesForm
from ..models import Notification
from ..selectors import notification_for_member, notification_preferences, notifications_for_member
from ..services.notifications import (
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
)
from .base import MemberMixin

#: Notifications per page of the list.
PAGE_SIZE = 20


@method_decorator(never_cache, name="dispatch")
class NotificationListView(MemberMixin, TemplateView):
    """/me/notifications/: the member's notifications, newest first, unread marked."""

    template_name = "members/notification_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(notifications_for_member(self.member), PAGE_SIZE)
        # A page number out of range or not a number shows the nearest page, not a 404.
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            page=page,
            notifications=page.object_list,
            has_unread=notifications_for_member(self.member).filter(read_at__isnull=True).exists(),
        )
        return context


@method_decorator(never_cache, name="dispatch")
class NotificationDetailView(MemberMixin, TemplateView):
    """/me/notifications/<id>/: one of the member's own notifications (GET shows it;
    POST marks it read, then shows it)."""

    template_name = "members/notification_detail.html"

    def get_notification(self) -> Notification:
        notification = notification_for_member(self.member, self.kwargs["notification_id"])
        if notification is None:
            raise Http404(_("No such notification."))
        return notification

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notification"] = self.get_notification()
        return context

    def post(self, request, *args, **kwargs):
        try:
            notification_mark_read(member=self.member, notification_id=kwargs["notification_id"])
        except Notification.DoesNotExist:
            raise Http404(_("No such notification.")) from None
        return redirect("members:notification", notification_id=kwargs["notification_id"])


@method_decorator(never_cache, name="dispatch")
class NotificationsReadAllView(MemberMixin, View):
    """POST /me/notifications/read-all/: every unread notification read, in one UPDATE."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        count = notifications_mark_all_read(member=self.member)
        if count:
            messages.success(request, _("All notifications are marked read."))
        return redirect("members:notifications")


@method_decorator(never_cache, name="dispatch")
class NotificationPreferencesView(MemberMixin, FormView):
    """/me/notifications/preferences/: e-mail and SMS per topic (SMS only with a mobile
    number on file); every message is in the notification centre whatever is chosen."""

    template_name = "members/notification_preferences.html"
    form_class = NotificationPreferencesForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(member=self.member, current=notification_preferences(self.member))
        return kwargs

    def form_valid(self, form):
        saved = form.call_service(
            notification_preferences_set,
            member=self.member,
            choices=form.choices(),
            actor=self.request.user,
        )
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Your notification settings are saved."))
        return redirect("members:notification_preferences")
