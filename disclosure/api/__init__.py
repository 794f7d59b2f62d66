"""Read-only open-data API of the disclosure app under /api/v1/disclosure/, one module per
subject (every view and serializer importable from here, as ``disclosure.api_urls`` does):

- ``publications``: the published versions (list with ``?kind=``, ``?period=``, ``?key=``;
  one version with its document's versions, files and withdrawal) and the kinds with
  their due-date rules.

Open to anyone, without signing in; nothing here writes (any other method answers 405).
"""

from .publications import (
    KindListApi,
    KindOut,
    PublicationDetailApi,
    PublicationDetailOut,
    PublicationListApi,
    PublicationOut,
)

__all__ = [
    "KindListApi",
    "KindOut",
    "PublicationDetailApi",
    "PublicationDetailOut",
    "PublicationListApi",
    "PublicationOut",
]
