"""Back-fill the Merkle tree of every apportionment period run before the trees existed.

    manage.py build_share_trees

Idempotent: a period that has a root is left as it is, so a second run builds nothing.
docs/claims.md, "Verifiable apportionment statements".
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from claims.services.share_tree import share_trees_build


class Command(BaseCommand):
    help = _("Build the Merkle tree of the shares of every apportionment period without one.")

    def handle(self, *args, **options):
        built = share_trees_build()
        self.stdout.write(
            _("Share trees built: %(n)d (periods %(ids)s).")
            % {"n": len(built), "ids": ", ".join(map(str, built)) or "—"}
        )
