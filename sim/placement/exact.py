"""Is there ANY assignment that places everything? Exhaustive search beside Nomad's heuristic.

Nomad scores a handful of sampled nodes per allocation and never backtracks, so a failed
placement may only mean its greedy choices were unlucky. For small inputs this module searches
every assignment (backtracking, allocations of one group interchangeable) with the same
feasibility verdicts, fit rules (CPU, cores, memory, disk, max allocs, static and dynamic
ports, device instances) and distinct_hosts / distinct_property limits. Service and batch jobs
only: a system job's count is "one per feasible node", not a packing question.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from models import Job, Node

from ..core.nodetable import NodeTable
from ..feasibility import PASS, device_matches, evaluate_job, healthy_instances
from .distinct import DistinctRules, distinct_rules, job_property_sets
from .resources import GroupAsk, NodeCapacity, group_ask

MAX_NODES = 12
MAX_ALLOCS = 20


@dataclass
class ExactResult:
    """``feasible`` is None when the search budget ran out before an answer."""

    feasible: bool | None
    assignment: list[tuple[str, str, int, int]] = field(default_factory=list)
    explored: int = 0


@dataclass
class _Item:
    job: Job
    group: str
    ask: GroupAsk
    rules: DistinctRules
    nodes: list[int]
    cpu: np.ndarray


class _State:
    """Remaining capacity per node, updated and undone as the search goes."""

    def __init__(self, table: NodeTable, cap: NodeCapacity):
        self.table = table
        self.cap = cap
        self.cpu = cap.cpu.copy()
        self.mem = cap.memory_mb.copy()
        self.disk = cap.disk_mb.copy()
        self.allocs = np.zeros(table.n, dtype=np.int64)
        self.cores = np.array([len(c) for c in cap.usable_cores])
        self.ports: list[set[int]] = [set(p) for p in cap.reserved_ports]
        self.devices = [
            [healthy_instances(d) for d in n.node_resources.devices] for n in table.nodes
        ]
        self.jobs: list[dict[str, int]] = [{} for _ in range(table.n)]
        self.groups: list[dict[tuple[str, str], int]] = [{} for _ in range(table.n)]

    def take(self, item: _Item, node: int) -> tuple | None:
        """Apply one allocation; return an undo record, or None when it does not fit."""
        ask, cap = item.ask, self.cap
        if (cap.max_allocs[node] and self.allocs[node] + 1 > cap.max_allocs[node]) or (
            self.cores[node] < ask.cores
            or self.cpu[node] < item.cpu[node]
            or self.mem[node] < ask.memory_mb
            or self.disk[node] < ask.disk_mb
        ):
            return None
        static = {p.value for p in ask.reserved_ports}
        if len(static) < len(ask.reserved_ports) or static & self.ports[node]:
            return None
        low, high = cap.dynamic_range[node]
        taken = self.ports[node] | static
        free = range(low, high + 1)
        dynamic: list[int] = []
        for port in free:
            if len(dynamic) == len(ask.dynamic_ports):
                break
            if port not in taken:
                dynamic.append(port)
        if len(dynamic) < len(ask.dynamic_ports):
            return None
        devices = self._devices(self.table.nodes[node], node, ask)
        if devices is None:
            return None
        self.cpu[node] -= item.cpu[node]
        self.mem[node] -= ask.memory_mb
        self.disk[node] -= ask.disk_mb
        self.allocs[node] += 1
        self.cores[node] -= ask.cores
        new_ports = static | set(dynamic)
        self.ports[node] |= new_ports
        for d, count in devices:
            self.devices[node][d] -= count
        key = (item.job.id, item.group)
        self.jobs[node][item.job.id] = self.jobs[node].get(item.job.id, 0) + 1
        self.groups[node][key] = self.groups[node].get(key, 0) + 1
        for pset in item.rules.property_sets:
            if pset.counts_for(item.group):
                pset.add(node)
        return (new_ports, devices)

    def undo(self, item: _Item, node: int, record: tuple) -> None:
        new_ports, devices = record
        ask = item.ask
        self.cpu[node] += item.cpu[node]
        self.mem[node] += ask.memory_mb
        self.disk[node] += ask.disk_mb
        self.allocs[node] -= 1
        self.cores[node] += ask.cores
        self.ports[node] -= new_ports
        for d, count in devices:
            self.devices[node][d] += count
        self.jobs[node][item.job.id] -= 1
        self.groups[node][(item.job.id, item.group)] -= 1
        for pset in item.rules.property_sets:
            if pset.counts_for(item.group):
                pset.counts[pset.codes[node]] -= 1 if pset.found[pset.codes[node]] else 0

    def _devices(self, node: Node, index: int, ask: GroupAsk) -> list[tuple[int, int]] | None:
        free = list(self.devices[index])
        out = []
        for request in ask.devices:
            for d, device in enumerate(node.node_resources.devices):
                if free[d] >= request.count and device_matches(device, request):
                    free[d] -= request.count
                    out.append((d, request.count))
                    break
            else:
                return None
        return out

    def distinct_ok(self, item: _Item, node: int) -> bool:
        if item.rules.job_hosts and self.jobs[node].get(item.job.id, 0):
            return False
        if (item.rules.job_hosts or item.rules.group_hosts) and self.groups[node].get(
            (item.job.id, item.group), 0
        ):
            return False
        return all(bool(p.mask(np.array([node]))[0]) for p in item.rules.property_sets)


def exact_placement(
    nodes_or_table: NodeTable | Sequence[Node],
    jobs: Iterable[Job],
    *,
    budget: int = 2_000_000,
    max_nodes: int = MAX_NODES,
    max_allocs: int = MAX_ALLOCS,
) -> ExactResult:
    """Whether every allocation of the service/batch ``jobs`` can be placed at once."""
    table = nodes_or_table if isinstance(nodes_or_table, NodeTable) else NodeTable(nodes_or_table)
    jobs = [j for j in jobs if j.type not in ("system", "sysbatch")]
    total = sum(g.count for j in jobs for g in j.task_groups)
    if table.n > max_nodes or total > max_allocs:
        raise ValueError(
            f"exact search is for small inputs (≤ {max_nodes} nodes, ≤ {max_allocs} allocations);"
            f" got {table.n} nodes and {total} allocations"
        )
    cap = NodeCapacity.of(table.nodes)
    items: list[tuple[_Item, int]] = []
    for job in jobs:
        feasibility = evaluate_job(table, job)
        job_sets = job_property_sets(table, job)
        for group, result in zip(job.task_groups, feasibility.groups, strict=True):
            ask = group_ask(group)
            cpu = np.broadcast_to(np.asarray(ask.cpu_on(cap.mhz_per_core), dtype=float), (table.n,))
            item = _Item(
                job,
                group.name,
                ask,
                distinct_rules(table, job, group, job_sets),
                sorted(result.order[result.verdicts == PASS].tolist()),
                cpu,
            )
            items.extend((item, index) for index in range(group.count))
    items.sort(key=lambda pair: (len(pair[0].nodes), -pair[0].ask.memory_mb, id(pair[0]), pair[1]))
    state = _State(table, cap)
    chosen: list[int] = []
    explored = 0

    def search(k: int) -> bool | None:
        nonlocal explored
        if k == len(items):
            return True
        item, _ = items[k]
        same_as_previous = k > 0 and items[k - 1][0] is item
        start = chosen[-1] if same_as_previous else -1
        for node in item.nodes:
            if node < start or not state.distinct_ok(item, node):
                continue
            explored += 1
            if explored > budget:
                return None
            record = state.take(item, node)
            if record is None:
                continue
            chosen.append(node)
            found = search(k + 1)
            if found is not False:
                return found
            chosen.pop()
            state.undo(item, node, record)
        return False

    found = search(0)
    assignment = (
        [
            (item.job.id, item.group, index, node)
            for (item, index), node in zip(items, chosen, strict=True)
        ]
        if found
        else []
    )
    return ExactResult(found, assignment, explored)
