"""Capacity and failure domains: how many more fit, what survives losing a domain, headroom."""

from .capacity import CapacityResult, capacity, capacity_of, parse_ask
from .cluster import Cluster, current_cluster

__all__ = [
    "CapacityResult",
    "Cluster",
    "capacity",
    "capacity_of",
    "current_cluster",
    "parse_ask",
]
