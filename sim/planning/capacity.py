"""How many more allocations of one task group Nomad would place on the cluster as it is.

Nomad places a group's allocations one ``Select`` after another in one evaluation, and after
the first failed Select the rest only add to ``CoalescedFailures``
(scheduler/generic_sched.go ``computePlacements``). Raising ``count`` one at a time until a
placement fails therefore stops where a single evaluation of ``count = running + K``
stops, for any K past the answer: a Select fails only when no node fits one more
allocation, and allocations of one shape that fit a node do so independently of the order
in which they arrived. So the group is evaluated once, with K one above the per-node upper
bound (doubled in the unexpected case that all K place), and the answer is read off the plan.

The evaluation asks for K new allocations with the running ones kept in place. Nomad's job
anti-affinity divides by the group's desired count (running + K); the placement engine
divides by the count it places (K). That moves scores, and so where allocations go, not how
many place.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from models import Job, TaskGroup

from ..core.errors import InputError
from ..core.metrics import AllocMetric
from ..core.nomad_text import format_task_group_failure
from ..feasibility import evaluate_job
from ..graph import allocations_fit, distinct_hosts_scope
from ..graph.capacity import UNLIMITED as UNLIMITED_SLOTS
from ..io import ResolvedScenario
from ..placement import GroupOutcome, group_ask, simulate
from .cluster import (
    SCOPES,
    SYSTEM_TYPES,
    Cluster,
    cannot_start,
    current_cluster,
    failure_reason,
)

ASK_KEYS = {"cpu": "MHz", "memory": "MB", "disk": "MB", "cores": "cores"}
HYPOTHETICAL = "ask"


@dataclass
class CapacityResult:
    """The answer for one group: how many more place, what stops the next, where they went."""

    job: str
    group: str
    running: int  # allocations of the group running before
    more: int  # how many more Nomad places
    bound: int  # at most this many fit (per-node sum over feasible nodes' free resources)
    failure: AllocMetric | None  # the first placement that fails, as Nomad records it
    by_scope: dict[str, dict[str, int]] = field(default_factory=dict)
    seed: int = 0
    cannot_start: int = 0  # of the ``more``, placed where they cannot start (pending)

    @property
    def failure_text(self) -> str:
        """``Task Group "web" (failed to place 1 allocation):`` and Nomad's metric lines."""
        return "" if self.failure is None else format_task_group_failure(self.group, self.failure)

    @property
    def limited_by(self) -> str:
        """The dimension exhausted on most nodes, or the filter that removed most nodes."""
        return "" if self.failure is None else failure_reason(self.failure)

    def to_json(self) -> dict:
        return {
            "job": self.job,
            "group": self.group,
            "running": self.running,
            "more": self.more,
            "bound": self.bound,
            "cannot_start": self.cannot_start,
            "limited_by": self.limited_by,
            "failure": None if self.failure is None else self.failure.to_nomad(),
            "failure_text": self.failure_text,
            "by_scope": self.by_scope,
            "seed": self.seed,
        }


def parse_ask(spec: str) -> dict[str, int]:
    """``cpu=500,memory=1024`` → ``{"cpu": 500, "memory": 1024}``; keys cpu, memory, disk, cores."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in ASK_KEYS:
            raise InputError(
                f"--ask {spec!r}: expected KEY=VALUE with KEY one of {', '.join(ASK_KEYS)}"
            )
        try:
            out[key] = int(value)
        except ValueError:
            raise InputError(
                f"--ask {spec!r}: {key} must be a whole number, not {value.strip()!r}"
            ) from None
        if out[key] < 0:
            raise InputError(f"--ask {spec!r}: {key} must not be negative")
    if not out:
        raise InputError(f"--ask {spec!r}: give at least one of {', '.join(ASK_KEYS)}")
    # Resources.MeetsMinResources (nomad/structs/structs.go): CPU ≥ 1 unless cores are
    # reserved, memory ≥ 10 MB. A shape asking nothing would also fit without end.
    if out.get("cpu", 1) < 1 and not out.get("cores"):
        raise InputError(f"--ask {spec!r}: minimum CPU value is 1; got {out['cpu']}")
    if out.get("memory", 10) < 10:
        raise InputError(f"--ask {spec!r}: minimum MemoryMB value is 10; got {out['memory']}")
    return out


def hypothetical_job(ask: dict[str, int]) -> Job:
    """A service job with one one-task group of the asked shape, in every pool and datacenter.

    The task names no driver, so no driver check applies; the group asks no network, so
    Nomad's network checker asks for a host network as for any group.
    """
    resources = {"cpu": ask.get("cpu", 100), "memory_mb": ask.get("memory", 300)}
    if ask.get("cores"):
        resources["cores"] = ask["cores"]
    group = {
        "name": HYPOTHETICAL,
        "count": 1,
        "tasks": [{"name": HYPOTHETICAL, "resources": resources}],
        "ephemeral_disk": {"size_mb": ask.get("disk", 300)},
    }
    return Job.model_validate(
        {"id": HYPOTHETICAL, "type": "service", "node_pool": "all", "task_groups": [group]}
    )


def reshaped(group: TaskGroup, ask: dict[str, int]) -> TaskGroup:
    """``group`` whose total ask is ``ask`` where given: the first task carries each asked
    value and the other tasks ask none of that dimension (disk is the group's)."""
    updates = {"cpu": "cpu", "memory": "memory_mb", "cores": "cores"}
    tasks = []
    for i, task in enumerate(group.tasks):
        changes = {
            field_: (ask[key] if i == 0 else 0) for key, field_ in updates.items() if key in ask
        }
        tasks.append(
            task.model_copy(update={"resources": task.resources.model_copy(update=changes)})
        )
    disk = group.ephemeral_disk
    if "disk" in ask:
        disk = disk.model_copy(update={"size_mb": ask["disk"]})
    return group.model_copy(update={"tasks": tasks, "ephemeral_disk": disk})


def _target(cluster: Cluster, job_id: str | None, group_name: str | None) -> tuple[Job, TaskGroup]:
    job = cluster.job(job_id or "")
    if job.type in SYSTEM_TYPES:
        raise InputError(
            f"job {job.id!r} is a {job.type} job: it runs one allocation per eligible node, "
            "so there is no count to raise"
        )
    if group_name:
        group = next((g for g in job.task_groups if g.name == group_name), None)
        if group is None:
            names = ", ".join(g.name for g in job.task_groups)
            raise InputError(f"job {job.id!r} has no group {group_name!r} (groups: {names})")
        return job, group
    if len(job.task_groups) != 1:
        names = ", ".join(g.name for g in job.task_groups)
        raise InputError(f"job {job.id!r} has several groups ({names}): name one as JOB/GROUP")
    return job, job.task_groups[0]


def scaled(job: Job, group: TaskGroup, count: int) -> Job:
    """The job with only ``group``, asking ``count`` new allocations."""
    return job.model_copy(update={"task_groups": [group.model_copy(update={"count": count})]})


def upper_bound(cluster: Cluster, job: Job, group: TaskGroup) -> int:
    """At most this many more allocations of ``group`` fit: the sum over its feasible nodes of
    how many copies fit each node's free resources now.

    For one group this is the maximum flow of ``sim.graph.capacity_bound``'s network (the
    flow splits into independent node edges), taken on free resources net of the running
    allocations. CPU, memory, disk, ``max_allocs``, reserved cores, static ports and
    ``distinct_hosts`` are counted; dynamic ports, devices and ``distinct_property`` are
    not, which only loosens the bound.
    """
    feasible = evaluate_job(cluster.table, job, cluster.seed).groups[0].feasible
    if not len(feasible):
        return 0
    ledger, cap = cluster.ledger, cluster.ledger.capacity
    ask = group_ask(group, cluster.memory_oversubscription)
    nodes = np.sort(feasible)
    slots = np.where(
        cap.max_allocs[nodes] > 0, cap.max_allocs[nodes] - ledger.allocs[nodes], UNLIMITED_SLOTS
    )
    free = np.stack(
        [
            cap.cpu[nodes] - ledger.cpu[nodes],
            cap.memory_mb[nodes] - ledger.memory_mb[nodes],
            cap.disk_mb[nodes] - ledger.disk_mb[nodes],
            slots,
        ],
        axis=1,
    )
    free = np.maximum(np.floor(free), 0).astype(np.int64)
    cpu = np.ceil(np.asarray(ask.cpu_on(cap.mhz_per_core[nodes]), dtype=float)).astype(np.int64)
    asks = np.zeros((len(nodes), 4), dtype=np.int64)
    asks[:, 0], asks[:, 1], asks[:, 2], asks[:, 3] = cpu, ask.memory_mb, ask.disk_mb, 1
    limit = np.full(len(nodes), UNLIMITED_SLOTS, dtype=np.int64)
    if ask.cores:
        limit = np.minimum(limit, ledger.free_cores[nodes] // ask.cores)
    if ask.reserved_ports:
        limit = np.minimum(
            limit, [0 if ledger.port_failure(int(n), ask) else 1 for n in nodes.tolist()]
        )
    scope = distinct_hosts_scope(job, group)
    if scope:
        held = np.zeros(cluster.table.n, dtype=np.int64)
        for alloc in cluster.running:
            if alloc.job_id == job.id and (scope == "job" or alloc.group == group.name):
                held[alloc.node_index] += 1
        limit = np.minimum(limit, (held[nodes] == 0).astype(np.int64))
    return int(allocations_fit(free, asks, limit).sum())


def first_failure(metric: AllocMetric) -> AllocMetric:
    """The metric of the one allocation that fails first (the later ones were only K's)."""
    share = metric.coalesced_failures + 1
    exhausted = {
        task: {k: v // share for k, v in per.items()}
        for task, per in metric.resources_exhausted.items()
    }
    return replace(metric, coalesced_failures=0, resources_exhausted=exhausted)


def _placed_more(
    cluster: Cluster, job: Job, group: TaskGroup, start: int
) -> tuple[GroupOutcome, AllocMetric]:
    """One evaluation asking ``start`` (then double) new allocations, until one fails: the
    group's outcome and the failed placement's metric."""
    count = max(start, 1)
    while True:
        plan = simulate(
            cluster.table,
            [scaled(job, group, count)],
            seed=cluster.seed,
            algorithm=cluster.algorithm,
            existing=cluster.running,
            memory_oversubscription=cluster.memory_oversubscription,
            score_metadata=False,
        )
        outcome = plan.jobs[0].groups[0]
        if outcome.failed is not None:
            return outcome, outcome.failed
        count *= 2


def capacity_of(
    cluster: Cluster, job_id: str | None = None, group: str | None = None, ask: dict | None = None
) -> CapacityResult:
    """``capacity`` on an already simulated cluster (several questions, one simulation)."""
    if job_id is None:
        if not ask:
            raise InputError("name a JOB[/GROUP] or give an --ask shape")
        job = hypothetical_job(ask)
        target = job.task_groups[0]
    else:
        if group is None and "/" in job_id:
            job_id, group = job_id.split("/", 1)
        job, target = _target(cluster, job_id, group)
        if ask:
            target = reshaped(target, ask)
    job = scaled(job, target, 1)
    running = sum(1 for a in cluster.running if a.job_id == job.id and a.group == target.name)
    bound = upper_bound(cluster, job, target)
    outcome, failed = _placed_more(cluster, job, target, bound + 1)
    nodes = np.asarray(outcome.nodes, dtype=np.int64)
    by_scope = {}
    for scope in SCOPES:
        labels = cluster.scope_labels(scope)[nodes]
        by_scope[scope] = dict(sorted(Counter(labels.tolist()).items()))
    return CapacityResult(
        job=job.id,
        group=target.name,
        running=running,
        more=outcome.placed_count,
        bound=bound,
        failure=first_failure(failed),
        by_scope=by_scope,
        seed=cluster.seed,
        cannot_start=cannot_start(cluster.table, target, outcome.nodes),
    )


def capacity(
    resolved: ResolvedScenario,
    job_id: str | None = None,
    group: str | None = None,
    ask: dict[str, int] | str | None = None,
    seed: int = 0,
) -> CapacityResult:
    """How many more allocations of ``job_id/group`` Nomad places on the scenario's cluster
    with its jobs and allocations kept; ``ask`` (``{"cpu": 500}`` or ``"cpu=500"``) reshapes
    the group, or without a job describes a hypothetical one.
    """
    if isinstance(ask, str):
        ask = parse_ask(ask)
    return capacity_of(current_cluster(resolved, seed), job_id, group, ask)
