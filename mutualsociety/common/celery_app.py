"""The Celery application the ground floor hands work to (the outbox, /healthz).

The ground floor imports nothing above it, so the project package hands its
application over when it creates it (``mutualsociety/celery.py`` calls
``celery_app_set``). Until then — a script that never loaded the project package —
``celery.current_app`` is used. Not ``current_app`` always: any other Celery application
created in the process (a library's, a test's sender) becomes the current one of its
thread, and work would go to it.
"""

from __future__ import annotations

from celery import Celery, current_app

_app: Celery | None = None


def celery_app_set(app: Celery) -> None:
    """Make ``app`` the application the ground floor uses (the project's, at start)."""
    global _app  # one application per process, set once at start
    _app = app


def celery_app() -> Celery:
    """The project's Celery application."""
    return _app if _app is not None else current_app._get_current_object()
