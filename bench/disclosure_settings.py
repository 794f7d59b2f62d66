"""The settings the disclosure-pages benchmark serves with (``bench/disclosure_pages.py``).

The project's own settings, with two changes that exist only for the benchmark:

- ``ROOT_URLCONF`` is ``bench.disclosure_urls``: the project's URLs plus the bare view
  the pages are measured against (no URL of the product changes);
- ``BENCH_DISCLOSURE_CACHE=dummy`` replaces the project's cache by Django's dummy cache,
  so that every request renders its page afresh (the uncached server); otherwise the cache
  is the project's (Redis at ``REDIS_URL``, else local memory);
- ``BENCH_BARE_TEMPLATES`` names the folder of the bare view's templates (written by the
  benchmark at run time: the pages' own bytes as static text).
"""

import os

from mutualsociety.settings import *  # noqa: F403
from mutualsociety.settings import TEMPLATES as _TEMPLATES

ROOT_URLCONF = "bench.disclosure_urls"

if os.environ.get("BENCH_DISCLOSURE_CACHE") == "dummy":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

if os.environ.get("BENCH_BARE_TEMPLATES"):
    TEMPLATES = [
        {**_TEMPLATES[0], "DIRS": [*_TEMPLATES[0]["DIRS"], os.environ["BENCH_BARE_TEMPLATES"]]},
        *_TEMPLATES[1:],
    ]
