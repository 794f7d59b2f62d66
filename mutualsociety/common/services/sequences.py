"""Named counters for the numbers people read (member numbers, claim numbers)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from ..models import Sequence


def sequence_next(*, name: str, count: int = 1) -> int:
    """Reserve ``count`` numbers of the sequence ``name``; return the first.

    Must run inside the caller's transaction: the row stays locked until it commits, so
    two transactions never get the same number.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name).update(value=F("value") + count)
        value = Sequence.objects.select_for_update().get(name=name).value
    return value - count + 1
