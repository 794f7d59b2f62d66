"""mutualsociety.schedule: the periodic jobs are installed after migrate, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from mutualsociety.schedule import PERIODIC_TASKS, install_periodic_tasks

pytestmark = pytest.mark.django_db

TASKS = {"common.worker_heartbeat", "ledger.integrity_check", "common.clear_expired_sessions"}


def test_migrate_installed_the_schedule():
    """The test database, freshly migrated, has every periodic job, enabled, on its
    crontab in the society's time zone."""
    installed = {t.task: t for t in PeriodicTask.objects.select_related("crontab")}

    assert set(installed) >= TASKS | {job.task for job in PERIODIC_TASKS}
    assert all(t.enabled for t in installed.values())
    check = installed["ledger.integrity_check"].crontab
    assert (check.minute, check.hour, str(check.timezone)) == ("30", "1", "Asia/Shanghai")
    assert installed["common.worker_heartbeat"].crontab.minute == "*"


def test_installing_again_creates_nothing():
    """A second install finds every job and creates none."""
    count = PeriodicTask.objects.count()

    assert install_periodic_tasks() == []
    assert PeriodicTask.objects.count() == count


def test_installing_again_keeps_what_staff_changed():
    """Staff own the schedule once it exists: a disabled job stays disabled and an edited
    time stays edited."""
    task = PeriodicTask.objects.get(task="ledger.integrity_check")
    task.enabled = False
    task.description = "Paused during the audit"
    task.save()

    install_periodic_tasks()
    call_command("install_schedule", verbosity=0)

    task.refresh_from_db()
    assert task.enabled is False
    assert task.description == "Paused during the audit"
    assert PeriodicTask.objects.filter(task="ledger.integrity_check").count() == 1


def test_a_deleted_job_is_installed_again():
    """A job that was deleted comes back on the next install."""
    PeriodicTask.objects.filter(task="common.clear_expired_sessions").delete()

    created = install_periodic_tasks()

    assert created == ["Clear expired sessions"]
    assert PeriodicTask.objects.filter(task="common.clear_expired_sessions").count() == 1
