"""Scheduler configuration a node pool may carry of its own."""

from __future__ import annotations

import msgspec


class PoolScheduler(msgspec.Struct, frozen=True):
    """A node pool's ``SchedulerConfiguration`` (nomad/structs/node_pool.go): what it sets
    overrides the cluster's for the jobs of that pool (``SchedulerConfiguration.WithNodePool``,
    nomad/structs/operator.go); "" and None leave the cluster's value."""

    algorithm: str = ""
    memory_oversubscription: bool | None = None
