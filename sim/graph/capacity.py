"""What a task group asks per allocation, what each node has free, and how many fit.

Resources are vectors over four dimensions, ``DIMENSIONS``: CPU MHz, memory MB, disk MB
and allocation slots. The slot dimension models ``Node.NodeMaxAllocs`` (every allocation
asks one slot; a node without a limit has ``UNLIMITED`` slots), so one vectorized
:func:`allocations_fit` covers ``structs.AllocsFit``'s checks that the graph can see.

Nodes are interned by (computed class, free vector): tens of distinct rows even for
100,000 nodes, so per-group work is one ``np.bincount`` over nodes plus O(rows) arithmetic.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from models import Job, Node, TaskGroup

from ..nodetable import NodeTable, intern

DIMENSIONS = ("cpu", "memory_mb", "disk_mb", "allocs")
UNLIMITED = 1 << 40
_GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def group_ask(group: TaskGroup) -> np.ndarray:
    """Per-allocation ask ``[cpu, memory_mb, disk_mb, 1]`` as ``BinPackIterator`` sums it.

    Memory includes ``secrets``; disk is the group's ``ephemeral_disk`` once. Lifecycle
    tasks follow §e.1: the element-wise max of prestart (non-sidecar) tasks, main tasks
    (with sidecars and poststart), and poststop tasks. ``cores`` tasks ask 0 MHz here
    (their MHz depend on which cores are picked), which only loosens the bounds.

    >>> from models import TaskGroup
    >>> group_ask(TaskGroup.model_validate({"tasks": [{"resources": {"cpu": 500}}]})).tolist()
    [500, 300, 300, 1]
    """
    phases = {"prestart": np.zeros(2, np.int64), "main": np.zeros(2, np.int64),
              "poststop": np.zeros(2, np.int64)}
    for task in group.tasks:
        r = task.resources
        lifecycle = task.lifecycle
        phase = "main"
        if lifecycle is not None and lifecycle.hook in ("prestart", "poststop"):
            phase = "main" if lifecycle.sidecar else lifecycle.hook
        phases[phase] += (r.cpu, r.memory_mb + r.secrets_mb)
    cpu, memory = np.max(list(phases.values()), axis=0)
    return np.array([cpu, memory, group.ephemeral_disk.size_mb, 1], dtype=np.int64)


def _enabled(constraints: list) -> bool:
    """The first ``distinct_hosts`` constraint decides: RTarget "" or not Go-false → on."""
    for c in constraints:
        if c.operand == "distinct_hosts":
            return c.r_target not in _GO_FALSE
    return False


def distinct_hosts_scope(job: Job, group: TaskGroup) -> str:
    """``"job"``, ``"group"`` or ``""``: where ``DistinctHostsIterator`` enforces one per node.

    Job level means one allocation *of the job* per node; group level, one of the group.
    Task-level ``distinct_hosts`` is ignored, as in Nomad (§d.1).
    """
    if _enabled(job.constraints):
        return "job"
    return "group" if _enabled(group.constraints) else ""


def node_free(node: Node) -> tuple[int, int, int, int]:
    """Node resources minus reserved, and its allocation limit (no running allocations)."""
    res, rsv = node.node_resources, node.reserved_resources
    return (
        max(res.cpu.cpu_shares - rsv.cpu.cpu_shares, 0),
        max(res.memory.memory_mb - rsv.memory.memory_mb, 0),
        max(res.disk.disk_mb - rsv.disk.disk_mb, 0),
        node.node_max_allocs if node.node_max_allocs > 0 else UNLIMITED,
    )


def allocations_fit(free: np.ndarray, ask: np.ndarray, cap: int | np.ndarray) -> np.ndarray:
    """How many allocations of ``ask`` fit in ``free`` (broadcast over rows), at most ``cap``.

    >>> allocations_fit(np.array([[4000, 1000, 900, UNLIMITED]]), np.array([500, 300, 300, 1]), 9)
    array([3])
    """
    per_dim = np.where(ask > 0, free // np.maximum(ask, 1), UNLIMITED)
    return np.minimum(per_dim.min(axis=-1), cap)


@dataclass(frozen=True)
class NodeCapacity:
    """Nodes interned by (computed class, free vector): ``free[codes[i]]`` is node i's."""

    codes: np.ndarray
    free: np.ndarray
    klass: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.klass)


_CACHE: weakref.WeakKeyDictionary[NodeTable, NodeCapacity] = weakref.WeakKeyDictionary()


def node_capacity(table: NodeTable) -> NodeCapacity:
    """The table's capacity rows, built once per table (one pass over the node models)."""
    cached = _CACHE.get(table)
    if cached is None:
        keys = [(int(c), node_free(n)) for c, n in zip(table.class_codes, table.nodes, strict=True)]
        codes, rows = intern(keys)
        free = np.array([r[1] for r in rows], dtype=np.int64).reshape(-1, len(DIMENSIONS))
        klass = np.array([r[0] for r in rows], dtype=np.int64)
        cached = _CACHE[table] = NodeCapacity(codes, free, klass)
    return cached
