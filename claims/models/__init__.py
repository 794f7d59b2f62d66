"""Claims, their documents and history, public notice, objections, review panels and
apportionment periods — one module per subject, every model importable from here:

- ``claims``: ``Claim``, ``ClaimDocument``, ``ClaimReserve``, ``ClaimPayment``;
- ``events``: ``ClaimEvent``, the append-only history;
- ``review``: ``Objection``, ``ReviewPanel``, ``PanelSeat`` (public notice and member review);
- ``apportionment``: ``ApportionmentPeriod``, ``ShareTreeNode``.
"""

from .apportionment import ApportionmentPeriod, ShareTreeNode
from .claims import Claim, ClaimDocument, ClaimPayment, ClaimReserve
from .events import ClaimEvent
from .review import Objection, PanelSeat, ReviewPanel

__all__ = [
    "ApportionmentPeriod",
    "Claim",
    "ClaimDocument",
    "ClaimEvent",
    "ClaimPayment",
    "ClaimReserve",
    "Objection",
    "PanelSeat",
    "ReviewPanel",
    "ShareTreeNode",
]
