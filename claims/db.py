"""SQL functions the share tree needs on SQLite (PostgreSQL has ``sha256(bytea)`` built in).

``ms_sha256(part, ...)`` is SHA-256 of its arguments joined: a blob as its bytes, text as
UTF-8, an integer as its decimal digits. SQLite's ``||`` turns blobs into text, so the
SQLite variant of the tree's SQL passes the parts as arguments instead of concatenating
them (``services.share_tree``). Registered on every new SQLite connection, deterministic.
"""

from __future__ import annotations

import hashlib

from django.db.backends.signals import connection_created
from django.dispatch import receiver


def ms_sha256(*parts: bytes | str | int | None) -> bytes | None:
    digest = hashlib.sha256()
    for part in parts:
        if part is None:
            return None  # as SQL functions do with NULL
        digest.update(part if isinstance(part, bytes) else str(part).encode())
    return digest.digest()


@receiver(connection_created, dispatch_uid="claims.db.sqlite_functions")
def sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("ms_sha256", -1, ms_sha256, deterministic=True)
