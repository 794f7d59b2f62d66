"""Settings from the environment: production refuses to start without what it needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a9F3kQ7zL2mX8pR4tV6wY1bN5cJ0hG7dS3eU9iO2aK8lZ4xC6vB1nM5qW7rT0yP3",
    "ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run manage.py with only ``env`` (and PATH) set: nothing leaks from this shell."""
    base = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "MUTUALSOCIETY_VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_stops_naming_the_missing_variable(missing, tmp_path):
    """With DJANGO_ENV=production and one required variable unset, manage.py check fails
    with a message naming that variable."""
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"The environment variable {missing} must be set" in result.stderr


def test_production_refuses_debug(tmp_path):
    """DEBUG cannot be switched on in production."""
    result = manage("check", env={**PRODUCTION, "DJANGO_DEBUG": "1"}, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("DJANGO_ENV", "staging"), ("DJANGO_DEBUG", "maybe"), ("SOCIETY_CURRENCY", "EURO")],
)
def test_a_malformed_variable_is_named(name, value, tmp_path):
    """A value that cannot be read stops start-up with a message naming the variable."""
    result = manage("check", env={name: value}, tmp_path=tmp_path)

    assert result.returncode != 0
    assert name in result.stderr


def test_a_complete_production_configuration_passes_the_deploy_checks(tmp_path):
    """With every variable set, `check --deploy --fail-level WARNING` passes; it needs no
    database or broker to answer."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_needs_nothing(tmp_path):
    """With no variable at all, development settings load and the checks pass."""
    result = manage("check", env={}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr


def test_on_redis_the_cache_degrades_the_broker_fails_fast_and_the_api_throttles(tmp_path):
    """With REDIS_URL: the cache is the backend that answers a miss when Redis is down,
    with short timeouts; the broker gives up connecting within a second; every API
    operation is throttled at the README's default rates."""
    script = (
        "from django.conf import settings as s; "
        "c = s.CACHES['default']; o = s.CELERY_BROKER_TRANSPORT_OPTIONS; "
        "r = s.REST_FRAMEWORK; "
        "print(c['BACKEND'], c['OPTIONS']['socket_connect_timeout'], "
        "o['socket_connect_timeout'], ','.join(r['DEFAULT_THROTTLE_CLASSES']), "
        "r['DEFAULT_THROTTLE_RATES']['anon'], r['DEFAULT_THROTTLE_RATES']['user'])"
    )

    result = manage("shell", "--no-imports", "-c", script, env=PRODUCTION, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "mutualsociety.common.cache.RedisCache",
        "0.5",
        "1",
        "mutualsociety.common.throttling.AnonRateThrottle,"
        "mutualsociety.common.throttling.UserRateThrottle",
        "120/minute",
        "1200/minute",
    ]


def test_production_keeps_cookies_secure_and_the_security_headers_on(tmp_path):
    """Under DJANGO_ENV=production: cookies only over HTTPS and out of scripts' reach, a
    year of HSTS with subdomains and preload, HTTPS redirect behind the proxy, no MIME
    sniffing, no framing, the same-origin referrer, and the Content-Security-Policy
    middleware with scripts from this site only (docs/security.md)."""
    script = (
        "from django.conf import settings as s; "
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_SSL_REDIRECT, '|'.join(s.SECURE_PROXY_SSL_HEADER), "
        "s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, "
        "'csp.middleware.CSPMiddleware' in s.MIDDLEWARE, ','.join(d['script-src']), "
        "','.join(d['frame-ancestors']), ','.join(d['object-src']))"
    )

    production = manage("shell", "--no-imports", "-c", script, env=PRODUCTION, tmp_path=tmp_path)
    development = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        env={},
        tmp_path=tmp_path,
    )

    assert production.returncode == 0, production.stderr
    assert production.stdout.splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "HTTP_X_FORWARDED_PROTO|https",
        "True",
        "DENY",
        "same-origin",
        "True",
        "'self'",
        "'none'",
        "'none'",
    ]
    # While developing over plain HTTP the cookies cannot be secure and there is no HSTS.
    assert development.stdout.splitlines()[-1].split() == ["False", "False", "0"]
