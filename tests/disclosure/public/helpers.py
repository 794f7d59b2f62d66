"""Data for the public pages' tests, made through the services."""

from __future__ import annotations

import datetime as dt

from disclosure.services import publication_publish_auto
from mutualsociety.common.selectors import society_get


def publish(kind: str, key: str, *, period: str = "", title: str = "", **extra):
    publication, _created = publication_publish_auto(
        kind=kind,
        key=key,
        title=title or f"标题 {key}",
        title_en=extra.pop("title_en", f"Title {key}"),
        source="test",
        content=extra.pop("content", {"key": key}),
        period=period,
        **extra,
    )
    return publication


def society_set(**fields) -> None:
    society = society_get()
    for name, value in fields.items():
        setattr(society, name, value)
    society.save()


FOUNDED = dt.date(2025, 1, 1)
