"""The forms of the disclosure admin. They check the input's shape (a period written as
2026Q1, 2026 or 2026-03-31, dates in order, figures as a JSON object, a file not too
large); the services check the rules and their refusals come back on the same fields."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DepthLimitedJSONField, DomainErrorFormMixin

from .. import periods
from ..models import Attachment, Publication
from ..services.attachments import MAX_BYTES
from .base import ShapeForm

# ASCII digits: ``\d`` also takes full-width ones (２０２６), which int() reads
QUARTER = re.compile(r"^([0-9]{4})Q([1-4])$")
YEAR = re.compile(r"^([0-9]{4})$")
DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

TEXTAREA = forms.Textarea(attrs={"rows": 6, "cols": 80})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def period_dates(period: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a period written as 2026Q1, 2026 or 2026-03-31; ``None``
    when it is written otherwise."""
    if match := QUARTER.match(period):
        if int(match[1]) < 1:  # no year 0 in a calendar
            return None
        quarter = periods.quarter(int(match[1]), int(match[2]))  # 9999Q4 included
        return quarter.start, quarter.end
    if YEAR.match(period):
        year = int(period)
        if year < 1:
            return None
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if DAY.match(period):
        try:
            day = dt.date.fromisoformat(period)
        except ValueError:
            return None
        return day, day
    return None


def _figures_field() -> forms.JSONField:
    return DepthLimitedJSONField(
        label=_("figures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_('The structured content as a JSON object, e.g. {"amount": "120000.00"}.'),
    )


def _figures_clean(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise forms.ValidationError(
            _('Figures are a JSON object: names and values in braces, e.g. {"amount": "1.00"}.')
        )
    return value


class PublicationDraftForm(ShapeForm):
    """A draft: drafted with ``publication_draft``, changed with ``publication_edit``."""

    content = _figures_field()

    class Meta:
        model = Publication
        fields = (
            "kind",
            "period",
            "period_start",
            "period_end",
            "key",
            "title",
            "title_en",
            "body",
            "body_en",
            "content",
        )
        widgets = {
            "body": TEXTAREA,
            "body_en": TEXTAREA,
            "period_start": DATE,
            "period_end": DATE,
        }
        help_texts = {
            "key": _(
                "Leave empty for the kind and the period (e.g. related_party:2026Q1); "
                "name it when a period holds more than one document of the kind."
            ),
            "period_start": _("Filled from the period when left empty."),
            "period_end": _("Filled from the period when left empty; the due date counts from it."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            self.fields["key"].required = False

    def clean_period(self) -> str:
        period = (self.cleaned_data.get("period") or "").strip()
        if period and period_dates(period) is None:
            raise forms.ValidationError(
                _("Write the period as 2026Q1 (a quarter), 2026 (a year) or 2026-03-31 (a day).")
            )
        return period

    def clean_content(self) -> dict[str, Any]:
        return _figures_clean(self.cleaned_data.get("content"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        dates = period_dates(cleaned.get("period") or "")
        if dates is not None and "period_start" in self.fields:
            for name, value in zip(("period_start", "period_end"), dates, strict=True):
                if not cleaned.get(name) and name not in self.errors:
                    cleaned[name] = value
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned


class StepForm(DomainErrorFormMixin, forms.Form):
    """A step on one publication that needs no input but a confirmation."""


class ReasonForm(StepForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Recorded with the decision in the history."),
    )


class WithdrawForm(ReasonForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Published beside the withdrawn version, where every reader sees it."),
    )


class DiscardForm(StepForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Optional; recorded in the history."),
    )


class CorrectForm(StepForm):
    """A correction: what changed and why, and the changed fields (the published
    version's values to start from)."""

    domain_error_fields = {"correction_note": "note"}

    note = forms.CharField(
        label=_("What changed and why"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("Published with the new version."),
    )
    title = forms.CharField(label=_("title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("title (English)"), max_length=200, required=False)
    body = forms.CharField(label=_("text (Chinese)"), widget=TEXTAREA, required=False)
    body_en = forms.CharField(label=_("text (English)"), widget=TEXTAREA, required=False)
    content = _figures_field()
    period_start = forms.DateField(label=_("period from"), widget=DATE, required=False)
    period_end = forms.DateField(label=_("period to"), widget=DATE, required=False)

    #: The fields a correction may change (``services.publications.EDITABLE``).
    CHANGEABLE = ("title", "title_en", "body", "body_en", "content", "period_start", "period_end")

    @classmethod
    def initial_from(cls, publication: Publication) -> dict[str, Any]:
        return {name: getattr(publication, name) for name in cls.CHANGEABLE}

    def clean_content(self) -> dict[str, Any]:
        return _figures_clean(self.cleaned_data.get("content"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned

    def changes(self) -> dict[str, Any]:
        """The fields the person changed, as the service takes them."""
        changed = set(self.changed_data)
        return {name: self.cleaned_data[name] for name in self.CHANGEABLE if name in changed}


class AttachForm(StepForm):
    format = forms.ChoiceField(label=_("format"), choices=Attachment.Format.choices)
    file = forms.FileField(
        label=_("file"),
        help_text=_("Its SHA-256 is taken now and published with it."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload
