"""What every member page of the portal shares, in this app and in the others (the
privacy pages): the signed-in person's own membership. Not a face of the app: a base
the faces build on."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect

from .models import Member
from .selectors import member_for_user


class MemberMixin(LoginRequiredMixin):
    """The signed-in person's membership as ``self.member``; without one, the dashboard
    (which points to enrolment)."""

    member: Member

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        member = member_for_user(request.user)
        if member is None and not getattr(self, "allow_no_member", False):
            return redirect("members:dashboard")
        self.member = member
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.member
        return context
