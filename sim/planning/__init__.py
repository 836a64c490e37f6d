"""Capacity planning: how many more fit, what survives losing a failure domain, headroom.

Names are imported on first use (``sim.core.lazy``): a command loads only the modules it
runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports

if TYPE_CHECKING:
    from .capacity import CapacityResult, capacity, capacity_of, parse_ask
    from .cluster import Cluster, current_cluster
    from .headroom import HeadroomRow, Use, headroom, headroom_of
    from .resilience import FailureCase, GroupLoss, ResilienceReport, resilience, resilience_of

_HOMES = {
    "CapacityResult": ".capacity",
    "Cluster": ".cluster",
    "FailureCase": ".resilience",
    "GroupLoss": ".resilience",
    "HeadroomRow": ".headroom",
    "ResilienceReport": ".resilience",
    "Use": ".headroom",
    "capacity": ".capacity",
    "capacity_of": ".capacity",
    "current_cluster": ".cluster",
    "headroom": ".headroom",
    "headroom_of": ".headroom",
    "parse_ask": ".capacity",
    "resilience": ".resilience",
    "resilience_of": ".resilience",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "CapacityResult",
    "Cluster",
    "FailureCase",
    "GroupLoss",
    "HeadroomRow",
    "ResilienceReport",
    "Use",
    "capacity",
    "capacity_of",
    "current_cluster",
    "headroom",
    "headroom_of",
    "parse_ask",
    "resilience",
    "resilience_of",
]
