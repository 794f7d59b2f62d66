from django.core.management.base import BaseCommand

from mutualsociety.schedule import install_periodic_tasks


class Command(BaseCommand):
    help = "Install the periodic jobs that are missing (migrate does this too)."

    def handle(self, *args, **options):
        created = install_periodic_tasks()
        if created:
            self.stdout.write("Installed: " + ", ".join(created))
        else:
            self.stdout.write("Every periodic job is installed already.")
