"""Capacity planning: how many more fit, what survives losing a failure domain, headroom."""

from .capacity import CapacityResult, capacity, capacity_of, parse_ask
from .cluster import Cluster, current_cluster
from .headroom import HeadroomRow, Use, headroom, headroom_of
from .resilience import FailureCase, GroupLoss, ResilienceReport, resilience, resilience_of

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
