import pytest

from tests.claims.conftest import aid, approver, handler  # noqa: F401 - fixtures
from tests.governance.conftest import articles, secretary  # noqa: F401 - fixtures


@pytest.fixture
def actuary(make_user):
    return make_user("actuary", roles=("actuary",), is_staff=True)
