"""The walk over every URL pattern of the project, with real objects in the path
parameters: the second-factor test, the regulator's and the access matrix
(tests/project/test_access_matrix.py) all ask every address the resolver knows.

``patterns()`` yields (route, view name, pattern) of every URL pattern; ``World`` makes a
member with a claim and its document, a meeting and its motion, and fills every path
parameter (``World.path``); a new URL kwarg needs a value in ``World.values``.

``World.states`` (the access matrix's) adds the objects in the states a user meets: an
open meeting (the member on its roll, a ballot cast, a proxy held by the member), a
published publication with its file beside a draft with one, an approved solvency
assessment beside a draft, and a review panel on which the member sits (another seat has
voted; a member who objected does not sit). ``World.values`` then names the published,
approved, open and seated ones; ``World.drafts`` the same parameters in the state no
outsider may open.
"""

from __future__ import annotations

import datetime as dt
import re

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from claims.models import Claim
from claims.services.notice import claim_object, panel_vote
from disclosure.services import attachment_add, publication_publish, publication_submit
from governance.services.meetings import meeting_convene, meeting_open_voting
from governance.services.proxies import proxy_appoint
from governance.services.voting import ballot_cast
from ledger.models import JournalEntry
from solvency.services.assessments import assessment_approve, assessment_compute
from tests.claims.factories import claim_approved, claim_make, covered_member
from tests.disclosure.admin.factories import draft
from tests.governance.factories import meeting_make, members_backdate
from tests.members.factories import mutual_aid_plan_make
from tests.solvency.factories import VALUATION, books, holdings


def patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """(route, view name, pattern) of every URL pattern, depth first."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from patterns(pattern, route, inner)
        else:
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield route, name or "", pattern


PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


class World:
    """Real objects for every path parameter of the URL conf."""

    def __init__(self, settings, tmp_path):
        """``settings`` is pytest-django's fixture (or anything that takes the attribute):
        the claim documents are written under ``tmp_path``."""
        settings.CLAIM_DOCUMENTS_ROOT = tmp_path / "private"
        version = mutual_aid_plan_make()
        self.member = covered_member(version)
        self.claim = claim_make(self.member)
        self.document = self.claim.documents.get()
        self.meeting = meeting_make()
        self.motion = self.meeting.motions.first()
        self.drafts: dict[str, object] = {}
        self.values = {
            "claim_id": self.claim.pk,
            "document_id": self.document.pk,
            "meeting_id": self.meeting.pk,
            "motion_id": self.motion.pk,
            "member_id": self.member.pk,
            "notification_id": self.member.notifications.first().pk,
            "application_id": self.member.applications.first().pk,
            "panel_id": 1,
            "candidate_id": 1,
            "proposal_id": 1,
            "consultation_id": 1,
            "entry_id": 1,
            "code": "RECEIPT1",
            "assessment_id": 1,
            "regime_code": "cross",
            "run_id": 1,
            "publication_id": 1,
            "attachment_id": 1,
            "period_id": 1,
            "action": "convene",
            "uidb64": "MQ",
            "token": "set-password",
            "content_type_id": ContentType.objects.get_for_model(Claim).pk,
            # disclosure: a publication's step and file in the admin, a material-event
            # draft's decision
            "step": "submit",
            "draft_id": 1,
            "decision": "publish",
            # solvency: a surplus distribution's preview in the admin
            "distribution_id": 1,
            # the regulator portal's downloads: <page>/export/<table>.<fmt>
            "table": "claims",
            "fmt": "csv",
            # privacy: a member's own personal data request
            "request_id": 1,
            # support: a signed-out complainant's page by reference and secret
            "complaint_id": 1,
            "reference": "TS2026000001",
            "secret": "0" * 32,
        }
        # The admin's object pages open a real row of their own model where one exists
        # when the address is made (a row made after the world, such as the staff's
        # authenticators, counts: an id guessed as 1 is another row, or none, on
        # PostgreSQL, whose sequences the tests do not reset).
        self.admin_models = {
            f"admin/{model._meta.app_label}/{model._meta.model_name}/": model
            for model in admin.site._registry
        }

    def states(self, *, other, staff: dict) -> None:
        """The objects of the module docstring, made through the services by the staff
        of ``staff`` (role slug -> user; "superuser" the second compliance person).
        ``other`` is a second member, who objects to the panel's claim and casts a
        ballot; ``self.member`` sits on the panel and holds a proxy."""
        self._meeting_open(other)
        self._publications(staff["compliance_officer"], staff["superuser"])
        self._assessments(staff["actuary"], staff["compliance_officer"])
        self._panel(other, staff["claims_handler"], staff["claims_approver"])

    def _meeting_open(self, other) -> None:
        principal = covered_member(self.member.coverages.get().plan_version)
        members_backdate([self.member, other, principal])
        now = timezone.now()
        meeting = meeting_make(opens_in=-dt.timedelta(hours=1), length=dt.timedelta(days=2))
        meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
        proxy_appoint(meeting=meeting, principal=principal, holder=self.member)
        meeting = meeting_open_voting(meeting=meeting, at=now)
        motion = meeting.motions.get()
        self.receipt = ballot_cast(motion=motion, voter=other, choice="for").receipt
        self.drafts.update(meeting_id=self.meeting.pk, motion_id=self.motion.pk)
        self.meeting, self.motion = meeting, motion
        self.values.update(meeting_id=meeting.pk, motion_id=motion.pk)

    def _publications(self, maker, checker) -> None:
        def with_file(**extra):
            publication = draft(maker, **extra)
            attachment = attachment_add(
                publication=publication, format="csv", filename="figures.csv",
                data=b"amount\n120000.00\n", actor=maker,
            )  # fmt: skip
            return publication, attachment

        published, file = with_file()
        publication_submit(publication=published, actor=maker)
        publication_publish(publication=published, actor=checker)
        pending, pending_file = with_file(
            period="2026Q2", period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 6, 30)
        )
        self.values.update(publication_id=published.pk, attachment_id=file.pk)
        self.drafts.update(publication_id=pending.pk, attachment_id=pending_file.pk)

    def _assessments(self, actuary, approver) -> None:
        books()
        holdings()
        approved = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
        assessment_approve(assessment=approved, actor=approver)
        draft = assessment_compute(
            valuation_date=VALUATION - dt.timedelta(days=31), rating="B", actor=actuary
        )
        self.values["assessment_id"] = approved.pk
        self.values["entry_id"] = JournalEntry.objects.order_by("pk").values_list("pk").first()[0]
        self.drafts["assessment_id"] = draft.pk

    def _panel(self, objector, handler, approver) -> None:
        # a panel as large as the roll, so that the draw seats every eligible member
        version = mutual_aid_plan_make(
            objection_threshold=1, panel_size=20, panel_quorum=2, code="PANEL"
        )
        claimant, seated = covered_member(version), covered_member(version)
        claim = claim_approved(claimant, handler, approver, amount="30000.00")
        claim_object(claim=claim, member=objector, reason="The diagnosis predates the cover.")
        self.panel = claim.panels.get()
        seats = set(self.panel.seats.values_list("member_id", flat=True))
        assert {self.member.pk, seated.pk} <= seats and objector.pk not in seats, seats
        panel_vote(panel=self.panel, member=seated, vote="uphold", reason="Records agree.")
        self.values["panel_id"] = self.panel.pk

    def path(self, route: str, name: str) -> str:
        if name == "admin:app_list":
            return "/admin/claims/"
        if name == "" and route == "admin/(?P<url>.*)$":
            return "/admin/no-such-page/"
        assert "(?P" not in route, f"teach the walk to fill {route!r} ({name})"

        def fill(match: re.Match) -> str:
            param = match.group("name")
            if param in {"object_id", "pk", "id"} and route.startswith("admin/"):
                if name == "admin:view_on_site":
                    return str(self.claim.pk)
                key = next(key for key in self.admin_models if route.startswith(key))
                obj = self.admin_models[key]._default_manager.order_by("pk").first()
                return str(obj.pk if obj is not None else 1)
            assert param in self.values, f"no value for <{param}> in {route!r} ({name})"
            return str(self.values[param])

        return "/" + PARAM.sub(fill, route)

    def addresses(self) -> list[tuple[str, str]]:
        return [(name, self.path(route, name)) for route, name, _p in patterns()]


def row_counts() -> dict[str, int]:
    """The number of rows of every model: the same before and after a refused write."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def schema_operations(world: World, methods) -> list[tuple[str, str]]:
    """(method, path) of every operation of the OpenAPI schema with one of ``methods``,
    its path parameters filled from ``world.values`` (a name or its ``_id`` form)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for route, item in schema["paths"].items():
        for method in methods:
            if method not in item:
                continue

            def fill(match: re.Match) -> str:
                name = match.group(1)
                if name in world.values:
                    return str(world.values[name])
                return str(world.values.get(f"{name}_id", world.claim.pk))

            operations.append((method, re.sub(r"\{(\w+)\}", fill, route)))
    return operations
