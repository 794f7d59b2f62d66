"""Import members from a CSV file (moving a society from another system).

    manage.py import_members members.csv [--plan CODE] [--only-valid] [--dry-run] [--actor NAME]

The columns and rules are in ``members.services.imports``. Every refused row is printed
as ``line N: column: reason``, then a summary. The exit code is 1 when any row was
refused (whether or not the valid rows were imported), so a script can tell.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from members.services.imports import ImportReport, members_import
from mutualsociety.common.exceptions import DomainError


class Command(BaseCommand):
    help = _("Import members from a CSV file; the whole file is validated first.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the CSV file (UTF-8, with a header row)"))
        parser.add_argument(
            "--plan", default="", help=_("plan code for the rows whose plan column is empty")
        )
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help=_("import the valid rows even when others are refused"),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("validate and report; write nothing")
        )
        parser.add_argument(
            "--actor", default="", help=_("user name recorded as having imported the members")
        )

    def handle(self, *args, **options):
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(
                    _("There is no user %(name)s.") % {"name": options["actor"]}, returncode=1
                )
        try:
            # newline="" lets the csv module read line breaks inside quoted cells;
            # utf-8-sig drops the byte-order mark that spreadsheet programs write.
            with open(options["file"], encoding="utf-8-sig", newline="") as file:
                report = members_import(
                    file=file,
                    plan_code=options["plan"],
                    only_valid=options["only_valid"],
                    dry_run=options["dry_run"],
                    actor=actor,
                )
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s")
                % {"file": options["file"], "error": exc.strerror},
                returncode=1,
            ) from exc
        except DomainError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        for line, column, message in report.errors:
            self.stdout.write(
                _("line %(line)d: %(column)s: %(message)s")
                % {"line": line, "column": column, "message": message}
            )
        summary = summarise(report)
        if report.errors:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))


def summarise(report: ImportReport) -> str:
    """One sentence: what was read, found valid, refused and imported."""
    text = _(
        "%(total)d rows read, %(valid)d valid, %(imported)d imported, %(refused)d refused."
    ) % {
        "total": report.total,
        "valid": report.valid,
        "imported": report.imported,
        "refused": report.refused,
    }
    if report.dry_run:
        text += " " + _("This was a dry run: nothing was written.")
    elif report.errors and not report.imported:
        text += " " + _("Because of the refused rows nothing was imported (see --only-valid).")
    return text
