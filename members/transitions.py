"""Every status field of the members app and the moves allowed between its values.

Services change a status only through these machines' ``move()`` on a row they have
locked (``mutualsociety.common.transitions``); a move the table does not hold is refused
with ``TransitionNotAllowed``. Batch statements that change many rows at once in SQL
(``UPDATE ... WHERE status IN (...)``) take their source statuses from the table with
``sources()``, so they can never move a row the table would refuse.

**Membership** (``Member.status``): applicant → active (accepted) or declined; declined,
withdrawn or lapsed → applicant (applies again, keeping the member number);
active ⇄ suspended (unpaid premium past the grace period / arrears paid);
suspended → lapsed (not reinstated in time); active or suspended → withdrawn;
any living status of a member → deceased.

**Application** (``Application.status``): created referred; referred → accepted or
declined (by the automatic underwriting or an underwriter); a decision is final.

**Coverage** (``Coverage.status``): in force ⇄ suspended (with the membership); live cover
(in force or suspended) → lapsed (the membership lapsed) or ended (withdrawal, death, a
term that does not renew). Lapsed and ended cover is final: a member who comes back gets
new cover.

**Contribution due** (``ContributionDue.status``): open → paid (settled in full) or
cancelled (no cover for its period, or written off at a lapse); paid → cancelled (a
premium for a period without cover: what was paid goes back to the advance).

**Plan version** (``PlanVersion.status``): draft → published; a published version never
changes.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mutualsociety.common.transitions import StateMachine

from .models import Application, ContributionDue, Coverage, Member, PlanVersion

S = Member.Status

MEMBER = StateMachine(
    Member.Status,
    {
        S.APPLICANT: {S.ACTIVE, S.DECLINED},
        S.DECLINED: {S.APPLICANT},
        S.ACTIVE: {S.SUSPENDED, S.WITHDRAWN, S.DECEASED},
        S.SUSPENDED: {S.ACTIVE, S.LAPSED, S.WITHDRAWN, S.DECEASED},
        S.LAPSED: {S.APPLICANT, S.DECEASED},
        S.WITHDRAWN: {S.APPLICANT},
    },
    message=_("A membership cannot go from %(current)s to %(new)s."),
)

#: Reinstatement, the one way back to active from a suspension (PRC Insurance Law art.
#: 37); admission (applicant → active) is the other way in, by underwriting. A part of
#: ``MEMBER``, so ``member_reinstate`` checks it instead of testing the status by hand.
REINSTATEMENT = StateMachine(
    Member.Status,
    {S.SUSPENDED: {S.ACTIVE}},
    message=_("Only a suspended membership can be reinstated."),
)

A = Application.Status

APPLICATION = StateMachine(
    Application.Status,
    {A.REFERRED: {A.ACCEPTED, A.DECLINED}},
    message=_("This application was decided already (%(current)s)."),
)

C = Coverage.Status

COVERAGE = StateMachine(
    Coverage.Status,
    {
        # Lapsed and ended with the membership, whichever of the two live states the
        # cover was in.
        C.IN_FORCE: {C.SUSPENDED, C.LAPSED, C.ENDED},
        C.SUSPENDED: {C.IN_FORCE, C.LAPSED, C.ENDED},
    },
    message=_("Cover that is %(current)s cannot become %(new)s."),
)

D = ContributionDue.Status

DUE = StateMachine(
    ContributionDue.Status,
    {
        D.OPEN: {D.PAID, D.CANCELLED},
        D.PAID: {D.CANCELLED},
    },
    message=_("An amount due that is %(current)s cannot become %(new)s."),
)

V = PlanVersion.Status

PLAN_VERSION = StateMachine(
    PlanVersion.Status,
    {V.DRAFT: {V.PUBLISHED}},
    message=_("Only a draft version can be published."),
)


def sources(machine: StateMachine, new: str) -> frozenset[str]:
    """The statuses from which ``machine`` allows a move to ``new``: the ``WHERE status
    IN (...)`` of a statement that moves many rows at once."""
    return frozenset(old for old, targets in machine.table.items() if str(new) in targets)


for _current, _targets in REINSTATEMENT.table.items():
    if not _targets <= MEMBER.table[_current]:
        raise ValueError(f"REINSTATEMENT allows a move MEMBER does not: {_current} → {_targets}")

#: The membership table as a mapping (status → allowed next statuses), every status a key.
MEMBER_TRANSITIONS: dict[str, frozenset[str]] = MEMBER.table

#: A membership in one of these states may apply again (re-underwritten, new waiting
#: period); the member number stays. Those the table lets become an applicant again.
REJOINING: tuple[str, ...] = tuple(
    status for status in Member.Status.values if status in sources(MEMBER, S.APPLICANT)
)

#: Live cover: what the membership's changes move with it.
LIVE_COVERAGE: tuple[str, ...] = (C.IN_FORCE, C.SUSPENDED)


def member_transition_check(current: str, new: str) -> None:
    """Raise TransitionNotAllowed unless ``current`` → ``new`` is in the membership table."""
    MEMBER.check(current, new)
