"""Fixtures of the archive and API tests: the society's first half of 2026 of
``tests/disclosure/test_figures.py`` (books, members, a claim paid, an approved
assessment) and the people who make it, for the key figures in the API."""

from tests.disclosure.test_figures import (  # noqa: F401 - fixtures, used by name
    actuary,
    approver,
    first_half,
    handler,
)
