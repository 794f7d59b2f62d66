"""Template filters of the archive and publication pages: ``{% load disclosure_archive %}``.

- ``{{ publication|localized:"title" }}``: the English text on an English page when there
  is one, else the Chinese (``title``/``title_en``, ``body``/``body_en``);
- ``{{ publication|localized_lang:"title" }}``: the language of that text (``lang``);
- ``{{ publication.content|content_html }}``: the structured content, readable
  (``disclosure.rendering``);
- ``{{ attachment.size|file_size }}``: ``12.3 KB``.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..rendering import render_content

register = template.Library()


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def localized(obj, field: str) -> str:
    """``obj.<field>_en`` when the page is English and it is not empty, else
    ``obj.<field>``."""
    if _english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "")


@register.filter
def localized_lang(obj, field: str) -> str:
    """The ``lang`` of ``obj|localized:field``: ``en`` or ``zh-Hans``."""
    return "en" if _english() and getattr(obj, f"{field}_en", "") else "zh-Hans"


@register.filter
def content_html(content) -> SafeString:
    return render_content(content)


@register.filter
def file_size(value) -> str:
    return filesizeformat(value)
