"""The Celery application.

Configuration comes from Django's settings (the ``CELERY_`` names); tasks live in each
app's ``tasks.py``; the periodic schedule is stored in the database by django-celery-beat
and installed by :mod:`mutualsociety.schedule` after every ``migrate``.

Services hand work to Celery through the outbox (``common.services.outbox_enqueue``),
never with ``delay()``: a worker that starts relays what waited there.
"""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

from mutualsociety.common.celery_app import celery_app_set

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualsociety.settings")

app = Celery("mutualsociety")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The ground floor (the outbox, /healthz) imports nothing above it: it is handed the app.
celery_app_set(app)


@worker_ready.connect
def relay_outbox_at_start(sender=None, **kwargs) -> None:
    """A worker that starts (after a Redis outage, say) hands over the tasks recorded in
    the outbox meanwhile, without waiting for the minutely job."""
    from django.db import DatabaseError, connections

    from mutualsociety.common.services import outbox_relay

    try:
        outbox_relay()
    except DatabaseError as exc:
        logging.getLogger("mutualsociety.outbox").warning(
            "The outbox was not relayed at start-up: %s", exc
        )
    finally:
        # The worker's main process does no other database work; the pool's processes
        # open their own connections.
        connections.close_all()
