"""governance-tally: the real tally service over N ballots, and casting through the API.

Data: one closed assembly with a frozen roll of N voters and one ordinary motion; N
ballots (55% for, 35% against, 10% abstain; 5% of them superseded by a later ballot and
not counted) COPYed into the real ``governance_ballot`` table (random UUID keys, receipt
codes), in batches of 100,000. The load is not measured.

Measured:
- ``governance.services.tally.motion_tally`` (best of 5, warm cache): the one GROUP BY
  over the counted ballots of the motion plus the pure ``tally()``;
- baseline: the bare ``SELECT choice, COUNT(*) ... GROUP BY choice`` on the same rows;
- casting: ballots per second through ``POST /api/v1/governance/meetings/{id}/ballots/``
  on gunicorn (``mutualsociety.wsgi``, ``BENCH_GUNICORN_WORKERS`` workers, default 4) on
  127.0.0.1, driven by ``BENCH_CLIENTS`` concurrent HTTP clients (default 16), each
  signed in as a different member (``BENCH_VOTERS`` voters, default 2,000, one ballot each).
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import io
import json
import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.utils import timezone

from bench.serve import gunicorn

RUNS = 5
BATCH = 100_000


def _receipt(raw: bytes) -> str:
    code = base64.b32encode(raw[:8]).decode()[:12]
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def _setup_closed_meeting(scale: int):
    from governance.models import Articles, Body, Matter, Meeting, Motion

    articles = Articles.objects.order_by("-effective_from").first()
    body = Body.objects.get(kind=Body.Kind.GENERAL_ASSEMBLY)
    now = timezone.now()
    meeting = Meeting.objects.create(
        body=body, kind=Meeting.Kind.ANNUAL, title="bench", articles=articles,
        status=Meeting.Status.VOTING_CLOSED, voting_opens_at=now - dt.timedelta(days=2),
        voting_closes_at=now - dt.timedelta(days=1), roll_size=scale, roll_hash="0" * 64,
        convened_at=now - dt.timedelta(days=30), voting_closed_at=now - dt.timedelta(days=1),
    )  # fmt: skip
    motion = Motion.objects.create(meeting=meeting, number=1, title="bench", text="bench",
                                   matter=Matter.GENERAL, kind=Motion.Kind.ORDINARY)  # fmt: skip
    return meeting, motion


def _load_ballots(motion_id: int, scale: int, log: Callable[[str], None]) -> None:
    started = time.perf_counter()
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        raw_cursor = cursor.cursor  # psycopg2: COPY FROM STDIN
        while written < scale:
            n = min(BATCH, scale - written)
            buffer = io.StringIO()
            for i in range(written, written + n):
                key = uuid.uuid4()
                bucket = i % 20
                choice = "for" if bucket < 11 else "against" if bucket < 18 else "abstain"
                counted = "f" if i % 20 == 7 else "t"
                buffer.write(
                    f"{key}\t{motion_id}\t{choice}\t{_receipt(key.bytes)}\t{counted}\t\\N\n"
                )
            buffer.seek(0)
            raw_cursor.copy_expert(
                "COPY governance_ballot (id, motion_id, choice, receipt, counted, voter_id) "
                "FROM STDIN",
                buffer,
            )
            written += n
        cursor.execute("ANALYZE governance_ballot")
    log(f"loaded {scale:,} ballots in {time.perf_counter() - started:.1f} s")


def _best(fn: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


# --- Casting through the API on gunicorn -------------------------------------------------


def open_meeting(*, title: str, log) -> tuple:
    """A general-assembly meeting with one ordinary motion, convened 25 days ago through
    the real services (its roll of every eligible member frozen) and its vote open now
    for two hours: (meeting, motion)."""
    from governance.models import Body, Matter, Meeting
    from governance.services.meetings import (
        meeting_convene,
        meeting_draft,
        meeting_open_voting,
        motion_add,
    )
    from mutualsociety.celery import app as celery_app

    # No broker in the bench: the convening notice task runs in-process.
    celery_app.conf.task_always_eager = True
    now = timezone.now()
    body = Body.objects.get(kind=Body.Kind.GENERAL_ASSEMBLY)
    meeting = meeting_draft(body=body, kind=Meeting.Kind.ANNUAL, title=title,
                            voting_opens_at=now - dt.timedelta(minutes=5),
                            voting_closes_at=now + dt.timedelta(hours=2))  # fmt: skip
    motion = motion_add(meeting=meeting, title=title, text=title, matter=Matter.GENERAL)
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    meeting = meeting_open_voting(meeting=meeting, at=now)
    log(f"roll of {meeting.roll_size:,} voters frozen; voting open")
    return meeting, motion


def _voters_open_meeting(voters: int, log):
    """``voters`` active members with logins, then ``open_meeting`` (they are its roll)."""
    from django.contrib.auth import get_user_model

    from members.models import Member

    unusable = "!"  # no password: the voters' sessions are written directly below
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bench-voter-{i}", password=unusable) for i in range(voters)],
        batch_size=5000,
    )
    Member.objects.bulk_create(
        [
            Member(
                user=user,
                member_number=f"B{i:09d}",
                legal_name=f"投票人{i}",
                id_number=f"BENCH{i:012d}",
                date_of_birth=dt.date(1980, 1, 1),
                sex="F",
                phone="13900000000",
                region="11",
                status=Member.Status.ACTIVE,
                joined_on=dt.date(2024, 1, 1),
            )  # fmt: skip
            for i, user in enumerate(users)
        ],
        batch_size=5000,
    )
    meeting, motion = open_meeting(title="bench casting", log=log)
    return meeting, motion, users


def _sessions(users) -> list[str]:
    """A signed-in session per voter, written straight to the session table (what
    logging in does, without a password hash per voter)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


def _cast_through_api(log) -> dict:
    from django.conf import settings

    voters = int(os.environ.get("BENCH_VOTERS", "2000"))
    clients = int(os.environ.get("BENCH_CLIENTS", "16"))
    workers = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
    meeting, motion, users = _voters_open_meeting(voters, log)
    sessions = _sessions(users)
    env = {
        "DJANGO_SETTINGS_MODULE": "mutualsociety.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions above are signed with it
    }
    csrf = "b" * 32
    path = f"/api/v1/governance/meetings/{meeting.pk}/ballots/"
    body = json.dumps({"votes": [{"motion": motion.pk, "choice": "for"}]})
    statuses: dict[int, int] = {}
    with gunicorn(env=env, workers=workers, probe="/healthz") as port:
        chunks = [sessions[i::clients] for i in range(clients)]

        def run(keys: list[str]) -> dict[int, int]:
            seen: dict[int, int] = {}
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for key in keys:
                conn.request("POST", path, body=body, headers={
                    "Content-Type": "application/json", "X-CSRFToken": csrf,
                    "Cookie": f"sessionid={key}; csrftoken={csrf}",
                })  # fmt: skip
                response = conn.getresponse()
                response.read()
                seen[response.status] = seen.get(response.status, 0) + 1
            conn.close()
            return seen

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            for seen in pool.map(run, chunks):
                for code, n in seen.items():
                    statuses[code] = statuses.get(code, 0) + n
        seconds = time.perf_counter() - started
    from governance.models import Ballot, Participation

    counted = Participation.objects.filter(motion=motion, counted=True).count()
    assert counted == Ballot.objects.filter(motion=motion).count() == statuses.get(201, 0), (
        statuses,
        counted,
    )
    log(f"cast {counted:,} ballots through the API in {seconds:.2f} s; statuses {statuses}")
    return {
        "api_ballots": counted,
        "api_seconds": round(seconds, 3),
        "api_ballots_per_second": round(counted / seconds, 1),
        "api_clients": clients,
        "gunicorn_workers": workers,
        "api_statuses": {str(k): v for k, v in statuses.items()},
    }


def run(*, scale: int, log: Callable[[str], None]) -> dict:
    from governance.services.tally import motion_tally

    meeting, motion = _setup_closed_meeting(scale)
    _load_ballots(motion.pk, scale, log)

    seconds, tallied = _best(lambda: motion_tally(motion=motion, meeting=meeting))
    result = tallied.result

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT choice, COUNT(*) FROM governance_ballot "
                "WHERE motion_id = %s AND counted GROUP BY choice",
                [motion.pk],
            )
            return dict(cursor.fetchall())

    baseline_seconds, counts = _best(baseline)
    assert counts == {"for": result.votes_for, "against": result.votes_against,
                      "abstain": result.abstentions}, counts  # fmt: skip
    log(f"tally {seconds:.3f} s, bare GROUP BY {baseline_seconds:.3f} s; {counts}")
    out = {
        "seconds": seconds,
        "baseline_seconds": baseline_seconds,
        "ballots": scale,
        "counted": result.participants,
        "adopted": result.adopted,
        "turnout": str(result.turnout),
    }
    if os.environ.get("BENCH_SKIP_API") != "1":
        out.update(_cast_through_api(log))
    return out
