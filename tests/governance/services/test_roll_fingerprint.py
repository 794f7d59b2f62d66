"""The roll's fingerprint, computed in the database, is the digest the roll has always
had (``calculations.roll_hash``: member numbers sorted by code point, one per line), so
the fingerprints recorded for past meetings still verify."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from governance.calculations import roll_hash
from governance.models import RollEntry
from governance.services.roll import meeting_roll_verify, roll_fingerprint
from members.models import Member
from mutualsociety.common.sql import sorted_sha256
from tests.governance.factories import meeting_voting, members_make

pytestmark = pytest.mark.django_db


def test_the_fingerprint_is_the_python_digest_of_the_roll(articles):
    members_make(4)
    meeting = meeting_voting()
    numbers = list(
        RollEntry.objects.filter(meeting=meeting).values_list("member__member_number", flat=True)
    )

    assert len(numbers) == 4
    assert meeting.roll_hash == roll_fingerprint(meeting) == roll_hash(numbers)
    assert meeting_roll_verify(meeting)


@pytest.mark.parametrize(
    ("values", "separator", "digest_of"),
    [
        # Code-point order: upper case before lower, "-" before digits, shorter first.
        (["b", "B", "a-1", "a1", "a"], "\n", b"B\na\na-1\na1\nb"),
        (["M-2"], ",", b"M-2"),
        ([], "\n", b""),
    ],
)
def test_sorted_sha256_pins_known_digests(values, separator, digest_of):
    Member.objects.bulk_create(
        Member(
            legal_name=f"n{i}",
            member_number=value,
            id_number=f"X{i}",
            date_of_birth=dt.date(1980, 1, 1),
        )
        for i, value in enumerate(values)
    )

    digest = sorted_sha256(Member.objects.all(), "member_number", separator=separator)

    assert digest == hashlib.sha256(digest_of).hexdigest()
    if separator == "\n":
        assert digest == roll_hash(values)
