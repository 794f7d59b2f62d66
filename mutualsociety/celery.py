"""The Celery application.

Configuration comes from Django's settings (the ``CELERY_`` names); tasks live in each
app's ``tasks.py``; the periodic schedule is stored in the database by django-celery-beat
and installed by :mod:`mutualsociety.schedule` after every ``migrate``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualsociety.settings")

app = Celery("mutualsociety")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
