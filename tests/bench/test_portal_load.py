"""The portal-load benchmark (bench/portal_load.py) at a tiny scale, so that it cannot rot:
the society and its open assembly, the bench members' logins, gunicorn with the
production settings, the sign-ins through the login form, and the load of members,
anonymous visitors and the bare view. No timing is asserted."""

from __future__ import annotations

import http.client

import pytest

from bench import portal_load
from governance.models import Ballot, Participation
from tests.governance.factories import articles_make, body_get


class _Answer:
    def __init__(self, cookies: list[str]) -> None:
        self.headers = http.client.HTTPMessage()
        for cookie in cookies:
            self.headers["Set-Cookie"] = cookie


def test_the_jar_keeps_the_cookies_it_is_given_and_drops_the_ones_deleted():
    """A browser's cookies: set, replaced, and deleted by an empty value or max-age 0
    (what Django sends on sign-out or a rotated token)."""
    jar = portal_load.Jar()
    jar.take(_Answer(["csrftoken=abc; Path=/; Secure", "sessionid=s1; HttpOnly; Secure"]))
    assert jar == {"csrftoken": "abc", "sessionid": "s1"}
    jar.take(_Answer(["csrftoken=def; Path=/"]))
    jar.take(_Answer(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0']))
    assert jar == {"csrftoken": "def"}
    assert jar.header() == "csrftoken=def"


def test_the_csrf_token_is_read_from_the_form():
    page = b'<form><input type="hidden" name="csrfmiddlewaretoken" value="t0k3n"></form>'
    assert portal_load.csrf_token(page) == "t0k3n"
    with pytest.raises(ValueError, match="no CSRF token"):
        portal_load.csrf_token(b"<p>signed out</p>")


def test_the_report_counts_every_route_the_portal_together_and_the_bare_view_apart():
    """Per route; ``total`` is the portal routes without the bare view; ``errors`` the
    count of every unexpected outcome, the bare view's included."""
    tally = portal_load.Tally()
    for route in portal_load.ROUTES:
        tally.add(route, "200", 0.010, {"200"})
    tally.add("vote", "302", 0.020, {"200"})  # a refused first vote is an error
    tally.add("vote", "302", 0.030, {"302"})  # a refused change where none is allowed is not
    tally.add("bare", "TimeoutError", 30.0, {"200"})

    out = portal_load.report(tally, seconds=2.0)

    assert set(out["routes"]) == set(portal_load.ROUTES) - {"bare"}
    assert out["routes"]["vote"]["requests"] == 2
    assert out["routes"]["vote"]["errors"] == {"302": 1}
    assert out["total"]["requests"] == 6 and out["total"]["rps"] == 3.0
    assert out["bare"] == {
        "requests": 1, "rps": 0.5, "p50_ms": 10.0, "p95_ms": 10.0, "p99_ms": 10.0,
        "errors": {"TimeoutError": 1},
    }  # fmt: skip
    assert out["errors"] == 2


@pytest.mark.postgres
@pytest.mark.redis
def test_the_benchmark_runs_end_to_end_at_a_tiny_scale(chart_of_accounts):
    """At 30 members, 3 of them signed in through the login form of a production server:
    every route answered as expected (no error), each member's first vote counted and the
    changes of vote after it counted once, and the numbers of every route reported."""
    # What the governance migrations seed, gone after an earlier transactional test.
    body_get()
    articles_make(vote_changes_allowed=True)
    requests = 5 * portal_load.PER_CYCLE  # 5 member visits: 3 first votes, 2 changes

    result = portal_load.run(
        scale=30, log=lambda _: None, seed=False, clients=2, requests=requests,
        members=3, workers=1,
    )  # fmt: skip

    assert result["errors"] == 0, result
    assert result["signed_in_members"] == 3 and result["voters"] == 3
    assert result["vote_changes_allowed"] is True
    assert result["ballots_counted"] == 3, (  # a change of vote supersedes the first
        list(Ballot.objects.values_list("counted", "choice", "motion_id")),
        list(Participation.objects.values_list("voter_id", "counted", "motion_id", "at")),
    )
    # two changes in the load, two more where the queries of a change are counted
    assert Ballot.objects.filter(counted=False).count() == 2 + 2
    assert set(result["queries"]) == set(portal_load.ROUTES) - {"bare"}
    assert all(n > 0 for n in result["queries"].values())
    for route in (*result["routes"].values(), result["total"], result["bare"]):
        assert route["errors"] == {}
        assert route["rps"] > 0 and 0 < route["p50_ms"] <= route["p95_ms"] <= route["p99_ms"]
    assert result["routes"]["vote"]["requests"] == 5
    assert result["total"]["requests"] == 5 * (portal_load.PER_CYCLE - 1)
    assert result["bare"]["requests"] == 5
    assert result["seconds"] == result["total"]["p95_ms"] / 1000
