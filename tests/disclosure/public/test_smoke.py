"""Every public page answers on an empty society, in both languages, with one h1 and
its "not yet published" states instead of errors."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["home", "governance", "finances", "solvency", "claims", "products", "events"]


@pytest.mark.parametrize("name", PAGES)
def test_each_page_answers_on_an_empty_society_with_one_h1(client, name):
    response = client.get(reverse(f"disclosure:{name}"))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "__disclosure_csrf_token__" not in html
