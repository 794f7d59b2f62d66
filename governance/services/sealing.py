"""The sealed link from a participation to its ballot.

A secret ballot splits "who took part" (``Participation``) from "what was chosen"
(``Ballot``). A change of vote must still retire the voter's earlier ballot, so the
participation row carries the ballot's id encrypted under a server key:

    pad  = HMAC-SHA256(K, nonce)[:16]        nonce: 16 random bytes, fresh per row
    seal = ballot_uuid XOR pad               (a one-time pad from a pseudo-random function)
    K    = HMAC-SHA256(SECRET_KEY, "governance.ballot-seal")

Without K the seal is indistinguishable from random: a database dump, the admin, an
export or the API cannot join a voter to a choice. Whoever holds K (the running server,
the operator who holds SECRET_KEY) could unseal; that is the trust assumption, written
down in docs/governance.md. Only ``ballot_cast`` unseals, to supersede a ballot.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings


def _key() -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), b"governance.ballot-seal", hashlib.sha256
    ).digest()


def _pad(nonce_hex: str) -> bytes:
    return hmac.new(_key(), bytes.fromhex(nonce_hex), hashlib.sha256).digest()[:16]


def seal(ballot_id: uuid.UUID) -> tuple[str, str]:
    """(nonce, seal) for a new participation row, both hex."""
    nonce = secrets.token_hex(16)
    sealed = bytes(a ^ b for a, b in zip(ballot_id.bytes, _pad(nonce), strict=True))
    return nonce, sealed.hex()


def unseal(nonce: str, sealed: str) -> uuid.UUID:
    """The ballot id sealed in a participation row."""
    raw = bytes(a ^ b for a, b in zip(bytes.fromhex(sealed), _pad(nonce), strict=True))
    return uuid.UUID(bytes=raw)


RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def receipt_code() -> str:
    """A random receipt code, 12 characters in groups of four: "K7QX-M2PA-9DWE"."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
