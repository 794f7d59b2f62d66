"""The Docker stack, checked without a Docker engine (none runs on these machines)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_compose_defines_the_five_services_with_health_checks(compose):
    """web, worker, beat, postgres and redis exist and each has a health check."""
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_compose_app_services_run_the_right_programs(compose):
    """web is gunicorn (after migrate), worker a Celery worker, beat Celery beat."""
    services = compose["services"]
    assert "gunicorn mutualsociety.wsgi" in _command(services["web"])
    assert "migrate --noinput" in _command(services["web"])
    assert _command(services["worker"]).startswith("celery -A mutualsociety worker")
    assert _command(services["beat"]).startswith("celery -A mutualsociety beat")
    assert "docker/healthcheck.py" in " ".join(services["web"]["healthcheck"]["test"])
    assert "check_heartbeat" in " ".join(services["beat"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in " ".join(services["redis"]["healthcheck"]["test"])


def test_compose_app_services_are_built_from_the_dockerfile_in_production(compose):
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        assert service["build"] == "."
        env = service["environment"]
        assert env["DJANGO_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["DATABASE_URL"].split("@", 1)[1].startswith("postgres:5432/")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert "SECRET_KEY" in env
        depends = service["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_compose_keeps_data_in_volumes(compose):
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert "redisdata:/data" in compose["services"]["redis"]["volumes"]
    for name in ("web", "worker", "beat"):
        assert "media:/app/var/media" in compose["services"][name]["volumes"]


def test_dockerfile_installs_the_production_lock_and_runs_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.1[2-9]", dockerfile, re.M)
    assert "pip install --no-deps -r requirements/base.lock" in dockerfile
    assert "collectstatic" in dockerfile
    assert '"gunicorn", "mutualsociety.wsgi:application"' in dockerfile
    assert "HEALTHCHECK" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.M), "the image must not run as root"


def test_the_image_and_ci_install_the_font_pdfs_embed():
    """The certificate embeds a TrueType Chinese font found on the system
    (mutualsociety.common.fonts): the image and CI install the package that ships it."""
    from mutualsociety.common.fonts import SYSTEM_FONTS

    assert SYSTEM_FONTS[0] == "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    assert (
        "apt-get install -y --no-install-recommends fonts-wqy-microhei"
        in (ROOT / "Dockerfile").read_text()
    )
    assert "fonts-wqy-microhei" in (ROOT / ".ci" / "run").read_text()


def test_virtualenv_and_image_share_the_same_pins():
    """Every package pinned in base.lock (the image) has the same pin in dev.lock (.venv)."""
    base = _pins(ROOT / "requirements" / "base.lock")
    dev = _pins(ROOT / "requirements" / "dev.lock")
    assert base, "base.lock pins nothing"
    mismatched = {name: (v, dev.get(name)) for name, v in base.items() if dev.get(name) != v}
    assert not mismatched
    assert base["django"].startswith("6.0.")
    assert "requirements/dev.lock" in (ROOT / "scripts" / "bootstrap").read_text()
    for tool in ("pytest", "pytest-django", "hypothesis", "ruff"):
        assert tool in dev and tool not in base


def test_the_web_health_check_passes_behind_a_real_host_name(live_server, monkeypatch, settings):
    """docker/healthcheck.py asks for /healthz with an allowed Host header, so the check
    passes when ALLOWED_HOSTS names only the public host (as in production)."""
    import runpy

    settings.ALLOWED_HOSTS = ["mutual.example"]
    port = live_server.url.rsplit(":", 1)[1]
    source = (ROOT / "docker" / "healthcheck.py").read_text().replace("8000", port)
    script = ROOT / "var" / "healthcheck_under_test.py"
    script.parent.mkdir(exist_ok=True)
    script.write_text(source)
    monkeypatch.setenv("ALLOWED_HOSTS", "mutual.example,www.mutual.example")
    try:
        with pytest.raises(SystemExit) as exit_:
            runpy.run_path(str(script), run_name="__main__")
    finally:
        script.unlink()
    assert exit_.value.code == 0
