"""One place that refuses control characters in a request: the path, the query string,
the headers and the body.

A NUL reaching PostgreSQL in a text parameter is an error there ("A string literal cannot
contain NUL"), so before this middleware ``/api/v1/governance/receipts/a%00b/`` answered
500. No address, parameter or form field of the society holds a control character, so
they are refused at the door, before any view, form or query sees them:

- the path: every C0 control character (U+0000–U+001F) and DEL (U+007F);
- the query string and the body's text: the same, except TAB, LF and CR, which a text a
  person typed may hold (a memo, a reason, an address);
- a header value: the same except TAB, as HTTP itself says.

The answer is 400: under ``/api/`` in the API's error shape, code ``control_character``,
naming the parameter or the body field (``lines.0.account``); elsewhere the site's 400
page. For the body: form fields (urlencoded and the non-file parts of multipart; a
file's bytes are its own, and Django strips control characters from file names) and,
for API requests, JSON, where a control character can only be written escaped
(``"\\u0000"``): the raw text is searched, and only a body that holds one is parsed, to
name the field.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import get_resolver
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError

from .api import error_body
from .parsers import json_loads_limited

#: Control characters refused anywhere: C0 and DEL.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Control characters refused in text: all of those but TAB, LF and CR.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: A JSON escape of one of CONTROL_IN_TEXT (``\u0000``), not itself escaped (``\\u0000``).
_JSON_ESCAPED_CONTROL = re.compile(r"(?<!\\)(?:\\\\)*+\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")
#: Control characters refused in a header value: all of CONTROL but TAB.
CONTROL_IN_HEADER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ControlCharacterRefused(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _printable(name: str) -> str:
    """A field name as it can be shown: control characters as JSON escapes."""
    return CONTROL.sub(lambda m: json.dumps(m.group())[1:-1], name)


def _first_in_pairs(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The name of the first key or value holding a control character."""
    for key, value in pairs:
        if CONTROL_IN_TEXT.search(key) or CONTROL_IN_TEXT.search(value):
            return _printable(key)
    return None


def _first_in_json(data, path: str = "") -> str | None:
    """The dotted path of the first string (a key or a value) holding a control character.

    The data was parsed under the depth limit, so this recursion is bounded."""
    if isinstance(data, str):
        return path if CONTROL_IN_TEXT.search(data) else None
    if isinstance(data, dict):
        items: Iterator = iter(data.items())
    elif isinstance(data, list):
        items = ((str(i), v) for i, v in enumerate(data))
    else:
        return None
    for key, value in items:
        name = f"{path}.{_printable(key)}" if path else _printable(key)
        if CONTROL_IN_TEXT.search(key):
            return name
        found = _first_in_json(value, name)
        if found is not None:
            return found
    return None


def _check_headers(request: HttpRequest) -> None:
    """HTTP allows no control character but TAB in a header value (RFC 9110, 5.5); the
    API reads some as text (``Idempotency-Key``), so one holding any other is refused."""
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and CONTROL_IN_HEADER.search(value):
            name = key[5:].replace("_", "-").title()
            raise ControlCharacterRefused(
                _("The header %(name)s holds a control character.") % {"name": name}, name
            )


def _check_query(request: HttpRequest) -> None:
    field = _first_in_pairs(_flat(request.GET))
    if field is not None:
        raise ControlCharacterRefused(
            _("The query parameter %(name)s holds a control character.") % {"name": field},
            field,
        )


def _flat(data: QueryDict) -> Iterator[tuple[str, str]]:
    for key, values in data.lists():
        for value in values:
            yield key, value if isinstance(value, str) else ""


def _check_form(request: HttpRequest, content_type: str) -> None:
    form: QueryDict
    if request.method == "POST":
        form = request.POST
    elif content_type == "application/x-www-form-urlencoded":
        form = QueryDict(request.body, encoding=request.encoding)
    else:  # multipart sent with PUT/PATCH/DELETE: parsed here as Django parses a POST
        form, _files = request.parse_file_upload(request.META, io.BytesIO(request.body))
    field = _first_in_pairs(_flat(form))
    if field is not None:
        raise ControlCharacterRefused(
            _("The field %(name)s holds a control character.") % {"name": field}, field
        )


def _check_json(request: HttpRequest) -> None:
    text = request.body.decode(request.encoding or "utf-8", errors="replace")
    if CONTROL_IN_TEXT.search(text):
        # Not JSON (JSON escapes every control character in a string), so no field.
        raise ControlCharacterRefused(_("The request body holds a control character."))
    if not _JSON_ESCAPED_CONTROL.search(text):
        return
    try:
        field = _first_in_json(json_loads_limited(text))
    except ParseError:  # the parser will say what is wrong with it
        field = None
    if field is None:
        raise ControlCharacterRefused(_("The request body holds a control character."))
    raise ControlCharacterRefused(
        _("The field %(name)s holds a control character.") % {"name": field}, field
    )


def _content_type(request: HttpRequest) -> str:
    return (request.content_type or "").split(";")[0].strip().lower()


class ControlCharactersMiddleware:
    """Answer 400 to a request with a control character in its path, query, headers or
    body; drop
    a cookie that holds one.

    It runs before the session is read: a session cookie holding a NUL reached the
    session table's query and answered 500. No cookie the site sets holds a control
    character, so such a cookie is treated as absent (the request goes on without it)
    rather than refused, which would lock the browser out until the cookie expired.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [
            name
            for name, value in request.COOKIES.items()
            if CONTROL.search(name) or CONTROL.search(value)
        ]:
            del request.COOKIES[name]
        api = request.path_info.startswith("/api/")
        # LocaleMiddleware comes later: the refusal speaks the language asked for.
        with translation.override(translation.get_language_from_request(request)):
            refusal = self._refusal(request, api)
        return refusal or self.get_response(request)

    def _refusal(self, request: HttpRequest, api: bool) -> HttpResponse | None:
        try:
            self._check(request, api)
        except ControlCharacterRefused as refused:
            if not api:
                # The site's 400 page (handler400), as Django answers a BadRequest. The
                # stubs give error handlers the request only; 400, 403 and 404 take the
                # exception too (django.views.defaults.bad_request).
                handler = get_resolver().resolve_error_handler(400)
                return handler(request, BadRequest(refused.message))  # type: ignore[call-arg]
            fields = {refused.field: [refused.message]} if refused.field else {}
            return JsonResponse(
                error_body("control_character", refused.message, fields), status=400
            )
        except RequestDataTooBig:
            if not api:
                raise  # Django answers the site's 400 page
            return JsonResponse(error_body("too_large", _too_large_message()), status=400)
        except MultiPartParserError:
            if not api:
                raise
            return JsonResponse(
                error_body("parse_error", _("The multipart body could not be read.")), status=400
            )
        except SuspiciousOperation:
            if not api:
                raise
            return JsonResponse(
                error_body("bad_request", _("The request could not be read.")), status=400
            )
        return None

    def _check(self, request: HttpRequest, api: bool) -> None:
        if CONTROL.search(request.path_info) or CONTROL.search(request.path):
            raise ControlCharacterRefused(_("The address (path) holds a control character."))
        _check_headers(request)
        _check_query(request)
        if request.method not in _BODY_METHODS or not _has_body(request):
            return
        content_type = _content_type(request)
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            _check_form(request, content_type)
        elif api and (content_type == "application/json" or content_type.endswith("+json")):
            _check_json(request)


def _has_body(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > 0
    except ValueError:
        return False


def _too_large_message() -> str:
    return _("The request body is larger than %(limit)s bytes.") % {
        "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    }
