"""The scalar reference of placement: Nomad's iterator chain, one node pulled at a time.

Written from scheduler/feasible/stack.go (``NewGenericStack``, ``NewSystemStack``), rank.go,
spread.go, propertyset.go, select.go, scheduler/generic_sched.go and scheduler_system.go; it
shares nothing with the windowed, vectorized Select but the scalar feasibility reference
(``ReferenceWrapper``), the one-constraint core (``resolve_target``, ``check_constraint``), the
input models and the chain's declaration (``chain.GENERIC_CHAIN``: order, names, and each
scorer's scalar ``reference`` function, written apart from its vectorised ``score``). Slow and
plain on purpose: property tests hold ``simulate`` equal to it.

Inputs it does not model (device requests, reserved cores, lifecycle phases, task-level
networks) raise ``ValueError`` rather than be answered wrongly.

Preemption (``evict=True`` in ``BinPackIterator``) asks the shared ``preemption`` module,
Nomad's ``Preemptor`` on plain values, which victims a node gives up; everything around it
(when to evict, the scores, applying the evictions, the evicted jobs' new evaluations) is
written here again from generic_sched.go, scheduler_system.go and plan_apply.go.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import msgspec
import numpy as np

from models import Job, Node, TaskGroup

from ..core.metrics import AllocMetric
from ..core.targets import resolve_target
from ..feasibility import ReferenceWrapper, network_asks, reference_candidates
from .chain import GENERIC_CHAIN, SYSTEM_CHAIN, ReferenceOption
from .config import PoolScheduler
from .limit import Ranked, max_score
from .preemption import (
    Amount,
    Holding,
    NetworkUse,
    NodeRoom,
    PreemptAsk,
    preempt_stages,
    preemption_switches,
    replacement_jobs,
    updated_by,
    with_job_settings,
)
from .resources import parse_port_list

MAX_RETAINED_NODE_SCORES = 5
IMPLICIT_TARGET = "*"
DEFAULT_NODE_LIMIT = 100  # SchedulerConfiguration.NodeLimitForFeasibilityChecks default


# ---------------------------------------------------------------------------- allocations


@dataclass
class RefAlloc:
    """An allocation as the iterators see it: which job/group, on which node, what it holds."""

    job_id: str
    group: str
    node: int
    cpu: float
    memory_mb: float
    disk_mb: float
    ports: tuple[int, ...] = ()
    failed: bool = False  # client status failed: terminal, only a reschedule penalty
    previous_nodes: tuple[int, ...] = ()  # RescheduleTracker events' PrevNodeID
    priority: int | None = None  # its job version's priority (None: the job's, else 50)
    max_parallel: int | None = None  # its group's migrate.max_parallel
    evicted: bool = False  # preempted by a placement


@dataclass
class Cluster:
    """Nodes and every allocation on them (existing, then placed in order)."""

    nodes: Sequence[Node]
    allocs: list[RefAlloc] = field(default_factory=list)

    def proposed(self, node: int) -> list[RefAlloc]:
        """``ctx.ProposedAllocs``: the node's non-terminal allocations, less preempted ones."""
        return [a for a in self.allocs if a.node == node and not a.failed and not a.evicted]

    def job_allocs(self, job_id: str, group: str = "") -> list[RefAlloc]:
        return [
            a
            for a in self.allocs
            if a.job_id == job_id
            and not a.failed
            and not a.evicted
            and (not group or a.group == group)
        ]


# ----------------------------------------------------------------------------- the metric


class ScoreHeap:
    """``kheap.ScoreHeap``: a min-heap of at most 5 entries by normalized score, driven by
    Go's container/heap (``Push`` then ``up``; ``Pop`` swaps the root to the end, ``down``)."""

    def __init__(self, capacity: int = MAX_RETAINED_NODE_SCORES) -> None:
        self.items: list[dict] = []
        self.capacity = capacity

    def push(self, item: dict) -> None:
        """``heap.Push``: the type's ``Push``, then ``up`` from the last index."""
        if len(self.items) < self.capacity:
            self.items.append(item)
        elif item["NormScore"] > self.items[0]["NormScore"]:
            self.items[0] = item
            self._fix(0)
        self._up(len(self.items) - 1)

    def items_reverse(self) -> list[dict]:
        """``GetItemsReverse``: pop everything, highest first."""
        out = []
        while self.items:
            n = len(self.items) - 1
            self._swap(0, n)
            self._down(0, n)
            out.append(self.items.pop())
        return out[::-1]

    def _less(self, i: int, j: int) -> bool:
        return self.items[i]["NormScore"] < self.items[j]["NormScore"]

    def _swap(self, i: int, j: int) -> None:
        self.items[i], self.items[j] = self.items[j], self.items[i]

    def _up(self, j: int) -> None:
        while True:
            i = (j - 1) // 2
            if i == j or j <= 0 or not self._less(j, i):
                break
            self._swap(i, j)
            j = i

    def _down(self, i0: int, n: int) -> bool:
        i = i0
        while True:
            j1 = 2 * i + 1
            if j1 >= n or j1 < 0:
                break
            j = j1
            j2 = j1 + 1
            if j2 < n and self._less(j2, j1):
                j = j2
            if not self._less(j, i):
                break
            self._swap(i, j)
            i = j
        return i > i0

    def _fix(self, i: int) -> None:
        if not self._down(i, len(self.items)):
            self._up(i)


class Metric:
    """``AllocMetric`` as the iterators fill it during one Select (``ScoreNode`` included)."""

    def __init__(self) -> None:
        self.metric = AllocMetric()
        self.heap = ScoreHeap()
        self.current: dict | None = None

    def score_node(self, node: Node, name: str, score: float) -> None:
        if self.current is None or self.current["NodeID"] != (node.id or node.name):
            self.current = {
                "NodeID": node.id or node.name,
                "NodeName": node.name,
                "NormScore": 0.0,
                "Scores": {},
            }
        if name == "normalized-score":
            self.current["NormScore"] = score
            self.heap.push(self.current)
            self.current = None
        else:
            self.current["Scores"][name] = score

    def populate_score_metadata(self) -> None:
        self.metric.score_metadata = self.heap.items_reverse()


# ------------------------------------------------------------------------------ the ask


class Ask(msgspec.Struct, frozen=True):
    cpu: int
    memory_mb: int
    disk_mb: int
    reserved_ports: tuple[tuple[str, int], ...]
    dynamic_ports: int
    task_cpu_memory: tuple[tuple[str, int, int], ...]


def reference_ask(group: TaskGroup) -> Ask:
    """Summed task resources of one allocation (``AllocatedResources.Comparable``)."""
    for task in group.tasks:
        res = task.resources
        if res.devices or res.cores or task.lifecycle or res.networks:
            raise ValueError(
                f"group {group.name!r}: devices, cores, lifecycles and task networks are "
                "not modelled by the placement reference"
            )
    network = group.networks[0] if group.networks else None
    return Ask(
        cpu=sum(t.resources.cpu for t in group.tasks),
        memory_mb=sum(t.resources.memory_mb + t.resources.secrets_mb for t in group.tasks),
        disk_mb=group.ephemeral_disk.size_mb,
        reserved_ports=tuple((p.label, p.value) for p in network.reserved_ports) if network else (),
        dynamic_ports=len(network.dynamic_ports) if network else 0,
        task_cpu_memory=tuple(
            (t.name, t.resources.cpu, t.resources.memory_mb) for t in group.tasks
        ),
    )


# --------------------------------------------------------------------------- the iterators


def fit_score(algorithm: str, node: Node, cpu_used: float, memory_used: float) -> float:
    """``ScoreFitBinPack`` / ``ScoreFitSpread`` (nomad/structs/funcs.go)."""
    res, rsv = node.node_resources, node.reserved_resources
    node_cpu = float(res.cpu.cpu_shares - rsv.cpu.cpu_shares)
    node_mem = float(res.memory.memory_mb - rsv.memory.memory_mb)
    free_cpu = 1 - cpu_used / node_cpu
    free_mem = 1 - memory_used / node_mem
    total = math.pow(10, free_cpu) + math.pow(10, free_mem)
    score = 20.0 - total if algorithm == "binpack" else total - 2.0
    return min(max(score, 0.0), 18.0)


def binpack_failure(cluster: Cluster, node_index: int, ask: Ask) -> str | None:
    """``BinPackIterator.Next`` up to ``AllocsFit``: the dimension that exhausts the node."""
    node = cluster.nodes[node_index]
    try:
        reserved = parse_port_list(node.reserved_resources.networks.reserved_host_ports)
    except ValueError:
        return "network: invalid node"
    proposed = cluster.proposed(node_index)
    used = set(reserved)
    for alloc in proposed:
        for port in alloc.ports:
            if port in used:
                return "network: port collision"
            used.add(port)
    if ask.reserved_ports or ask.dynamic_ports:
        for label, value in ask.reserved_ports:
            if value in used:
                return f"network: reserved port collision {label}={value}"
            used.add(value)
        low, high = node.node_resources.min_dynamic_port, node.node_resources.max_dynamic_port
        free = sum(1 for p in range(low, high + 1) if p not in used)
        if free < ask.dynamic_ports:
            return "network: dynamic port selection failed"
    res, rsv = node.node_resources, node.reserved_resources
    if node.node_max_allocs and node.node_max_allocs < len(proposed) + 1:
        return "max allocation exceeded"
    if sum(a.cpu for a in proposed) + ask.cpu > res.cpu.cpu_shares - rsv.cpu.cpu_shares:
        return "cpu"
    if (
        sum(a.memory_mb for a in proposed) + ask.memory_mb
        > res.memory.memory_mb - rsv.memory.memory_mb
    ):
        return "memory"
    if sum(a.disk_mb for a in proposed) + ask.disk_mb > res.disk.disk_mb - rsv.disk.disk_mb:
        return "disk"
    return None


def _property(node: Node, attribute: str) -> tuple[str, bool]:
    """``getProperty``: an empty attribute is not found."""
    if not attribute:
        return "", False
    return resolve_target(attribute, node)


def _go_uint(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and int(text) < 2**64 else None


class DistinctProperty:
    """One ``distinct_property`` property set: allowed count, counted allocations."""

    def __init__(self, job: Job, constraint, group: str) -> None:
        self.job, self.group, self.attribute = job, group, constraint.l_target
        self.error = ""
        self.allowed = 1
        if constraint.r_target:
            value = _go_uint(constraint.r_target)
            if value is None:
                reason = "value out of range" if constraint.r_target.isdigit() else "invalid syntax"
                self.error = (
                    f'failed to convert RTarget "{constraint.r_target}" to uint64: '
                    f'strconv.ParseUint: parsing "{constraint.r_target}": {reason}'
                )
            else:
                self.allowed = value

    def failure(self, cluster: Cluster, node: Node) -> str | None:
        """``SatisfiesDistinctProperties``: the filter reason, or None."""
        if self.error:
            return self.error
        value, found = _property(node, self.attribute)
        if not found:
            return f'missing property "{self.attribute}"'
        used = 0
        for alloc in cluster.job_allocs(self.job.id, self.group):
            other, ok = _property(cluster.nodes[alloc.node], self.attribute)
            used += ok and other == value
        if used < self.allowed:
            return None
        return f"distinct_property: {self.attribute}={value} used by {used} allocs"


def _distinct_hosts(constraints) -> bool:
    for c in constraints:
        if c.operand == "distinct_hosts":
            return c.r_target not in ("0", "f", "F", "FALSE", "false", "False")
    return False


class Spread:
    """``SpreadIterator`` of one evaluation (spread.go), property sets per group."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.lowest = -1.0
        self.sum_weights = 0
        self.info: dict[str, dict[str, tuple[int, dict[str, float]]]] = {}

    def set_group(self, group: TaskGroup) -> None:
        if group.name in self.info:
            return
        infos = {}
        for spread in [*group.spreads, *self.job.spreads]:
            desired = {}
            total = 0.0
            for target in spread.spread_target:
                desired[target.value] = target.percent / 100 * group.count
                total += desired[target.value]
            if 0 < total < group.count:
                desired[IMPLICIT_TARGET] = group.count - total
            infos[spread.attribute] = (spread.weight, desired)
            self.sum_weights += spread.weight
        self.info[group.name] = infos

    def has_spreads(self, group: TaskGroup) -> bool:
        return bool(self.job.spreads or group.spreads)

    def score(self, cluster: Cluster, group: TaskGroup, node: Node) -> float:
        total = 0.0
        for spread in [*self.job.spreads, *group.spreads]:
            targets = {t.value for t in spread.spread_target}

            def targeted(value: str, targets=targets) -> str:
                return value if not targets or value in targets else IMPLICIT_TARGET

            use: dict[str, int] = {}
            for alloc in cluster.job_allocs(self.job.id, group.name):
                value, ok = _property(cluster.nodes[alloc.node], spread.attribute)
                if ok:
                    use[targeted(value)] = use.get(targeted(value), 0) + 1
            raw, found = _property(node, spread.attribute)
            if not found:
                total -= 1.0
                continue
            value = targeted(raw)
            weight, desired = self.info[group.name][spread.attribute]
            if not desired:
                total += _even_boost(use, raw)
                continue
            want = desired.get(value, desired.get(IMPLICIT_TARGET))
            if want is None:
                total -= 1.0
                continue
            if want == 0:
                total += self.lowest
                continue
            boost = (want - (use.get(value, 0) + 1)) / want * (weight / self.sum_weights)
            total += boost
            self.lowest = min(self.lowest, boost)
        return total


def _even_boost(use: dict[str, int], value: str) -> float:
    """``evenSpreadScoreBoost``."""
    if not use:
        return 0.0
    current = use.get(value, 0)
    low = min(use.values())
    high = max(use.values())
    delta = -1.0 if low == 0 else (low - current) / low
    if current != low:
        return delta
    if low == high:
        return -1.0
    return (high - low) / low


# ----------------------------------------------------------------------------- one Select


@dataclass
class Stack:
    """One evaluation's stack for one job (generic or system)."""

    cluster: Cluster
    job: Job
    order: list[int]
    algorithm: str
    wrapper: ReferenceWrapper
    spread: Spread
    system: bool = False
    limit: int = 2
    offset: int = 0
    preempted: Counter = field(default_factory=Counter)  # Plan.NodePreemptions, per group

    def select(
        self,
        group: TaskGroup,
        network,
        ask: Ask,
        penalty: frozenset[int] = frozenset(),
        evict: bool = False,
        preferred: int | None = None,
    ) -> tuple[Ranked | None, Metric]:
        """``GenericStack.Select`` / ``SystemStack.Select``. With a ``preferred`` node the
        source is that node alone, then the visit order again from its start (``SetNodes``
        resets the offset), over which the Select runs again if the node was no option."""
        if preferred is not None:
            order, self.order, self.offset = self.order, [preferred], 0
            option, metric = self.select(group, network, ask, penalty, evict)
            self.order, self.offset = order, 0
            if option is not None:
                return option, metric
            return self.select(group, network, ask, penalty, evict)
        metric = Metric()
        seen = [0]
        job_psets = [
            DistinctProperty(self.job, c, "")
            for c in self.job.constraints
            if c.operand == "distinct_property"
        ]
        group_psets = [
            DistinctProperty(self.job, c, group.name)
            for c in group.constraints
            if c.operand == "distinct_property"
        ]
        job_hosts = not self.system and _distinct_hosts(self.job.constraints)
        group_hosts = not self.system and _distinct_hosts(group.constraints)
        affinities = [*self.job.affinities, *group.affinities]
        for task in group.tasks:
            affinities.extend(task.affinities)
        spreads = not self.system and self.spread.has_spreads(group)

        def source() -> int | None:
            n = len(self.order)
            if seen[0] == n:
                return None
            node = self.order[self.offset % n]
            self.offset = (self.offset + 1) % n
            seen[0] += 1
            metric.metric.nodes_evaluated += 1
            return node

        def feasible() -> int | None:
            while True:
                index = source()
                if index is None:
                    return None
                node = self.cluster.nodes[index]
                reason = self.wrapper.check(node, group, network)
                if reason is None and (job_hosts or group_hosts):
                    for alloc in self.cluster.proposed(index):
                        same_job = alloc.job_id == self.job.id
                        if (job_hosts and same_job) or (same_job and alloc.group == group.name):
                            reason = "distinct_hosts"
                            break
                if reason is None:
                    for pset in [*job_psets, *group_psets]:
                        reason = pset.failure(self.cluster, node)
                        if reason is not None:
                            break
                if reason is not None:
                    metric.metric.filter_node(node.node_class, reason)
                    continue
                return index

        def ranked() -> Ranked | None:
            while True:
                index = feasible()
                if index is None:
                    return None
                node = self.cluster.nodes[index]
                dimension = binpack_failure(self.cluster, index, ask)
                proposed = self.cluster.proposed(index)
                cpu_used = sum(a.cpu for a in proposed) + ask.cpu
                memory_used = sum(a.memory_mb for a in proposed) + ask.memory_mb
                victims: tuple[int, ...] = ()
                if dimension is not None:
                    found = self._victims(index, ask, dimension) if evict else None
                    if found is None:
                        metric.metric.exhausted_node(node.node_class, dimension)
                        continue
                    victims, cpu_used, memory_used = found
                option = Ranked(index, victims=victims)
                facts = ReferenceOption(
                    fit=fit_score(self.algorithm, node, cpu_used, memory_used),
                    collisions=sum(
                        1 for a in proposed if a.job_id == self.job.id and a.group == group.name
                    ),
                    count=group.count,
                    penalized=index in penalty,
                    node=node,
                    affinities=affinities,
                    spread=partial(self.spread.score, self.cluster, group, node)
                    if spreads
                    else None,
                    victim_priorities=[_priority(self.cluster.allocs[i]) for i in victims],
                )
                for scorer in SYSTEM_CHAIN if self.system else GENERIC_CHAIN:
                    score = scorer.reference(facts)
                    if score is not None:
                        option.scores.append(score)
                        metric.score_node(node, scorer.name, score)
                    elif scorer.records_zero:
                        metric.score_node(node, scorer.name, 0.0)
                option.final = sum(option.scores) / len(option.scores)
                metric.score_node(node, "normalized-score", option.final)
                return option

        option = ranked() if self.system else max_score(ranked, self.limit)
        return option, metric

    def _victims(
        self, index: int, ask: Ask, dimension: str
    ) -> tuple[tuple[int, ...], float, float] | None:
        """``BinPackIterator`` with eviction: the victims on the node and the CPU and memory
        ``AllocsFit`` scores it by (those that leave before it, for the network, no longer
        count; none count when the node is still at its allocation limit), or None: still
        exhausted.

        The placing job's own allocations are left out of the room (``SetCandidates``) and a
        node the victims leave overcommitted stays exhausted (see ``evict``); so does a node
        whose network cannot be built or with no dynamic port left."""
        if dimension in (
            "network: invalid node",
            "network: port collision",
            "network: dynamic port selection failed",
        ):
            return None
        node = self.cluster.nodes[index]
        holdings, own = [], Amount()
        own_ports: list[int] = []
        for i, a in enumerate(self.cluster.allocs):
            if a.node != index or a.failed or a.evicted:
                continue
            amount = Amount(a.cpu, a.memory_mb, a.disk_mb)
            if a.job_id == self.job.id:
                own = own + amount
                own_ports.extend(a.ports)
                continue
            holdings.append(
                Holding(
                    str(i),
                    a.job_id,
                    _priority(a),
                    amount,
                    a.group,
                    max_parallel=a.max_parallel or 0,
                    network=NetworkUse("", 0, a.ports) if a.ports else None,
                )
            )
        holdings.append(
            Holding(
                "own",
                self.job.id,
                self.job.priority,
                own,
                network=NetworkUse("", 0, tuple(own_ports)) if own_ports else None,
            )
        )
        res, rsv = node.node_resources, node.reserved_resources
        room = NodeRoom(
            Amount(
                res.cpu.cpu_shares - rsv.cpu.cpu_shares,
                res.memory.memory_mb - rsv.memory.memory_mb,
                res.disk.disk_mb - rsv.disk.disk_mb,
            ),
            reserved_ports=frozenset(parse_port_list(rsv.networks.reserved_host_ports)),
        )
        network = None
        if ask.reserved_ports or ask.dynamic_ports:
            network = NetworkUse("", 0, tuple(v for _, v in ask.reserved_ports))
        proposed = self.cluster.proposed(index)
        slots = node.node_max_allocs - len(proposed) if node.node_max_allocs else None
        stages = preempt_stages(
            self.job.priority,
            ("default", self.job.id),
            room,
            holdings,
            PreemptAsk(Amount(ask.cpu, ask.memory_mb, ask.disk_mb), network),
            self.preempted,
            slots,
        )
        if stages is None or not (stages[0] or stages[1]):
            return None
        early, late = stages
        victims = tuple(int(h.id) for h in (*early, *late))
        left = room.capacity + sum((h.amount for h in (*early, *late)), start=Amount())
        for a in proposed:
            left = left - Amount(a.cpu, a.memory_mb, a.disk_mb)
        if not left.covers(Amount(ask.cpu, ask.memory_mb, ask.disk_mb)):
            return None  # overcommitted: the plan applier refuses the node (see ``evict``)
        if slots is not None and slots + len(early) < 1:
            return victims, 0.0, 0.0
        return (
            victims,
            sum(a.cpu for a in proposed) + ask.cpu - sum(h.amount.cpu for h in early),
            sum(a.memory_mb for a in proposed)
            + ask.memory_mb
            - sum(h.amount.memory_mb for h in early),
        )


# ----------------------------------------------------------------------------- the plans


@dataclass
class RefPlacement:
    group: str
    index: int
    node: int
    score: float
    metric: AllocMetric
    preempted: tuple[int, ...] = ()  # indices into ``Cluster.allocs``


@dataclass
class RefJob:
    job: Job
    placements: list[RefPlacement]
    failed: dict[str, AllocMetric]
    triggered_by: str = "job-register"  # "preemption": the evaluation of an evicted job


def _priority(alloc: RefAlloc) -> int:
    return 50 if alloc.priority is None else alloc.priority


def _evict(cluster: Cluster, victims: tuple[int, ...], preempted: Counter) -> None:
    """``Plan.AppendPreemptedAlloc``: the victims hold nothing from now on."""
    for i in victims:
        alloc = cluster.allocs[i]
        alloc.evicted = True
        preempted[("default", alloc.job_id, alloc.group)] += 1


def _exhaust_resources(metric: AllocMetric, ask: Ask) -> None:
    """``AllocMetric.ExhaustResources``."""
    if not metric.dimension_exhausted:
        return
    for task, cpu, memory in ask.task_cpu_memory:
        entry = metric.resources_exhausted.setdefault(task, {"CPU": 0, "MemoryMB": 0})
        if metric.dimension_exhausted.get("memory", 0) > 0:
            entry["MemoryMB"] += memory
        if metric.dimension_exhausted.get("cpu", 0) > 0:
            entry["CPU"] += cpu


def _pool_counts(metric: AllocMetric, job: Job, in_pool: int, available: dict, pool: bool) -> None:
    metric.nodes_in_pool = in_pool
    metric.nodes_available = dict(available)
    if pool:
        metric.node_pool = job.node_pool


def base_limit(job_type: str, n: int) -> int:
    """``GenericStack.SetNodes``: 2 for batch, else max(2, ceil(log2 n))."""
    if job_type == "batch" or n <= 0:
        return 2
    return max(2, math.ceil(math.log2(n)))


def reference_generic(
    cluster: Cluster,
    job: Job,
    seed: int,
    algorithm: str,
    node_limit: int = DEFAULT_NODE_LIMIT,
    penalties: dict[str, list[frozenset[int]]] | None = None,
    evict: bool = False,
    preferred: dict[str, list[int | None]] | None = None,
) -> RefJob:
    """``GenericScheduler.computePlacements`` for one job: one stack, Selects in order; with
    ``evict`` a failed Select runs again with eviction on (``selectNextOption``); the
    ``index``-th placement of a group has ``penalties[group][index]`` and
    ``preferred[group][index]`` as its ``SelectOptions`` where given."""
    candidates, available = reference_candidates(cluster.nodes, job)
    order = np.random.default_rng(seed).permutation(np.array(candidates, dtype=np.int64))
    stack = Stack(
        cluster,
        job,
        order.tolist(),
        algorithm,
        ReferenceWrapper(job),
        Spread(job),
        limit=base_limit(job.type, len(candidates)),
    )
    placements: list[RefPlacement] = []
    failed: dict[str, AllocMetric] = {}
    for group, network in zip(job.task_groups, network_asks(job), strict=True):
        ask = reference_ask(group)
        stack.spread.set_group(group)
        affinities = job.affinities or group.affinities or any(t.affinities for t in group.tasks)
        if affinities or stack.spread.has_spreads(group):
            stack.limit = node_limit if group.count < node_limit else group.count
        group_penalties = (penalties or {}).get(group.name, [])
        group_preferred = (preferred or {}).get(group.name, [])
        for index in range(group.count):
            if group.name in failed:
                failed[group.name].coalesced_failures += 1
                _exhaust_resources(failed[group.name], ask)
                continue
            penalty = group_penalties[index] if index < len(group_penalties) else frozenset()
            prefer = group_preferred[index] if index < len(group_preferred) else None
            option, metric = None, Metric()
            if order.size or prefer is not None:
                option, metric = stack.select(group, network, ask, penalty, preferred=prefer)
                if option is None and evict:
                    option, metric = stack.select(group, network, ask, penalty, True, prefer)
            _pool_counts(metric.metric, job, len(candidates), available, pool=True)
            metric.populate_score_metadata()
            if option is None:
                _exhaust_resources(metric.metric, ask)
                failed[group.name] = metric.metric
                continue
            _evict(cluster, option.victims, stack.preempted)
            placements.append(
                RefPlacement(
                    group.name, index, option.node, option.final, metric.metric, option.victims
                )
            )
            cluster.allocs.append(_alloc_of(job, group, ask, option.node, cluster))
    return RefJob(job, placements, failed)


def _alloc_of(job: Job, group: TaskGroup, ask: Ask, node: int, cluster: Cluster) -> RefAlloc:
    """The placed allocation: reserved ports, then the lowest free dynamic ports."""
    ports = [v for _, v in ask.reserved_ports]
    if ask.dynamic_ports:
        n = cluster.nodes[node]
        used = set(parse_port_list(n.reserved_resources.networks.reserved_host_ports))
        for alloc in cluster.proposed(node):
            used.update(alloc.ports)
        used.update(ports)
        free = (
            p
            for p in range(n.node_resources.min_dynamic_port, n.node_resources.max_dynamic_port + 1)
            if p not in used
        )
        ports.extend(next(free) for _ in range(ask.dynamic_ports))
    return RefAlloc(
        job.id,
        group.name,
        node,
        ask.cpu,
        ask.memory_mb,
        ask.disk_mb,
        tuple(ports),
        priority=job.priority,
    )


def reference_system(cluster: Cluster, job: Job, algorithm: str, evict: bool = False) -> RefJob:
    """``SystemScheduler.computePlacements``: one Select per node without the group's
    allocation, candidates in node order, the class cache reset for every node; ``evict``:
    the system stack's bin-pack evicts (``NewSystemStack``)."""
    preempted: Counter = Counter()
    candidates, available = reference_candidates(cluster.nodes, job)
    placements: list[RefPlacement] = []
    failed: dict[str, AllocMetric] = {}
    for group, network in zip(job.task_groups, network_asks(job), strict=True):
        ask = reference_ask(group)
        existing = bool(cluster.job_allocs(job.id, group.name))
        running = {a.node for a in cluster.job_allocs(job.id, group.name)}
        queue = [i for i in candidates if i not in running]
        queued = len(queue)
        filtered: AllocMetric | None = None
        for index in queue:
            wrapper = ReferenceWrapper(job, cache=False)
            stack = Stack(
                cluster,
                job,
                [index],
                algorithm,
                wrapper,
                Spread(job),
                system=True,
                preempted=preempted,
            )
            option, metric = stack.select(group, network, ask, evict=evict)
            m = metric.metric
            if option is None:
                if m.nodes_filtered > 0:
                    queued -= 1
                    filtered = _merge_filtered(filtered, m)
                    if queued <= 0 and not existing:
                        failed[group.name] = filtered
                    continue
                if group.name in failed:
                    failed[group.name].coalesced_failures += 1
                    _exhaust_resources(failed[group.name], ask)
                    continue
                _pool_counts(m, job, len(candidates), available, pool=True)
                metric.populate_score_metadata()
                _exhaust_resources(m, ask)
                failed[group.name] = m
                continue
            _pool_counts(m, job, len(candidates), available, pool=False)
            metric.populate_score_metadata()
            placed = len([p for p in placements if p.group == group.name])
            _evict(cluster, option.victims, preempted)
            placements.append(
                RefPlacement(group.name, placed, option.node, option.final, m, option.victims)
            )
            cluster.allocs.append(_alloc_of(job, group, ask, option.node, cluster))
    return RefJob(job, placements, failed)


def _merge_filtered(acc: AllocMetric | None, current: AllocMetric) -> AllocMetric:
    """``mergeNodeFiltered`` (scheduler/util.go)."""
    if acc is None:
        return AllocMetric(
            nodes_evaluated=current.nodes_evaluated,
            nodes_filtered=current.nodes_filtered,
            class_filtered=dict(current.class_filtered),
            constraint_filtered=dict(current.constraint_filtered),
        )
    acc.nodes_evaluated += current.nodes_evaluated
    acc.nodes_filtered += current.nodes_filtered
    for k, v in current.class_filtered.items():
        acc.class_filtered[k] = acc.class_filtered.get(k, 0) + v
    for k, v in current.constraint_filtered.items():
        acc.constraint_filtered[k] = acc.constraint_filtered.get(k, 0) + v
    return acc


def _preferred_node(group: TaskGroup | None, node: Node, index: int) -> int | None:
    """``findPreferredNode`` (generic_sched.go) for the replacement of a failed allocation
    on ``node``: that node when the group's ephemeral disk is sticky or migrates and the node
    is ready."""
    if group is None or not (group.ephemeral_disk.sticky or group.ephemeral_disk.migrate):
        return None
    return index if node.ready() else None


def reference_simulate(
    nodes: Sequence[Node],
    jobs: Iterable[Job],
    seeds: Sequence[int] | Callable[[int], int],
    *,
    algorithm: str = "binpack",
    existing: Iterable[RefAlloc] = (),
    node_limit: int = 0,
    node_pools: Mapping[str, PoolScheduler] | None = None,
    preemption: Mapping[str, bool] | None = None,
) -> list[RefJob]:
    """Every job, higher priority first (ties in input order), as Nomad's schedulers place
    them; ``seeds[i]`` shuffles the ``i``-th evaluation's nodes: the input jobs', then those
    of jobs whose allocations were preempted, at ``len(jobs) + evaluations run so far``.

    A failed allocation holds nothing; the group's next placements replace the failed ones
    in order, each avoiding the failed allocation's node and its earlier nodes, and
    preferring its node when the group's ephemeral disk is sticky or migrates.
    ``preemption`` is ``PreemptionConfig`` by job type (unset: system only).
    """
    jobs = list(jobs)
    seed_of = seeds if callable(seeds) else seeds.__getitem__
    switches = preemption_switches(preemption)
    cluster = Cluster(nodes, with_job_settings(existing, jobs))
    by_id = {job.id: job for job in jobs}
    queue = [(-job.priority, position, job, "job-register") for position, job in enumerate(jobs)]
    heapq.heapify(queue)
    created = 0  # evaluations created for preempted jobs: their seed positions follow the jobs'
    out: list[RefJob] = []
    while queue:
        _, position, job, trigger = heapq.heappop(queue)
        updated_by(cluster.allocs, job)
        job_algorithm = algorithm
        pool = (node_pools or {}).get(job.node_pool)
        if pool is not None and pool.algorithm:  # WithNodePool
            job_algorithm = pool.algorithm
        evict = switches.get(job.type, False)
        if job.type in ("system", "sysbatch"):
            ref = reference_system(cluster, job, job_algorithm, evict)
        else:
            penalties: dict[str, list[frozenset[int]]] = {}
            preferred: dict[str, list[int | None]] = {}
            groups = {g.name: g for g in job.task_groups}
            for alloc in cluster.allocs:
                if alloc.failed and alloc.job_id == job.id:
                    nodes_ = frozenset((alloc.node, *alloc.previous_nodes))
                    penalties.setdefault(alloc.group, []).append(nodes_)
                    preferred.setdefault(alloc.group, []).append(
                        _preferred_node(groups.get(alloc.group), nodes[alloc.node], alloc.node)
                    )
            limit = node_limit or DEFAULT_NODE_LIMIT  # GetNodeLimitForFeasibilityChecks
            ref = reference_generic(
                cluster, job, seed_of(position), job_algorithm, limit, penalties, evict, preferred
            )
        ref.triggered_by = trigger
        out.append(ref)
        evicted = [
            (cluster.allocs[i].job_id, cluster.allocs[i].group)
            for p in ref.placements
            for i in p.preempted
        ]
        for follow_up in replacement_jobs(evicted, by_id):  # plan_apply.go
            heapq.heappush(
                queue, (-follow_up.priority, len(jobs) + created, follow_up, "preemption")
            )
            created += 1
    return out
