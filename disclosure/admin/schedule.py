"""What is due (Information disclosure → Publications → What is due): for each periodic
kind and period, its due date and state (published on time, published late, due,
overdue), with a link to the publication, to the draft in the making or to draft it.
Read-only; the items come from ``selectors.schedule.disclosure_schedule``, the same the
public archive flags late items with."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext

from ..models import Kind, Publication
from ..selectors.schedule import State, disclosure_schedule

VIEW_PERM = "disclosure.view_publication"
DRAFT_PERM = "disclosure.add_publication"

#: The states of the schedule, in the order the page offers them as filters.
STATES = {state.value: state.label for state in (State.OVERDUE, State.DUE, State.LATE,
                                                 State.PUBLISHED)}  # fmt: skip


class ScheduleMixin:
    """Adds the page to the publications' admin (``admin:disclosure_schedule``)."""

    def schedule_urls(self) -> list:
        return [
            path(
                "schedule/",
                self.admin_site.admin_view(self.schedule_view),  # type: ignore[attr-defined]
                name="disclosure_schedule",
            )
        ]

    def schedule_view(self, request):
        return schedule_page(self, request)


def _in_the_making(items) -> dict[tuple[str, str], Publication]:
    """The drafts (or drafts awaiting approval) of the items not yet published, in one
    query."""
    wanted = {(item.kind, item.period) for item in items if item.publication_id is None}
    if not wanted:
        return {}
    drafts = Publication.objects.filter(
        kind__in={kind for kind, _period in wanted},
        period__in={period for _kind, period in wanted},
        status__in=(Publication.Status.DRAFT, Publication.Status.PENDING),
    ).order_by("version")
    return {(p.kind, p.period): p for p in drafts if (p.kind, p.period) in wanted}


def _draft_url(item) -> str:
    query = urlencode(
        {
            "kind": item.kind,
            "period": item.period,
            "period_start": item.period_start.isoformat(),
            "period_end": item.period_end.isoformat(),
        }
    )
    return f"{reverse('admin:disclosure_publication_add')}?{query}"


def schedule_page(model_admin, request):
    if not request.user.has_perm(VIEW_PERM):
        raise PermissionDenied
    today = timezone.localdate()
    errors: list[str] = []
    state = (request.GET.get("state") or "").strip()
    if state and state not in STATES:
        errors.append(
            gettext("State: one of %(states)s; showing every state.")
            % {"states": ", ".join(STATES)}
        )
        state = ""
    # by kind in the kinds' order, the newest period first: what is owed now on top
    order = {kind: index for index, kind in enumerate(Kind.values)}
    items = sorted(
        disclosure_schedule(today),
        key=lambda item: (order.get(item.kind, len(order)), -item.period_end.toordinal()),
    )
    counts = {name: sum(1 for item in items if item.state == name) for name in STATES}
    if state:
        items = [item for item in items if item.state == state]
    drafts = _in_the_making(items)
    can_draft = request.user.has_perm(DRAFT_PERM)
    rows = []
    for item in items:
        draft = drafts.get((item.kind, item.period))
        status = draft.get_status_display() if draft is not None else ""
        if item.publication_id is not None:
            link, link_label = (
                reverse("admin:disclosure_publication_change", args=[item.publication_id]),
                gettext("Published version"),
            )
        elif draft is not None:
            link, link_label = (
                reverse("admin:disclosure_publication_change", args=[draft.pk]),
                gettext("Draft in the making (%(status)s)") % {"status": status},
            )
        elif can_draft:
            link, link_label = _draft_url(item), gettext("Draft it")
        else:
            link, link_label = "", gettext("Not drafted")
        rows.append(
            {
                "item": item,
                "state_label": STATES[item.state],
                "link": link,
                "link_label": link_label,
            }
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("What is due"),
        "opts": model_admin.model._meta,
        "today": today,
        "errors": errors,
        "rows": rows,
        "state": state,
        "states": [(name, label, counts[name]) for name, label in STATES.items()],
    }
    return TemplateResponse(request, "admin/disclosure/publication/schedule.html", context)
