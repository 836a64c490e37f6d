"""The cluster as it is: the scenario simulated once, every allocation then running.

Capacity, resilience and headroom all start from the same state: the scenario's own
``allocations`` plus whatever its jobs place (``run_resolved``). That state is handed to
later evaluations as ``ExistingAlloc`` rows, so they see the same used CPU, memory, disk,
ports and cores, and the same per-job counts (distinct_hosts, anti-affinity, spread).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from models import Job, TaskGroup

from ..core.errors import InputError
from ..core.metrics import AllocMetric
from ..core.nodetable import NodeTable
from ..feasibility import COMPUTED_CLASS_INELIGIBLE
from ..io import ResolvedScenario
from ..placement import ExistingAlloc, Ledger, PlacementPlan
from ..placement.deployment import start_problems_per_node
from ..whatif import ScenarioRun, run_resolved
from ..whatif.outcome import existing_allocations

SYSTEM_TYPES = ("system", "sysbatch")
SCOPES = {
    "datacenter": "${node.datacenter}",
    "node_pool": "${node.pool}",
    "node_class": "${node.class}",
}


@dataclass
class Cluster:
    """A resolved scenario after its jobs are placed: the starting point of every question."""

    resolved: ResolvedScenario
    run: ScenarioRun
    seed: int
    running: list[ExistingAlloc] = field(default_factory=list)
    # Device instances held by placed allocations: (node, node device index, instances).
    device_use: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def table(self) -> NodeTable:
        return self.run.table

    @property
    def plan(self) -> PlacementPlan:
        return self.run.plan

    @property
    def algorithm(self) -> str:
        return self.resolved.scenario.scheduler.algorithm

    @property
    def memory_oversubscription(self) -> bool:
        return self.resolved.scenario.scheduler.memory_oversubscription

    def job(self, job_id: str) -> Job:
        for job in self.resolved.jobs:
            if job.id == job_id:
                return job
        known = ", ".join(j.id for j in self.resolved.jobs) or "none"
        raise InputError(f"no job {job_id!r} in {self.resolved.source} (jobs: {known})")

    @cached_property
    def ledger(self) -> Ledger:
        """Usage per node with every running allocation accounted (devices included)."""
        ledger = Ledger.for_table(self.table)
        for alloc in self.running:
            alloc.occupy(ledger, self.table.nodes[alloc.node_index])
        for node, device, count in self.device_use:
            held = ledger.devices.setdefault(node, {})
            held[device] = held.get(device, 0) + count
        return ledger

    @cached_property
    def by_node(self) -> dict[int, list[int]]:
        """Positions in ``running`` of the allocations on each node."""
        out: dict[int, list[int]] = defaultdict(list)
        for i, alloc in enumerate(self.running):
            out[alloc.node_index].append(i)
        return out

    def scope_labels(self, scope: str) -> np.ndarray:
        """Per node its datacenter, node pool or node class (``-`` for an empty class)."""
        column = self.table.column(SCOPES[scope])
        values = np.array([v or "-" for v in column.values], dtype=object)
        return values[column.codes]


def running_allocations(
    plan: PlacementPlan,
) -> tuple[list[ExistingAlloc], list[tuple[int, int, int]]]:
    """Every allocation the plan placed, as running allocations, and their device instances."""
    running: list[ExistingAlloc] = []
    devices: list[tuple[int, int, int]] = []
    for job in plan.jobs:
        for group in job.groups:
            ask = group.ask
            for k, node in enumerate(group.nodes):
                offer = group.offers.get(k)
                ports = tuple(value for _, value in offer.ports) if offer else ()
                cores = len(offer.cores) if offer else 0
                running.append(
                    ExistingAlloc(
                        job.job.id,
                        group.name,
                        node,
                        group.cpu[k],
                        ask.memory_mb,
                        ask.disk_mb,
                        ports,
                        cores,
                    )
                )
                if offer:
                    devices.extend((node, d, count) for d, count in offer.devices)
    return running, devices


def current_cluster(resolved: ResolvedScenario, seed: int = 0) -> Cluster:
    """Simulate the scenario once and keep what runs afterwards."""
    run = run_resolved(resolved, seed)
    placed, devices = running_allocations(run.plan)
    return Cluster(resolved, run, seed, existing_allocations(resolved) + placed, devices)


def cannot_start(table: NodeTable, group: TaskGroup, nodes: list[int]) -> int:
    """How many of these placements cannot start where they landed (Bug #17: a Linux image
    on a Windows Docker node stays pending)."""
    problems = start_problems_per_node(group, [table.nodes[n] for n in nodes])
    return sum(1 for found in problems if found)


def failure_reason(metric: AllocMetric) -> str:
    """What stopped a placement, in the words of Nomad's metric: the dimension exhausted on
    most nodes (the feasible nodes ran out), else the filter that removed most nodes
    (``computed class ineligible`` only when no check is named)."""
    if metric.nodes_evaluated == 0:
        return "no nodes were eligible for evaluation"
    if metric.dimension_exhausted:
        dimension, nodes = Counter(metric.dimension_exhausted).most_common(1)[0]
        return f"{dimension} exhausted on {nodes} nodes"
    filtered = Counter(metric.constraint_filtered)
    named = Counter({k: v for k, v in filtered.items() if k != COMPUTED_CLASS_INELIGIBLE})
    reason, nodes = (named or filtered).most_common(1)[0]
    return f"{reason}: {nodes} nodes excluded by filter"
