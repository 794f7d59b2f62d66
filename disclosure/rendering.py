"""A publication's structured content (JSON) as readable HTML, whatever its shape.

Generic on purpose: topical pages render their own figures; the publication page shows
any document's content with this. A dict is a definition list (a nested dict is a
section with a heading), a list of dicts is a table with a caption (its columns are the
keys in the order they first appear), a list of plain values is a list. Numbers, and
decimal strings as the platform stores amounts (``"1234567.80"``), are shown grouped by
thousands with the places they have. Everything is escaped.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mutualsociety.common import display

#: A decimal string as ``DjangoJSONEncoder`` writes a Decimal (no exponent, no grouping).
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
#: Nesting deeper than this is shown as text (a document is never that deep).
MAX_DEPTH = 6


def key_label(key: object) -> str:
    """``claims_paid`` → ``Claims paid`` (the content's keys are data, not translated)."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else text


def number_text(value: object) -> str | None:
    """A number, or a decimal string, grouped by thousands with its own places; ``None``
    for anything else (``True`` is not a number; an identifier such as ``"007"`` with a
    leading zero is kept as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    elif isinstance(value, str) and _DECIMAL.match(value) and not re.match(r"^-?0\d", value):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
    else:
        return None
    if not number.is_finite():
        return None
    return display.format_amount(number, display.decimal_places(number))


#: The languages a label of the content comes in (``{"zh-hans": ..., "en": ...}``).
LABEL_LANGUAGES = frozenset({"zh-hans", "en"})


def _is_label(value: object) -> bool:
    """A name stored in both languages, shown as one text in the page's language."""
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= LABEL_LANGUAGES
        and all(isinstance(v, str) for v in value.values())
    )


def _label_text(value: dict) -> str:
    english = (get_language() or "").startswith("en")
    return (value.get("en") if english else None) or value.get("zh-hans") or value.get("en") or ""


def _scalar(value: object) -> SafeString:
    if value is None or value == "":
        return format_html('<span class="muted">{}</span>', "—")
    if isinstance(value, bool):
        return format_html("{}", _("yes") if value else _("no"))
    number = number_text(value)
    if number is not None:
        return format_html('<span class="num">{}</span>', number)
    return format_html("{}", value)


def _table(caption: str, rows: list[dict], depth: int) -> SafeString:
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    head = format_html_join("", '<th scope="col">{}</th>', ((key_label(c),) for c in columns))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (
                format_html_join(
                    "", "<td>{}</td>", ((_value(row.get(c), depth + 1),) for c in columns)
                ),
            )
            for row in rows
        ),
    )
    return format_html(
        '<div class="table-scroll"><table><caption>{}</caption><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table></div>",
        caption,
        head,
        body,
    )


def _value(value: object, depth: int) -> SafeString:
    """A value inside a table cell or a list (no headings there)."""
    if _is_label(value):
        return _scalar(_label_text(value))  # type: ignore[arg-type]
    if isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            return format_html("<code>{}</code>", str(value)[:200])
        if isinstance(value, dict):
            return _dl(value, depth + 1, level=None)
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((_value(v, depth + 1),) for v in value)),
        )
    return _scalar(value)


def _dl(data: dict, depth: int, level: int | None) -> SafeString:
    """Plain entries as one definition list; nested dicts as sections (with a heading of
    ``level`` when not inside a table) and lists of dicts as tables, after it."""
    entries, blocks = [], []
    for key, value in data.items():
        label = key_label(key)
        if _is_label(value):
            entries.append((label, _scalar(_label_text(value))))  # type: ignore[arg-type]
        elif isinstance(value, dict) and level is not None and depth < MAX_DEPTH:
            blocks.append(
                format_html(
                    '<section class="content-section"><h{0}>{1}</h{0}>{2}</section>',
                    min(level, 6),
                    label,
                    _dl(value, depth + 1, level + 1),
                )
            )
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(item, dict) for item in value)
            and depth < MAX_DEPTH
        ):
            blocks.append(_table(label, value, depth + 1))
        else:
            entries.append((label, _value(value, depth)))
    parts = []
    if entries:
        parts.append(
            format_html(
                '<dl class="details">{}</dl>',
                format_html_join("", "<div><dt>{}</dt><dd>{}</dd></div>", entries),
            )
        )
    return mark_safe("".join([*parts, *blocks]))  # noqa: S308 - every part is escaped


def render_content(content: object, heading_level: int = 3) -> SafeString:
    """The HTML of a publication's ``content``; empty for empty content."""
    if not content:
        return mark_safe("")  # noqa: S308 - empty
    if isinstance(content, dict):
        return _dl(content, 0, heading_level)
    if isinstance(content, list) and all(isinstance(item, dict) for item in content):
        return _table(_("Figures"), content, 0)
    return _value(content, 0)
