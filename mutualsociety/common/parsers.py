"""The API's JSON parser: a depth and a size limit checked before Python parses anything.

Python's ``json`` module recurses once per nested list or object, so a body of 100,000
nested lists raises ``RecursionError`` (a 500, and an e-mail to the admins) long before a
serializer or a permission could refuse it. ``json_depth_check`` measures the nesting on
the text itself, without recursion and in time linear in the body, and refuses more than
``MAX_DEPTH`` levels; the parser reads at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes.
The deepest body the API takes (a ballot: votes → vote → candidates) is four levels.

Form-encoded and multipart bodies need no such limit: Django parses them into flat
``QueryDict``s, and DRF reads bracketed field names one serializer level at a time.
"""

from __future__ import annotations

import codecs
import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

#: Lists and objects inside one another that a JSON body may hold.
MAX_DEPTH = 32

# A JSON string, to the end of the text when it is not closed. Possessive quantifiers keep
# the scan linear: nothing is ever tried twice.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_EMPTY_PAIR = re.compile(r"\[\]|\{\}")


class NestedTooDeeply(ParseError):
    default_code = "parse_error"


class BodyTooLarge(ParseError):
    default_code = "too_large"


def json_depth_check(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse JSON text nested more than ``max_depth`` lists or objects deep.

    Brackets inside strings are text and do not count. The brackets left are reduced by
    removing every empty pair (``[]``, ``{}``) once per round; each round lowers the
    nesting by exactly one level, so text that is not empty after ``max_depth`` rounds is
    deeper than that. Brackets that never pair up (``[[[``, ``[}``) are not JSON at all.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return  # json cannot recurse deeper than the brackets there are
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _round in range(max_depth):
        reduced = _EMPTY_PAIR.sub("", brackets)
        if not reduced:
            return
        if reduced == brackets:
            raise NestedTooDeeply(
                _("JSON parse error - the brackets do not match; nothing was read.")
            )
        brackets = reduced
    raise NestedTooDeeply(
        _("JSON parse error - nested more than %(depth)s levels deep.") % {"depth": max_depth}
    )


def json_loads_limited(text: str, max_depth: int = MAX_DEPTH):
    """``json.loads`` of text whose nesting was checked first (strict: no NaN)."""
    json_depth_check(text, max_depth)
    try:
        return json.loads(text, parse_constant=strict_constant)
    except ValueError as exc:
        raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser with the depth limit and a size limit (the API's default)."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise BodyTooLarge(
                _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
            )
        try:
            text = codecs.decode(raw, encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        json_depth_check(text, self.max_depth)
        try:
            if self.strict:
                return json.loads(text, parse_constant=strict_constant)
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        except ValueError as exc:
            # Python refuses to read an integer of thousands of digits; its message names
            # an interpreter setting, which tells the sender nothing they can act on.
            raise ParseError(
                _("The body holds a number too long to be an amount, an id or a count.")
            ) from exc
