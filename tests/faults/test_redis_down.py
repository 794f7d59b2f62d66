"""Redis down, for real (issue 14, "Faults"): gunicorn and a Celery worker on a private
redis-server, which is killed (SIGKILL) while a member uses the portal.

The portal keeps serving (sessions are in the database: nobody is signed out), a
complaint is filed and its e-mail is recorded in the outbox, /healthz answers 503 naming
the broker; Redis back on the same port, the relay hands the e-mail over and the worker
really sends it, once; /healthz answers 200 again.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from members.models import Notification
from mutualsociety.common.models import OutboxTask
from tests.faults.ledger import assert_ledger_sound
from tests.faults.services import (
    Browser,
    app_environment,
    celery_worker,
    database_url,
    gunicorn,
    manage,
    private_redis,
    wait_until,
)
from tests.members.factories import member_make, person_data

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "fault-tolerant-member-2026"


def member_who_signs_in(username: str, email: str):
    """A member whose account has a password the served settings accept (the suite
    hashes with MD5, which they do not: the default hasher, few iterations)."""
    member = member_make(person=person_data(email=email))
    user = member.user
    hasher = PBKDF2PasswordHasher()
    user.username = username
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["username", "password"])
    return member


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def delivered(folder: Path, address: str) -> list[str]:
    """The messages the worker's file-based e-mail backend wrote to ``address``."""
    if not folder.exists():
        return []
    messages = [path.read_text(errors="replace") for path in sorted(folder.iterdir())]
    return [m for m in messages if re.search(rf"^To: {re.escape(address)}$", m, re.M)]


@pytest.mark.django_db(transaction=True)
def test_the_portal_serves_through_a_redis_outage_and_the_mail_goes_once_when_it_is_back(
    chart_of_accounts, tmp_path
):
    began = time.monotonic()
    alice = member_who_signs_in("alice", "alice@example.com")
    member_who_signs_in("bob", "bob@example.com")
    mail = tmp_path / "mail"

    with private_redis(tmp_path) as redis_server:
        env = app_environment(
            database_url=database_url(connection.settings_dict),
            redis_url=redis_server.url,
            var_dir=tmp_path / "var",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail),
        )
        with (
            gunicorn(env, tmp_path, workers=2) as server,
            celery_worker(env, tmp_path) as (worker, worker_log),
        ):
            browser = Browser(server.url)
            # (a sign-in hashes the password: timed against one with Redis up)
            signed_in, with_redis = timed(browser.sign_in, "alice", PASSWORD)
            assert signed_in.status_code == 302
            assert browser.get("/me/").status_code == 200
            assert browser.get("/healthz").status_code == 200
            last_row = OutboxTask.objects.order_by("-pk").values_list("pk", flat=True).first()

            redis_server.kill()
            served_at = time.monotonic()

            # The portal keeps serving, quickly; alice is still signed in.
            pages = {path: timed(browser.get, path) for path in ("/me/", "/disclosure/", "/")}
            assert {path: r.status_code for path, (r, _s) in pages.items()} == {
                "/me/": 200, "/disclosure/": 200, "/": 200,
            }  # fmt: skip
            assert max(seconds for _r, seconds in pages.values()) < 5, pages
            bob = Browser(server.url)
            signed_in, seconds = timed(bob.sign_in, "bob", PASSWORD)
            assert signed_in.status_code == 302 and seconds < with_redis + 3
            assert bob.get("/me/").status_code == 200

            # A complaint is filed: success, and its e-mail waits in the outbox.
            form = browser.get("/complaints/new/").text
            submission_key = re.search(r'name="submission_key" value="([0-9a-f]+)"', form)[1]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
            filed, seconds = timed(
                browser.post,
                "/complaints/new/",
                data={
                    "category": "service",
                    "description": "The office was closed during opening hours.",
                    "submission_key": submission_key,
                    "csrfmiddlewaretoken": token,
                },
            )
            assert filed.status_code == 302, filed.text[-2000:]
            assert re.fullmatch(r"/me/complaints/\d+/", filed.headers["Location"])
            assert seconds < 5
            assert browser.get(filed.headers["Location"]).status_code == 200
            waiting = OutboxTask.objects.filter(pk__gt=last_row or 0)
            assert list(waiting.values_list("task", "state")) == [
                ("members.notification_email", "pending")
            ]
            row = waiting.get()
            assert row.attempts == 1 and "Error" in row.last_error
            assert Notification.objects.get(pk=row.args[0]).member_id == alice.pk

            health, seconds = timed(browser.get, "/healthz")
            body = health.json()
            assert health.status_code == 503 and seconds < 5
            assert (body["status"], body["database"]["ok"], body["broker"]["ok"]) == (
                "unavailable", True, False,
            )  # fmt: skip
            outage_seconds = time.monotonic() - served_at
            assert delivered(mail, "alice@example.com") == []

            # Redis back on the same port: the relay hands the e-mail over, once.
            redis_server.start()
            relayed = manage(env, "relay_outbox")
            assert relayed.returncode == 0, relayed.stdout + relayed.stderr
            row.refresh_from_db()
            assert row.state == "sent"
            wait_until(
                lambda: delivered(mail, "alice@example.com"),
                seconds=60,
                what="the complaint's e-mail",
                log=worker_log,
            )
            again = manage(env, "relay_outbox")
            assert again.returncode == 0, again.stdout + again.stderr
            time.sleep(2)  # a second delivery would have come by now
            [message] = delivered(mail, "alice@example.com")
            assert "complaint" in message.lower()
            assert worker.poll() is None
            assert browser.get("/healthz").status_code == 200
        assert "Traceback" not in server.log.read_text(errors="replace")

    assert_ledger_sound()
    print(f"\nRedis down {outage_seconds:.1f} s; {time.monotonic() - began:.1f} s in all")
