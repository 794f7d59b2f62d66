"""System check: claim documents must live where no URL serves files from.

Claim documents are medical records; they are served only by the permission-checking view
``claims:document``. If ``CLAIM_DOCUMENTS_ROOT`` were inside ``MEDIA_ROOT``, ``STATIC_ROOT``
or a ``STATICFILES_DIRS`` entry, or inside the folder of a URL served by
``django.views.static.serve``, anyone who guessed a path could read them.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


def file_serving_roots() -> list[tuple[str, Path]]:
    """Every folder the site serves files from, by name: media, static, and the
    ``document_root`` of each URL pattern that calls ``django.views.static.serve``."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.views.static import serve

    roots: list[tuple[str, Path]] = []
    if settings.MEDIA_ROOT:
        roots.append(("MEDIA_ROOT", Path(settings.MEDIA_ROOT)))
    if settings.STATIC_ROOT:
        roots.append(("STATIC_ROOT", Path(settings.STATIC_ROOT)))
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        folder = entry[1] if isinstance(entry, (tuple, list)) else entry
        roots.append(("STATICFILES_DIRS", Path(folder)))

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.callback is serve:
                root = pattern.default_args.get("document_root")
                if root:
                    roots.append((f"URL {prefix}{pattern.pattern}", Path(root)))

    walk(get_resolver().url_patterns, "/")
    return roots


@register()
def claim_documents_private(app_configs=None, **kwargs) -> list[Error]:
    documents = Path(settings.CLAIM_DOCUMENTS_ROOT)
    return [
        Error(
            f"CLAIM_DOCUMENTS_ROOT ({documents}) is inside {name} ({root}): claim documents "
            "would be served without the permission check.",
            hint="Keep claim documents outside every folder the site serves files from.",
            id="claims.E001",
        )
        for name, root in file_serving_roots()
        if _inside(documents, root)
    ]
