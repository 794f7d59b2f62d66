import pytest

from disclosure.models import Kind, KindRule


@pytest.fixture
def no_approval():
    """Related-party transactions published by compliance alone (one person)."""
    KindRule.objects.filter(kind=Kind.RELATED_PARTY).update(needs_approval=False)


@pytest.fixture
def actuary(make_user):
    return make_user("actuary", roles=("actuary",), is_staff=True)
