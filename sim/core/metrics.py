"""AllocMetric: Nomad's per-placement counters, with its field names (nomad/structs/alloc.go)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class AllocMetric:
    """What a placement attempt saw: filtered and exhausted nodes, keyed as Nomad keys them.

    ``ClassFiltered``/``ClassExhausted`` are keyed by the *user* node class and skip nodes
    whose class is empty; ``ConstraintFiltered`` by the reason string.
    """

    nodes_evaluated: int = 0
    nodes_filtered: int = 0
    nodes_in_pool: int = 0
    node_pool: str = ""
    nodes_available: dict[str, int] = field(default_factory=dict)
    class_filtered: dict[str, int] = field(default_factory=dict)
    constraint_filtered: dict[str, int] = field(default_factory=dict)
    nodes_exhausted: int = 0
    class_exhausted: dict[str, int] = field(default_factory=dict)
    dimension_exhausted: dict[str, int] = field(default_factory=dict)
    quota_exhausted: list[str] = field(default_factory=list)
    resources_exhausted: dict[str, dict[str, int]] = field(default_factory=dict)
    score_metadata: list[dict[str, Any]] = field(default_factory=list)
    coalesced_failures: int = 0

    def filter_node(self, node_class: str, reason: str, count: int = 1) -> None:
        self.nodes_filtered += count
        if node_class:
            self.class_filtered[node_class] = self.class_filtered.get(node_class, 0) + count
        if reason:
            self.constraint_filtered[reason] = self.constraint_filtered.get(reason, 0) + count

    def exhausted_node(self, node_class: str, dimension: str, count: int = 1) -> None:
        self.nodes_exhausted += count
        if node_class:
            self.class_exhausted[node_class] = self.class_exhausted.get(node_class, 0) + count
        if dimension:
            self.dimension_exhausted[dimension] = self.dimension_exhausted.get(dimension, 0) + count

    def to_nomad(self) -> dict[str, Any]:
        """The JSON shape of ``structs.AllocMetric`` as the job plan API returns it."""
        return {
            "NodesEvaluated": self.nodes_evaluated,
            "NodesFiltered": self.nodes_filtered,
            "NodesInPool": self.nodes_in_pool,
            "NodePool": self.node_pool,
            "NodesAvailable": dict(self.nodes_available),
            "ClassFiltered": dict(self.class_filtered) or None,
            "ConstraintFiltered": dict(self.constraint_filtered) or None,
            "NodesExhausted": self.nodes_exhausted,
            "ClassExhausted": dict(self.class_exhausted) or None,
            "DimensionExhausted": dict(self.dimension_exhausted) or None,
            "QuotaExhausted": list(self.quota_exhausted) or None,
            "ResourcesExhausted": dict(self.resources_exhausted) or None,
            "ScoreMetaData": list(self.score_metadata) or None,
            "CoalescedFailures": self.coalesced_failures,
        }
