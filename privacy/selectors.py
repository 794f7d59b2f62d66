"""Reads of the privacy app shared by the portal, the admin and the services."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import Member

from .models import PrivacyRequest, PrivacySettings, RetentionRule


def privacy_settings_get() -> PrivacySettings:
    """The one settings row (made by the migration; recreated with defaults if gone)."""
    row, _created = PrivacySettings.objects.get_or_create(pk=1)
    return row


def retention_rules() -> list[RetentionRule]:
    return list(RetentionRule.objects.order_by("category"))


def privacy_requests_for_member(member: Member) -> QuerySet[PrivacyRequest]:
    """The member's own requests, newest first."""
    return PrivacyRequest.objects.filter(member=member).order_by("-received_at", "-id")


def privacy_request_for_member(member: Member | None, request_id: int) -> PrivacyRequest | None:
    """One of the member's own requests; another member's is not found (None)."""
    if member is None:
        return None
    return PrivacyRequest.objects.filter(member=member, pk=request_id).first()


def privacy_request_queue() -> QuerySet[PrivacyRequest]:
    """Open requests, the earliest due first (the staff queue)."""
    return (
        PrivacyRequest.objects.filter(
            status__in=(PrivacyRequest.Status.RECEIVED, PrivacyRequest.Status.IN_PROGRESS)
        )
        .select_related("member", "handler")
        .order_by("due_on", "id")
    )


def request_outcome_lines(request: PrivacyRequest) -> list[str]:
    """What was done about each part of a closed request, in the active language: what
    was deleted or corrected, and for what was kept, the law and the years (from the
    retention rule as it stood when the request was answered)."""
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    from .models import CorrectionField, DeletionItem

    english = (get_language() or "").lower().startswith("en")
    lines = []
    for line in request.outcome:
        item = line.get("item", "")
        if request.kind == PrivacyRequest.Kind.CORRECTION:
            label = CorrectionField(item).label if item in CorrectionField.values else item
            lines.append(
                _("%(field)s corrected to: %(value)s.")
                % {"field": label, "value": line.get("value", "")}
            )
            continue
        label = DeletionItem(item).label if item in DeletionItem.values else item
        if line.get("result") == "refused":
            rule = line.get("rule", {})
            if "years" not in rule:
                lines.append(_("%(item)s: kept, as the law requires.") % {"item": label})
                continue
            lines.append(
                _(
                    "%(item)s: not deleted. The law requires these records to be kept for "
                    "%(years)d years, counted from %(start)s (%(basis)s)."
                )
                % {
                    "item": label,
                    "basis": (rule.get("basis_en") if english else "") or rule.get("basis", ""),
                    "years": rule["years"],
                    "start": (rule.get("counted_from_en") if english else "")
                    or rule.get("counted_from", ""),
                }
            )
        elif item == DeletionItem.NOTIFICATIONS:
            lines.append(
                _(
                    "%(item)s: the texts of %(count)d notifications were deleted (their "
                    "subjects and dates are kept); %(settings)d notification settings were "
                    "reset to the defaults."
                )
                % {
                    "item": label,
                    "count": line.get("count", 0),
                    "settings": line.get("settings", 0),
                }
            )
        elif line.get("count"):
            lines.append(_("%(item)s: deleted.") % {"item": label})
        else:
            lines.append(_("%(item)s: there was nothing to delete.") % {"item": label})
    return lines
