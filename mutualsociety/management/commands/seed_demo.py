"""Seed the demo society: every app's ``demo.py``, called in dependency order.

Each app keeps its own demo data beside its code (``accounts/demo.py``,
``ledger/demo.py``...) and seeds it through its own services; this top-floor command
only calls them, lower floors first, in one transaction. A new app (solvency,
disclosure) adds its ``demo.py`` with a ``seed()`` and one line here. Every ``seed`` is
idempotent, so running the command again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from claims import demo as claims_demo
from disclosure import demo as disclosure_demo
from governance import demo as governance_demo
from ledger import demo as ledger_demo
from members import demo as members_demo
from mutualsociety.common import demo as common_demo
from privacy import demo as privacy_demo
from solvency import demo as solvency_demo
from support import demo as support_demo


@transaction.atomic
def seed() -> dict[str, Any]:
    """Seed every app, lower floors first; return what each did, for printing."""
    return {
        "society": common_demo.seed(),
        "staff": accounts_demo.seed(),
        "entries": ledger_demo.seed(),
        "members": members_demo.seed(demo_password=accounts_demo.DEMO_PASSWORD),
        "wind_down": members_demo.seed_wind_down(),
        "governance": governance_demo.seed(),
        "claims": claims_demo.seed(),
        "solvency": solvency_demo.seed(),
        "complaints": support_demo.seed(),
        "privacy": privacy_demo.seed(),
        "disclosure": disclosure_demo.seed(),
    }


class Command(BaseCommand):
    help = "Create a plausible demo society with staff in every role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DJANGO_ENV=production (creates users with a known password).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "seed_demo creates staff users with a published password; it refuses to run "
                "with DJANGO_ENV=production unless you pass --allow-production."
            )
        result = seed()
        society = result["society"]
        self.stdout.write(self.style.SUCCESS(f"Demo society: {society.name} / {society.name_en}"))
        self.stdout.write(f"Ledger: {len(result['entries'])} journal entries in place.")
        self.stdout.write(f"Staff (password for all: {accounts_demo.DEMO_PASSWORD}):")
        for user, created in result["staff"]:
            role = user.role or "superuser"
            mark = "new" if created else "existing"
            self.stdout.write(f"  {user.username:<12} {role:<20} {user.full_name} ({mark})")
        members = result["members"]
        self.stdout.write(
            f"Members: {members['created']} created this run"
            + (
                f", {members['suspended']['suspended']} suspended for arrears"
                if members.get("suspended")
                else ""
            )
            + ". Member logins (same password): "
            + ", ".join(f"{username} ({name})" for username, name in members["logins"])
        )
        solvency = result["solvency"]
        self.stdout.write(
            f"Solvency: {solvency['quarters']} quarters of approved assessments "
            f"({solvency['approved']} approved this run), "
            f"{solvency['reserve_runs']} reserve run approved this run."
        )
        disclosure = result["disclosure"]
        self.stdout.write(
            f"Disclosure: {disclosure['total']} publications on the public site "
            f"({disclosure['automatic']} automatic, {disclosure['material_events']} material "
            f"event and {disclosure['corrected']} correction published this run)."
        )
