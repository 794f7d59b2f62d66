"""/healthz: the database and the broker must answer; the worker's heartbeat is reported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from mutualsociety.celery import app as celery_app
from mutualsociety.common.services import worker_heartbeat_record

pytestmark = pytest.mark.django_db

EXPECTED_TRANSPORT = "redis" if django_settings.REDIS_URL else "filesystem"


def test_healthz_is_ok_when_the_database_and_broker_answer(client):
    """200 JSON with database.ok and broker.ok true (the embedded file-system broker on a
    bare machine, Redis when REDIS_URL is set); never cached."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    data = response.json()
    assert set(data) == {"status", "database", "broker", "worker"}
    assert data["status"] == "ok"
    assert data["database"]["ok"] is True
    assert data["database"]["vendor"] in {"sqlite", "postgresql"}
    assert data["broker"]["ok"] is True
    assert data["broker"]["transport"] == EXPECTED_TRANSPORT
    assert isinstance(data["broker"]["latency_ms"], float)


def test_healthz_without_a_worker_still_answers_200(client):
    """No heartbeat yet: the worker is reported not ok, the check still passes."""
    data = client.get("/healthz").json()

    assert data["worker"] == {"ok": False, "last_heartbeat": None}


def test_healthz_reports_a_recent_heartbeat(client):
    """A heartbeat a minute old reports the worker ok, with its age."""
    worker_heartbeat_record(hostname="w1", at=timezone.now() - dt.timedelta(minutes=1))

    worker = client.get("/healthz").json()["worker"]

    assert worker["ok"] is True
    assert 55 <= worker["age_seconds"] <= 120


def test_healthz_reports_a_stale_heartbeat(client):
    """A heartbeat older than three minutes reports the worker not ok; still 200."""
    worker_heartbeat_record(hostname="w1", at=timezone.now() - dt.timedelta(minutes=10))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["worker"]["ok"] is False


def test_healthz_is_503_when_the_broker_is_down(client, monkeypatch):
    """A broker that does not answer makes the check fail: 503, broker.ok false with the
    error; the database is still reported."""
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "unavailable"
    assert data["broker"]["ok"] is False
    assert data["broker"]["transport"] == "redis"
    assert data["broker"]["error"]
    assert data["database"]["ok"] is True


def test_a_503_is_one_warning_line_not_an_error_that_mails_the_admins(client, monkeypatch, caplog):
    """A probe that finds the broker down logs one warning; nothing at ERROR (Django's
    request logger would e-mail ADMINS on every probe for the whole outage)."""
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    with caplog.at_level("INFO"):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["healthz: unavailable (database up, broker down)"]


def test_healthz_is_503_while_redis_is_down(client, redis_down):
    """Broker and cache on a closed port: the check still answers, quickly, with the
    broker down (the cache being down too changes nothing in it)."""
    import time

    started = time.monotonic()
    response = client.get("/healthz")

    assert time.monotonic() - started < 5
    assert response.status_code == 503
    data = response.json()
    assert data["broker"]["ok"] is False
    assert data["broker"]["transport"] == "redis"
    assert data["database"]["ok"] is True
