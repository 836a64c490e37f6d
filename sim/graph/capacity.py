"""What a task group asks per allocation, what each node has free, and how many fit.

Resources are vectors over four dimensions, ``DIMENSIONS``: CPU MHz, memory MB, disk MB
and allocation slots. The slot dimension models ``Node.NodeMaxAllocs`` (every allocation
asks one slot; a node without a limit has ``UNLIMITED`` slots), so one vectorized
:func:`allocations_fit` covers ``structs.AllocsFit``'s checks that the graph can see.

Nodes are interned by (computed class, free vector): hundreds of distinct rows even for
100,000 nodes, so per-group work is one ``np.bincount`` over nodes plus O(rows) arithmetic.
"""

from __future__ import annotations

import weakref

import msgspec
import numpy as np

from models import Job, TaskGroup

from ..core.nodetable import NodeTable, first_positions
from ..placement import Ledger
from ..placement import group_ask as placement_ask

DIMENSIONS = ("cpu", "memory_mb", "disk_mb", "allocs")
UNLIMITED = 1 << 40
_GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def group_ask(group: TaskGroup) -> np.ndarray:
    """Per-allocation ask ``[cpu, memory_mb, disk_mb, 1]``, from the placement engine's ask.

    ``sim.placement.group_ask`` follows ``scheduler/feasible/rank.go: BinPackIterator.Next``
    (lifecycle phases, ``secrets`` in memory,
    ``ephemeral_disk`` once). Tasks with ``cores`` count 0 MHz here (their MHz depend on
    the cores picked), which only loosens the bounds.

    >>> from models import TaskGroup
    >>> group_ask(TaskGroup.model_validate({"tasks": [{"resources": {"cpu": 500}}]})).tolist()
    [500, 300, 300, 1]
    """
    ask = placement_ask(group)
    return np.array([ask.cpu, ask.memory_mb, ask.disk_mb, 1], dtype=np.int64)


def _enabled(constraints: list) -> bool:
    """The first ``distinct_hosts`` constraint decides: RTarget "" or not Go-false → on."""
    for c in constraints:
        if c.operand == "distinct_hosts":
            return c.r_target not in _GO_FALSE
    return False


def distinct_hosts_scope(job: Job, group: TaskGroup) -> str:
    """``"job"``, ``"group"`` or ``""``: where ``DistinctHostsIterator`` enforces one per node.

    Job level means one allocation *of the job* per node; group level, one of the group.
    Task-level ``distinct_hosts`` is ignored, as in Nomad
    (``scheduler/feasible/feasible.go: DistinctHostsIterator.SetTaskGroup``).
    """
    if _enabled(job.constraints):
        return "job"
    return "group" if _enabled(group.constraints) else ""


def allocations_fit(free: np.ndarray, ask: np.ndarray, cap: int | np.ndarray) -> np.ndarray:
    """How many allocations of ``ask`` fit in ``free`` (broadcast over rows), at most ``cap``.

    >>> allocations_fit(np.array([[4000, 1000, 900, UNLIMITED]]), np.array([500, 300, 300, 1]), 9)
    array([3])
    """
    per_dim = np.where(ask > 0, free // np.maximum(ask, 1), UNLIMITED)
    return np.minimum(per_dim.min(axis=-1), cap)


class NodeCapacity(msgspec.Struct, frozen=True):
    """Nodes interned by (computed class, free vector): ``free[codes[i]]`` is node i's."""

    codes: np.ndarray
    free: np.ndarray
    klass: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.klass)


_CACHE: weakref.WeakKeyDictionary[NodeTable, NodeCapacity] = weakref.WeakKeyDictionary()


def node_capacity(table: NodeTable) -> NodeCapacity:
    """The table's capacity rows, built once per table from the placement engine's columns.

    Free = node resources minus reserved (no running allocations), clipped at 0; a node
    without ``max_allocs`` has ``UNLIMITED`` slots.
    """
    cached = _CACHE.get(table)
    if cached is None:
        cap = Ledger.for_table(table).capacity
        slots = np.where(cap.max_allocs > 0, cap.max_allocs, UNLIMITED)
        free = np.maximum(
            np.stack([cap.cpu, cap.memory_mb, cap.disk_mb, slots], axis=1).astype(np.int64), 0
        )
        # Distinct free vectors found per resource description (few), then per node, so the
        # row key is a 1-D (computed class, free vector) code.
        shape_first = first_positions(cap.shapes, int(cap.shapes.max(initial=-1)) + 1)
        _, shape_value = np.unique(free[shape_first], axis=0, return_inverse=True)
        value = shape_value.reshape(-1)[cap.shapes]
        combined = table.class_codes.astype(np.int64) * (int(value.max(initial=0)) + 1) + value
        _, first, codes = np.unique(combined, return_index=True, return_inverse=True)
        cached = NodeCapacity(codes.reshape(-1), free[first], table.class_codes[first])
        _CACHE[table] = cached
    return cached
