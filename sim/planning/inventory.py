"""What each computed class of a cluster holds before any job is placed: how many nodes,
how many of them Nomad would schedule on, and CPU, memory and disk as capacity, reserved,
allocated (the scenario's or snapshot's running allocations) and free.

Free is what the scheduler may still hand out: capacity less the node's reserved resources
less what the running allocations hold (``nomad/structs/funcs.go: AllocsFit`` compares
allocations against ``Node.ComparableResources`` minus ``ComparableReservedResources``), the
same ledger placement reads. A node counts as eligible when ``Node.Ready()`` is true: status
ready, scheduling eligible and not draining (``nomad/structs/structs.go: Node.Ready``).
"""

from __future__ import annotations

import msgspec
import numpy as np

from models import Node

from ..core.class_labels import table_class_labels
from ..core.nodetable import NodeTable, first_positions, intern
from ..io import ResolvedScenario
from ..placement import Ledger
from ..whatif.outcome import existing_allocations

RESOURCES = (("cpu_mhz", "CPU MHz"), ("memory_mib", "memory MiB"), ("disk_mib", "disk MiB"))


class Amounts(msgspec.Struct, frozen=True):
    """One resource summed over a class's nodes."""

    capacity: int
    reserved: int
    allocated: int

    @property
    def free(self) -> int:
        """Negative when the running allocations hold more than the node offers."""
        return self.capacity - self.reserved - self.allocated

    def to_json(self) -> dict[str, int]:
        return {
            "capacity": self.capacity,
            "reserved": self.reserved,
            "allocated": self.allocated,
            "free": self.free,
        }


class InventoryRow(msgspec.Struct, frozen=True):
    """The nodes of one scenario node group that share one computed class."""

    node_group: str
    class_code: int
    label: str
    representative: Node
    nodes: int
    ready: int
    eligible: int
    draining: int
    allocations: int
    cpu_mhz: Amounts
    memory_mib: Amounts
    disk_mib: Amounts

    def amounts(self) -> dict[str, Amounts]:
        return {key: getattr(self, key) for key, _ in RESOURCES}


def _node_numbers(node: Node) -> tuple[int, ...]:
    """Capacity and reserved CPU, memory and disk of one node, and its three status flags."""
    res, rsv = node.node_resources, node.reserved_resources
    return (
        res.cpu.cpu_shares,
        res.memory.memory_mb,
        res.disk.disk_mb,
        rsv.cpu.cpu_shares,
        rsv.memory.memory_mb,
        rsv.disk.disk_mb,
        node.status == "ready",
        node.ready(),
        node.drain or node.drain_strategy is not None,
    )


def node_inventory(resolved: ResolvedScenario) -> list[InventoryRow]:
    """One row per (node group, computed class), in the order the nodes come."""
    table = NodeTable(resolved.nodes)
    if not table.n:
        return []
    ledger = Ledger.for_table(table)
    held = np.zeros(table.n, dtype=np.int64)
    for alloc in existing_allocations(resolved):
        if not alloc.failed:
            ledger.occupy(alloc.node_index, alloc.cpu, alloc.memory_mb, alloc.disk_mb)
            held[alloc.node_index] += 1
    numbers = np.array([_node_numbers(n) for n in table.nodes], dtype=np.int64)
    group_codes, group_names = intern(list(resolved.node_group_of))
    keys = group_codes.astype(np.int64) * table.class_count + table.class_codes
    row_keys, rows = intern(keys.tolist())
    n_rows = len(rows)

    def total(column: np.ndarray) -> list[int]:
        return np.bincount(row_keys, weights=column, minlength=n_rows).round().astype(int).tolist()

    used = [total(ledger.cpu), total(ledger.memory_mb), total(ledger.disk_mb)]
    sums = [total(numbers[:, k]) for k in range(9)]
    counts, allocs = np.bincount(row_keys, minlength=n_rows).tolist(), total(held)
    labels = table_class_labels(table)
    out = []
    for r, first in enumerate(first_positions(row_keys, n_rows).tolist()):
        code = int(table.class_codes[first])
        amounts = [Amounts(sums[d][r], sums[3 + d][r], used[d][r]) for d in range(3)]
        out.append(
            InventoryRow(
                group_names[int(group_codes[first])],
                code,
                labels[code],
                table.nodes[first],
                counts[r],
                sums[6][r],
                sums[7][r],
                sums[8][r],
                allocs[r],
                *amounts,
            )
        )
    return out
