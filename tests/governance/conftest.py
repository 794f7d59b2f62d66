import pytest

from tests.governance.factories import articles_make


@pytest.fixture
def articles(db):
    """The articles in force (defaults of DESIGN.md)."""
    return articles_make()


@pytest.fixture
def secretary(make_user):
    """The board secretary: governance.* in the admin."""
    return make_user("secretary", roles=("board_secretary",), is_staff=True)
