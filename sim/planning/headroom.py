"""Headroom per datacenter, node pool and node class: allocated against capacity, and how
fragmented the free part is.

Capacity is what the scheduler may hand out (node resources minus reserved, the usable
cores, healthy device instances); allocated is what the cluster's running allocations hold
after the scenario is placed. Fragmentation compares the largest ask of one dimension that
still fits on some node (the most free on a single node) with the total free: a pool with
64 GB free spread as 2 GB per node cannot take one 4 GB allocation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec
import numpy as np

from ..feasibility import healthy_instances
from ..io import ResolvedScenario
from .cluster import SCOPES, Cluster, current_cluster

DIMENSIONS = ("cpu", "memory", "disk", "cores", "devices")
UNITS = {"cpu": "MHz", "memory": "MB", "disk": "MB", "cores": "cores", "devices": "instances"}


class Use(msgspec.Struct, frozen=True):
    """One dimension over a set of nodes."""

    allocated: float
    capacity: float
    largest_free: float  # the most free on a single node: the largest ask that still fits

    @property
    def free(self) -> float:
        return max(self.capacity - self.allocated, 0.0)

    @property
    def used_share(self) -> float:
        return self.allocated / self.capacity if self.capacity else 0.0

    @property
    def fragmentation(self) -> float:
        """1 − largest single-node free / total free (0: one node holds all the free)."""
        return 1.0 - self.largest_free / self.free if self.free else 0.0


def _amount(value: float, dim: str) -> str:
    return f"{value:,.0f}" if dim in ("cpu", "memory", "disk") else f"{value:g}"


def use_cell(use: Use, dim: str) -> str:
    """``allocated/capacity share% (largest fit)``: one cell of the headroom table, the same in
    the terminal and the report."""
    return (
        f"{_amount(use.allocated, dim)}/{_amount(use.capacity, dim)} "
        f"{100 * use.used_share:.0f}% ({_amount(use.largest_free, dim)})"
    )


@dataclass
class HeadroomRow:
    scope: str  # datacenter, node_pool, node_class or cluster
    value: str
    nodes: int
    use: dict[str, Use] = field(default_factory=dict)

    @staticmethod
    def dimensions(rows: list[HeadroomRow]) -> list[str]:
        """The dimensions any of ``rows`` has capacity in: the columns worth showing."""
        return [d for d in DIMENSIONS if any(r.use[d].capacity for r in rows)]

    def to_json(self) -> dict:
        return {
            "scope": self.scope,
            "value": self.value,
            "nodes": self.nodes,
            **{
                dim: {
                    "allocated": u.allocated,
                    "capacity": u.capacity,
                    "free": u.free,
                    "largest_free": u.largest_free,
                    "used_share": round(u.used_share, 4),
                    "fragmentation": round(u.fragmentation, 4),
                }
                for dim, u in self.use.items()
            },
        }


def _columns(cluster: Cluster) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per dimension: capacity, allocated and largest free per node."""
    ledger, cap = cluster.ledger, cluster.ledger.capacity
    cores = np.array([len(c) for c in cap.usable_cores], dtype=float)
    dev_cap = np.zeros(cluster.table.n)
    dev_used = np.zeros(cluster.table.n)
    dev_largest = np.zeros(cluster.table.n)
    for i, node in enumerate(cluster.table.nodes):
        devices = node.node_resources.devices
        if not devices:
            continue
        held = ledger.devices.get(i, {})
        healthy = [healthy_instances(d) for d in devices]
        dev_cap[i] = sum(healthy)
        dev_used[i] = sum(held.values())
        dev_largest[i] = max(h - held.get(d, 0) for d, h in enumerate(healthy))
    out = {}
    for dim, capacity, used in (
        ("cpu", cap.cpu, ledger.cpu),
        ("memory", cap.memory_mb, ledger.memory_mb),
        ("disk", cap.disk_mb, ledger.disk_mb),
        ("cores", cores, cores - ledger.free_cores),
    ):
        out[dim] = (capacity, used, np.maximum(capacity - used, 0))
    out["devices"] = (dev_cap, dev_used, dev_largest)
    return out


def _row(scope: str, value: str, nodes: np.ndarray, columns: dict) -> HeadroomRow:
    row = HeadroomRow(scope, value, len(nodes))
    for dim, (capacity, used, largest) in columns.items():
        row.use[dim] = Use(
            float(used[nodes].sum()),
            float(capacity[nodes].sum()),
            float(largest[nodes].max(initial=0)),
        )
    return row


def headroom_of(cluster: Cluster) -> list[HeadroomRow]:
    """``headroom`` on an already simulated cluster."""
    columns = _columns(cluster)
    rows = [_row("cluster", "all", np.arange(cluster.table.n), columns)]
    for scope in SCOPES:
        labels = cluster.scope_labels(scope)
        for value in sorted(set(labels.tolist())):
            rows.append(_row(scope, value, np.flatnonzero(labels == value), columns))
    return rows


def headroom(resolved: ResolvedScenario, seed: int = 0) -> list[HeadroomRow]:
    """The cluster, then every datacenter, node pool and node class, after the scenario's
    jobs are placed: allocated vs capacity per dimension and the fragmentation of the free."""
    return headroom_of(current_cluster(resolved, seed))
