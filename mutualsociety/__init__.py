"""MutualSociety: a platform for running a mutual insurance society or mutual aid plan."""

from .celery import app as celery_app

__all__ = ("celery_app",)
