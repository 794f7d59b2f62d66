"""Reading a report's ``figures`` dict: each value checked and typed, or an error naming it.

The figures come from the approved records (through the other apps' selectors) and are
stored as JSON with the publication, so they hold strings, numbers, booleans, lists and
dicts only: an amount is a string (``"1234567.89"``; a ``Decimal`` is accepted too), a
date an ISO string (``"2026-09-30"``; a ``date`` is accepted too). ``jsonable`` turns a
dict of Decimals and dates into that form. Anything missing or malformed raises
``FiguresError`` (an ``InvalidInput``: a 400 in the API's error shape) whose ``field``
is the path of the value, e.g. ``solvency.capital.actual``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from mutualsociety.common.exceptions import InvalidInput

#: The version of the figures' layout this package reads (``figures["schema"]``).
SCHEMA = 1


class FiguresError(InvalidInput):
    """A value of the figures is missing or is not what the schema says."""

    code = "invalid_figures"


_MISSING = object()


def jsonable(value: Any) -> Any:
    """``value`` with every Decimal written as a string and every date as ISO text (what
    the figures hold once stored as JSON); dict keys as strings, tuples as lists."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise FiguresError(f"{value} is not an amount.")
        return str(value)
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise FiguresError(f"{type(value).__name__} cannot be stored in the figures.")


class Reader:
    """A view of one dict of the figures that knows its path (for the errors)."""

    def __init__(self, data: Any, path: str = "") -> None:
        if not isinstance(data, Mapping):
            raise FiguresError(f"{path or 'figures'} must be an object.", field=path or None)
        self.data = data
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or (value is None and required):
            if required:
                where = self._where(key)
                raise FiguresError(f"{where} is missing.", field=where)
            return None
        return value

    def _present[T](self, value: T | None, key: str) -> T:
        """``value`` of a required key (never None: ``_get`` raised), typed as present."""
        if value is None:
            raise self.fail(key, "given")
        return value

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def fail(self, key: str, expected: str) -> FiguresError:
        where = self._where(key)
        return FiguresError(f"{where} must be {expected}.", field=where)

    def obj(self, key: str, *, required: bool = True) -> Reader | None:
        value = self._get(key, required)
        return None if value is None else Reader(value, self._where(key))

    def req_obj(self, key: str) -> Reader:
        reader = self.obj(key)
        return self._present(reader, key)

    def items(self, key: str, *, required: bool = False) -> list[Reader]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "a list")
        return [Reader(item, f"{self._where(key)}[{i}]") for i, item in enumerate(value)]

    def strings(self, key: str) -> list[str]:
        value = self._get(key, False)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "a list of texts")
        return list(value)

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, "a text")
        return value

    def req_text(self, key: str) -> str:
        value = self.text(key)
        return self._present(value, key)

    def label(self, key: str, language: str, *, required: bool = True) -> str | None:
        """A name that is data, in ``language``: either one text for every language or
        ``{"zh-hans": "…", "en": "…"}`` (the language's own, else Chinese, else any)."""
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, Mapping) and value and all(isinstance(v, str) for v in value.values()):
            for candidate in (language, language.split("-")[0], "zh-hans"):
                if value.get(candidate):
                    return value[candidate]
            return next((v for v in value.values() if v), "")
        raise self.fail(key, 'a text or {"zh-hans": …, "en": …}')

    def req_label(self, key: str, language: str) -> str:
        value = self.label(key, language)
        return self._present(value, key)

    def decimal(self, key: str, *, required: bool = True, money: bool = False) -> Decimal | None:
        """A number written as a string (or a Decimal or an int; a float too, except for
        an amount of money, which is never a float)."""
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or (money and isinstance(value, float)):
            raise self.fail(key, "an amount written as a string")
        if isinstance(value, float):
            value = str(value)
        try:
            number = Decimal(value) if isinstance(value, str | int | Decimal) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise self.fail(key, "a number written as a string")
        return number

    def money(self, key: str, *, required: bool = True) -> Decimal | None:
        return self.decimal(key, required=required, money=True)

    def req_money(self, key: str) -> Decimal:
        value = self.money(key)
        return self._present(value, key)

    def integer(self, key: str, *, required: bool = True) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "a whole number")
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(key, "true or false")
        return value

    def date(self, key: str, *, required: bool = True) -> dt.date | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                pass
        raise self.fail(key, "a date (YYYY-MM-DD)")

    def req_date(self, key: str) -> dt.date:
        value = self.date(key)
        return self._present(value, key)
