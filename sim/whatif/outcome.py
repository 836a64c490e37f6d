"""One scenario, simulated: feasibility and placement per job and group, in plain terms.

This is the unit every what-if compares: ``run_scenario`` gives a ``ScenarioRun`` whose
``GroupResult`` rows say placed or not, what blocks it (the check Nomad would name) and what
risk a placement carries (Bug #17: a Linux image placed on a Windows Docker node).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from models import Job, Node

from ..core.metrics import AllocMetric
from ..core.nodetable import NodeTable
from ..core.nomad_text import format_task_group_failure
from ..feasibility import (
    COMPUTED_CLASS_INELIGIBLE,
    GroupFeasibility,
    JobFeasibility,
    evaluate_job,
)
from ..io import ResolvedScenario
from ..placement import (
    ExistingAlloc,
    GroupOutcome,
    PlacementPlan,
    PoolScheduler,
    group_ask,
    simulate,
)
from ..placement.deployment import start_problems_per_node
from ..placement.distinct import DISTINCT_HOSTS, DISTINCT_PROPERTY

PLACED = "placed"
CANNOT_START = "placed, cannot start"
PARTIAL = "partially placed"
BLOCKED = "blocked"
PREEMPTED = "preempted"  # running allocations evicted by a higher-priority placement


@dataclass
class GroupResult:
    """The fate of one task group in one scenario."""

    job: str
    group: str
    job_type: str
    count: int
    feasible_nodes: int
    placed: int
    unplaced: int
    status: str
    blocking: str = ""
    failure: str = ""
    risks: list[str] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)
    placements: list[str] = field(default_factory=list)  # node name per allocation
    # Per placement, Nomad's Allocation fields (Name, NodeID, NodeName, Metrics) when the run
    # kept metrics.
    allocations: list[dict[str, Any]] = field(default_factory=list)
    # What the answer assumes because the simulator does not model it (a CSI volume, ...).
    notes: list[str] = field(default_factory=list)
    # Nodes the failed Select found exhausted (AllocMetric.NodesExhausted).
    exhausted_nodes: int = 0
    # What the group's placements preempt (allocation labels), and "preemption" for the
    # evaluation that places a group's preempted allocations again.
    preempted: list[str] = field(default_factory=list)
    triggered_by: str = "job-register"

    @property
    def key(self) -> str:
        suffix = " (after preemption)" if self.triggered_by == "preemption" else ""
        return f"{self.job}/{self.group}{suffix}"


@dataclass
class ScenarioRun:
    table: NodeTable
    feasibility: list[JobFeasibility]
    plan: PlacementPlan
    groups: list[GroupResult]
    variables: dict[str, object] = field(default_factory=dict)
    node_groups: list[str] = field(default_factory=list)

    def group(self, key: str) -> GroupResult:
        for result in self.groups:
            if result.key == key or result.job == key:
                return result
        raise KeyError(key)

    @property
    def all_placed(self) -> bool:
        return all(g.unplaced == 0 for g in self.groups)

    @property
    def unplaceable(self) -> list[GroupResult]:
        return [g for g in self.groups if g.unplaced]

    @property
    def risky(self) -> list[GroupResult]:
        return [g for g in self.groups if g.risks]


# Filters Nomad applies after feasibility, to nodes that passed every check
# (scheduler/feasible/feasible.go: DistinctHostsIterator, DistinctPropertyIterator).
_AFTER_FEASIBILITY = (DISTINCT_HOSTS, DISTINCT_PROPERTY)


def blocking_reason(metric: AllocMetric) -> str:
    """The one thing that stopped the group, read from the failed Select's AllocMetric, the
    same metric Nomad's text prints.

    A Select fails only when no node it pulled is an option. When some nodes passed the
    feasibility filters, what stopped them (a dimension exhausted, a distinct rule) is the
    answer: the filters only narrowed the field. Only when nothing passed is the filter the
    answer (the reason on the most nodes, ``computed class ineligible`` only when Nomad names
    nothing else).
    """
    if metric.nodes_evaluated == 0:
        return "no nodes eligible"
    stoppers = Counter({f"{k} exhausted": v for k, v in metric.dimension_exhausted.items()})
    stoppers.update(
        {k: v for k, v in metric.constraint_filtered.items() if k.startswith(_AFTER_FEASIBILITY)}
    )
    if stoppers:
        reason, count = stoppers.most_common(1)[0]
        return f"{reason} ({count} nodes)"
    named = Counter(
        {k: v for k, v in metric.constraint_filtered.items() if k != COMPUTED_CLASS_INELIGIBLE}
    )
    if named:
        reason, count = named.most_common(1)[0]
        return f"{reason} ({count} nodes)"
    if metric.constraint_filtered:
        return f"{COMPUTED_CLASS_INELIGIBLE} ({sum(metric.constraint_filtered.values())} nodes)"
    return "no nodes eligible"


def existing_allocations(resolved: ResolvedScenario) -> list[ExistingAlloc]:
    """Scenario ``allocations`` as occupied capacity: the job's own ask, or the stated resources."""
    if not resolved.allocations:
        return []  # no node index to build: at 100,000 nodes that alone is measurable
    groups = {(j.id, g.name): g for j in resolved.jobs for g in j.task_groups}
    index = {node.name: i for i, node in enumerate(resolved.nodes)}
    by_id = {node.id: i for i, node in enumerate(resolved.nodes)} if _any_node_id(resolved) else {}
    out: list[ExistingAlloc] = []
    for alloc in resolved.allocations:
        node = by_id[alloc.node_id] if alloc.node_id else index[alloc.node]
        group = groups.get((alloc.job, alloc.group)) or next(
            (g for (job, _), g in groups.items() if job == alloc.job), None
        )
        cores = 0
        devices: dict[str, int] = {}
        mbits = 0
        if alloc.resources is not None:
            res = alloc.resources
            cpu, memory, disk, cores = res.cpu, res.memory_mb, res.disk_mb or 300, res.cores
        elif group is not None:
            ask = group_ask(group)
            cpu, memory, disk = ask.cpu, ask.memory_mb, ask.disk_mb
            for request in ask.devices:
                devices[request.name] = devices.get(request.name, 0) + request.count
            mbits = sum(net.mbits for net in ask.task_networks)
        else:
            continue
        name = alloc.group or (group.name if group is not None else "")
        ports = tuple(alloc.ports)
        out.extend(
            ExistingAlloc(
                alloc.job,
                name,
                node,
                cpu,
                memory,
                disk,
                ports,
                cores,
                priority=alloc.priority,
                alloc_id=alloc.id if alloc.count == 1 else "",
                devices=tuple((alloc.devices if alloc.devices is not None else devices).items()),
                mbits=mbits if alloc.mbits is None else alloc.mbits,
            )
            for _ in range(alloc.count)
        )
    return out


def _any_node_id(resolved: ResolvedScenario) -> bool:
    return any(alloc.node_id for alloc in resolved.allocations)


def kept_counts(resolved: ResolvedScenario) -> Counter[tuple[str, str]]:
    """Running allocations per (job, group) that Nomad's reconciler keeps."""
    kept: Counter[tuple[str, str]] = Counter()
    for a in resolved.allocations:
        if a.counts_toward_job:
            kept[(a.job, a.group)] += a.count
    return kept


def _still_to_place(jobs: list[Job], kept: Counter[tuple[str, str]]) -> list[Job]:
    """Service and batch groups place only what their running allocations leave of the count
    (``reconciler.computeGroup``: existing allocations are kept, the rest placed); system
    groups already skip nodes where they run."""
    out = []
    for job in jobs:
        if job.type in ("system", "sysbatch") or not any(
            kept[(job.id, g.name)] for g in job.task_groups
        ):
            out.append(job)
            continue
        groups = [
            g.model_copy(update={"count": max(g.count - kept[(job.id, g.name)], 0)})
            for g in job.task_groups
        ]
        out.append(job.model_copy(update={"task_groups": groups}))
    return out


def run_scenario(
    nodes: list[Node],
    jobs: list[Job],
    *,
    seed: int = 0,
    algorithm: str = "binpack",
    existing: list[ExistingAlloc] | None = None,
    memory_oversubscription: bool = False,
    metrics: bool = False,
    node_pools: dict[str, PoolScheduler] | None = None,
    node_limit: int = 0,
    preemption: dict[str, bool] | None = None,
) -> ScenarioRun:
    table = NodeTable(nodes)
    feasibility = [evaluate_job(table, job, seed) for job in jobs]
    plan = simulate(
        table,
        jobs,
        seed=seed,
        algorithm=algorithm,
        existing=existing or (),
        memory_oversubscription=memory_oversubscription,
        score_metadata=metrics,
        node_pools=node_pools,
        node_limit=node_limit,
        preemption=preemption,
    )
    by_job = {f.job.id: f for f in feasibility}
    results = []
    for outcome in plan.jobs:
        feasible = {g.group.name: g for g in by_job[outcome.job.id].groups}
        for group in outcome.groups:
            result = _group_result(table, outcome.job, group, feasible[group.name])
            result.preempted = [e.label for e in group.preempted]
            result.triggered_by = outcome.triggered_by
            results.append(result)
    return ScenarioRun(table, feasibility, plan, results)


def _group_result(
    table: NodeTable, job: Job, outcome: GroupOutcome, feasibility: GroupFeasibility
) -> GroupResult:
    placed_nodes = [table.nodes[n] for n in outcome.nodes]
    risks = sorted(
        {
            f"{node.name}: {problem}"
            for node, problems in zip(
                placed_nodes, start_problems_per_node(outcome.group, placed_nodes), strict=True
            )
            for problem in problems
        }
    )
    metric = outcome.failed
    if outcome.unplaced == 0:
        status = CANNOT_START if risks else PLACED
    else:
        status = PARTIAL if outcome.placed_count else BLOCKED
    blocking = ""
    failure = ""
    exhausted = 0
    if metric is not None:
        exhausted = metric.nodes_exhausted
        blocking = blocking_reason(metric)
        failure = format_task_group_failure(outcome.name, metric)
    return GroupResult(
        job=job.id,
        group=outcome.name,
        job_type=job.type,
        count=(
            outcome.placed_count + outcome.unplaced
            if job.type in ("system", "sysbatch")
            else outcome.group.count
        ),
        feasible_nodes=len(feasibility.feasible),
        placed=outcome.placed_count,
        unplaced=outcome.unplaced,
        status=status,
        blocking=blocking,
        failure=failure,
        risks=risks,
        nodes=sorted({n.name for n in placed_nodes}),
        placements=[n.name for n in placed_nodes],
        allocations=[
            {
                "Name": a.name,
                "NodeID": placed.id or placed.name,
                "NodeName": a.node_name,
                "Metrics": a.metrics.to_nomad(),
            }
            for a, placed in zip(outcome.allocations(), placed_nodes, strict=True)
            if a.metrics is not None
        ],
        notes=list(feasibility.notes),
        exhausted_nodes=exhausted,
    )


def run_resolved(resolved: ResolvedScenario, seed: int = 0, metrics: bool = False) -> ScenarioRun:
    """Simulate a loaded scenario with its scheduler settings and existing allocations;
    ``metrics`` keeps every placement's AllocMetric (``GroupResult.allocations``).

    Allocations marked ``counts_toward_job`` (a snapshot's running allocations) stay where
    they are and count as placed; only the rest of each group's count is placed.
    """
    config = resolved.scenario.scheduler
    kept = kept_counts(resolved)
    run = run_scenario(
        resolved.nodes,
        _still_to_place(resolved.jobs, kept) if kept else resolved.jobs,
        seed=seed,
        algorithm=config.algorithm,
        existing=existing_allocations(resolved),
        memory_oversubscription=config.memory_oversubscription,
        metrics=metrics,
        node_pools={
            name: PoolScheduler(pool.algorithm or "", pool.memory_oversubscription)
            for name, pool in config.node_pools.items()
        },
        node_limit=config.node_limit_for_feasibility_checks,
        preemption=config.preemption.model_dump(),
    )
    if kept:
        _count_kept(run, resolved)
    run.variables = dict(resolved.variables)
    run.node_groups = list(resolved.node_group_of)
    return run


def _count_kept(run: ScenarioRun, resolved: ResolvedScenario) -> None:
    """Add the kept allocations to each group's result: its full count, placed and nodes."""
    kept: dict[tuple[str, str], list[str]] = {}
    for alloc in resolved.allocations:
        if alloc.counts_toward_job:
            kept.setdefault((alloc.job, alloc.group), []).extend([alloc.node] * alloc.count)
    counts = {(j.id, g.name): g.count for j in resolved.jobs for g in j.task_groups}
    # Kept allocations a placement preempted run no more: the evaluation that places them
    # again has its own row.
    evicted = Counter((e.job_id, e.group, e.node_name) for e in run.plan.preempted)
    lost: Counter[tuple[str, str]] = Counter()
    for key, nodes in kept.items():
        for node in list(nodes):
            if evicted[(*key, node)] > 0:
                evicted[(*key, node)] -= 1
                nodes.remove(node)
                lost[key] += 1
    for result in run.groups:
        key = (result.job, result.group)
        if key not in kept or result.triggered_by == "preemption":
            continue
        result.placed += len(kept[key])
        result.nodes = sorted(set(result.nodes) | set(kept[key]))
        result.placements = [*kept[key], *result.placements]
        if result.job_type in ("system", "sysbatch"):
            result.count += len(kept[key])
        else:
            result.count = counts[key]
        if lost[key]:
            result.status = PREEMPTED
        elif result.unplaced == 0:
            result.status = CANNOT_START if result.risks else PLACED
        elif result.status == BLOCKED:
            result.status = PARTIAL
