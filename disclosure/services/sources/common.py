"""What every automatic publication shares: the languages, the result type, both
languages' texts, the publishing savepoint and the attached reports.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ...models import Kind, Publication
from ...reports import render_csv, render_json, render_pdf
from ..publications import publication_publish_auto

logger = logging.getLogger("mutualsociety.disclosure")

LANGUAGES = ("zh-hans", "en")
#: The kinds the ``sources`` modules publish (the catch-up reads their published keys at once).
AUTOMATIC_KINDS = (
    Kind.RESOLUTIONS,
    Kind.MINUTES,
    Kind.MEETING_NOTICE,
    Kind.APPORTIONMENT,
    Kind.SOLVENCY_SUMMARY,
    Kind.CLAIMS_STATISTICS,
    Kind.COMPLAINTS_STATISTICS,
    Kind.FINANCIAL_STATEMENTS,
    Kind.ANNUAL_REPORT,
)

Result = tuple[Publication, bool]


# --- Helpers ---------------------------------------------------------------------------


def _both(make: Callable[[], tuple[str, str]]) -> dict[str, str]:
    """A title and a text in Chinese and in English: ``make`` runs in each language."""
    with translation.override("zh-hans"):
        title, body = make()
    with translation.override("en"):
        title_en, body_en = make()
    return {"title": title[:200], "body": body, "title_en": title_en[:200], "body_en": body_en}


def _quarter_name(end: dt.date) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": end.year, "quarter": (end.month - 1) // 3 + 1}


def _publish(**kwargs: Any) -> Result:
    """``publication_publish_auto`` in a savepoint; two workers publishing the same
    document at once (the signal's task and the catch-up) meet on the unique (key,
    version): the loser runs again and finds the winner's figures (a no-op)."""
    try:
        with transaction.atomic():
            return publication_publish_auto(**kwargs)
    except IntegrityError:
        return publication_publish_auto(**kwargs)


def _report_files(stem: str, build: Callable[..., Any], figures: dict[str, Any]) -> list:
    """The report of ``figures`` as a PDF and a CSV in each language, and its JSON (the
    same in both languages)."""
    files = []
    report = None
    for language in LANGUAGES:
        report = build(figures, language=language)
        files.append(("pdf", f"{stem}.{language}.pdf", render_pdf(report)))
        files.append(("csv", f"{stem}.{language}.csv", render_csv(report)))
    assert report is not None  # noqa: S101 - LANGUAGES is not empty
    files.append(("json", f"{stem}.json", render_json(report)))
    return files
