from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mutualsociety import demo


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
        result = demo.seed()
        society = result["society"]
        self.stdout.write(self.style.SUCCESS(f"Demo society: {society.name} / {society.name_en}"))
        self.stdout.write(f"Ledger: {len(result['entries'])} journal entries in place.")
        self.stdout.write(f"Staff (password for all: {demo.DEMO_PASSWORD}):")
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
