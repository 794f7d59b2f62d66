"""Hand the outbox's pending tasks to the broker now (what the minutely job does).

Exits non-zero while tasks are still pending after the run (the broker is unreachable).
"""

from django.core.management.base import BaseCommand, CommandError

from mutualsociety.common.services import outbox_relay


class Command(BaseCommand):
    help = "Hand the tasks waiting in the outbox to the Celery broker, each once."

    def handle(self, *args, **options):
        result = outbox_relay()
        if result["pending"]:
            raise CommandError(
                f"Handed {result['sent']} tasks to the broker; {result['pending']} still "
                "pending (is the broker reachable?)."
            )
        self.stdout.write(f"Handed {result['sent']} tasks to the broker; none pending.")
