"""The member portal's face of solvency: a member's own shares of surplus distributions
(/me/surplus/). The member is the signed-in person's; no id of another member is in the
address, and the selector reads only their shares."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from members.selectors import member_for_user

from .selectors import surplus_shares_for_member


@method_decorator(never_cache, name="dispatch")
class SurplusShareListView(LoginRequiredMixin, View):
    """/me/surplus/: each share of a credited distribution, with how it was computed."""

    def get(self, request):
        member = member_for_user(request.user)
        if member is None:
            return redirect("members:dashboard")
        return render(
            request,
            "solvency/surplus_share_list.html",
            {"member": member, "shares": surplus_shares_for_member(member)},
        )
