"""Read-only open-data API of the disclosure app under /api/v1/disclosure/, one module per
subject (every view and serializer importable from here, as ``disclosure.api_urls`` does):

- ``figures``: the key figures at a glance with their source publications, the solvency
  ratios by quarter, the claims statistics by quarter (``?period=``) and the published
  apportionment periods (``?plan=``, ``?period=``, paginated);
- ``publications``: the published versions (list with ``?kind=``, ``?period=``, ``?key=``;
  one version with its document's versions, files and withdrawal) and the kinds with
  their due-date rules.

Open to anyone, without signing in; nothing here writes (any other method answers 405).
"""

from .figures import (
    ApportionmentPeriodListApi,
    ClaimStatisticsApi,
    FiguresApi,
    SolvencyHistoryApi,
)
from .publications import (
    KindListApi,
    KindOut,
    PublicationDetailApi,
    PublicationDetailOut,
    PublicationListApi,
    PublicationOut,
)

__all__ = [
    "ApportionmentPeriodListApi",
    "ClaimStatisticsApi",
    "FiguresApi",
    "SolvencyHistoryApi",
    "KindListApi",
    "KindOut",
    "PublicationDetailApi",
    "PublicationDetailOut",
    "PublicationListApi",
    "PublicationOut",
]
