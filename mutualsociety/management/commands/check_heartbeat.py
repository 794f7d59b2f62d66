"""Exit non-zero unless a worker ran the minutely heartbeat recently.

The beat container's health check: a recent heartbeat proves beat scheduled the job and a
worker ran it.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from mutualsociety.common.selectors import worker_is_alive, worker_last_heartbeat


class Command(BaseCommand):
    help = "Fail unless a Celery worker recorded a heartbeat in the last few minutes."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=3)

    def handle(self, *args, **options):
        if not worker_is_alive(within=timedelta(minutes=options["minutes"])):
            last = worker_last_heartbeat()
            raise CommandError(
                "No worker heartbeat in the last "
                f"{options['minutes']} minutes (last: {last.beat_at if last else 'never'})."
            )
        self.stdout.write("ok")
