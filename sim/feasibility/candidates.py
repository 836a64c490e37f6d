"""Which nodes an evaluation considers at all: ready, in the job's pool and datacenters.

``readyNodesInDCsAndPool`` (scheduler/util.go) runs before any metric is counted: nodes it
drops appear nowhere in NodesEvaluated or NodesFiltered.
"""

from __future__ import annotations

import msgspec
import numpy as np

from models import Job

from ..core.globs import glob_match
from ..core.nodetable import NodeTable

ALL_POOLS = "all"


class Candidates(msgspec.Struct, frozen=True):
    """Candidate node indices (table order) and the per-datacenter count Nomad reports."""

    indices: np.ndarray
    nodes_available: dict[str, int]
    key: tuple[str, tuple[str, ...]]

    def shuffled(self, seed: int) -> np.ndarray:
        """The visit order: Nomad shuffles candidates once per evaluation (``ShuffleNodes``)."""
        return np.random.default_rng(seed).permutation(self.indices)


def in_pool(pool: str, job_pool: str) -> bool:
    """Pool ``all`` (or empty) sees every node; any other pool only its own nodes."""
    return job_pool in (ALL_POOLS, "") or pool == job_pool


def in_datacenters(datacenter: str, patterns: list[str]) -> bool:
    return any(glob_match(p, datacenter) for p in patterns)


def candidate_nodes(table: NodeTable, job: Job) -> Candidates:
    """Cached per (pool, datacenters): most jobs of a cluster share them."""
    key = (job.node_pool, tuple(job.datacenters))
    return table.cached_mask(("candidates", key), lambda: _candidates(table, key))


def _candidates(table: NodeTable, key: tuple[str, tuple[str, ...]]) -> Candidates:
    job_pool, datacenters = key
    pool = table.column("${node.pool}")
    pool_ok = np.array([in_pool(v, job_pool) for v in pool.values], dtype=bool)[pool.codes]
    dc = table.column("${node.datacenter}")
    dc_ok = np.array([in_datacenters(v, list(datacenters)) for v in dc.values], dtype=bool)
    keep = pool_ok & table.ready & dc_ok[dc.codes]
    indices = np.flatnonzero(keep)
    counts = np.bincount(dc.codes[indices], minlength=len(dc.values))
    available = {dc.values[i]: int(c) for i, c in enumerate(counts) if c}
    return Candidates(indices, available, key)
