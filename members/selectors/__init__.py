"""Reads of membership shared by the portal, the API, the admin and the other apps, one
module per subject, every name importable from here
(``from members.selectors import member_for_user``):

- ``membership``: a member's own records (domain authorization: a member's data is read
  through ``member_for_user``, so no face can show one member another member's records),
  the plans open for enrolment, staff search and queues;
- ``in_force``: who was a member, and who was covered, on a given day (voter rolls, the
  members in force of the disclosure pages, the stress tests' member count);
- ``premiums``: premiums billed and the unearned premium reserve (solvency);
- ``beneficiaries``: the designation of beneficiaries in force on a day, its history;
- ``notifications``: a member's own notifications, the unread count, their settings;
- ``wind_down``: the plans in wind-down (or wound down) and their milestones.
"""

from .beneficiaries import designation_history, designation_in_force
from .in_force import (
    coverage_live_on,
    members_in_force,
    members_in_force_by_plan,
    members_in_force_count,
    members_in_good_standing_on,
)
from .membership import (
    CERTIFICATE_STATUSES,
    COVERAGE_ADD_STATUSES,
    TRIGRAM,
    Dashboard,
    MemberIdRow,
    Statement,
    application_queue,
    certificate_allowed,
    coverage_add_allowed,
    has_live_mutual_aid,
    live_plan_ids,
    member_dashboard,
    member_detail,
    member_for_user,
    member_search,
    member_statement,
    mutual_aid_plans,
    overdue_member_ids,
    paid_to_date,
    plan_current_version,
    plans_open_for_enrolment,
    plans_open_with_terms,
    withdrawal_allowed,
)
from .notifications import (
    notification_for_member,
    notification_preferences,
    notifications_for_member,
    unread_notification_count,
)
from .premiums import premiums_billed, premiums_billed_by_period, unearned_premiums
from .wind_down import (
    advance_refunds_for_member,
    plan_wind_down,
    wind_down_message,
    wind_down_steps_reached,
    wind_down_visible,
    wind_downs_for_plans,
    wind_downs_visible,
)

__all__ = [
    "advance_refunds_for_member",
    "plan_wind_down",
    "wind_down_message",
    "wind_down_steps_reached",
    "wind_down_visible",
    "wind_downs_for_plans",
    "wind_downs_visible",
    "CERTIFICATE_STATUSES",
    "COVERAGE_ADD_STATUSES",
    "TRIGRAM",
    "Dashboard",
    "MemberIdRow",
    "Statement",
    "application_queue",
    "certificate_allowed",
    "coverage_add_allowed",
    "coverage_live_on",
    "designation_history",
    "designation_in_force",
    "has_live_mutual_aid",
    "live_plan_ids",
    "member_dashboard",
    "member_detail",
    "member_for_user",
    "member_search",
    "member_statement",
    "members_in_force",
    "members_in_force_by_plan",
    "members_in_force_count",
    "members_in_good_standing_on",
    "mutual_aid_plans",
    "notification_for_member",
    "notification_preferences",
    "notifications_for_member",
    "overdue_member_ids",
    "paid_to_date",
    "plan_current_version",
    "plans_open_for_enrolment",
    "plans_open_with_terms",
    "premiums_billed",
    "premiums_billed_by_period",
    "unearned_premiums",
    "unread_notification_count",
    "withdrawal_allowed",
]
