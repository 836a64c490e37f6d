"""What survives losing a failure domain: every node of a rack, datacenter, class, pool ...

For each value of the domain (each pair with ``lose=2``) the cluster loses the nodes that
carry it. Their allocations are *lost*, and Nomad's reconciler asks for one replacement per
lost allocation of a service or batch group, whatever its reschedule policy (lost
allocations are replaced, not rescheduled: scheduler/reconciler/reconcile_cluster.go
``computePlacements``). The replacements are placed as one new evaluation per job, in
priority order, on the surviving nodes, with every other allocation staying where it runs.
A system job's allocation on a lost node is not replaced: the job runs on every eligible
node, and that node is gone. Allocations the scenario lists for jobs it does not describe
are counted as lost with nothing to replace them (``unknown_lost``).

Monotonicity: losing more nodes never loses fewer allocations of one group (its
replacements share one shape, and how many fit the survivors is a per-node sum). Across
groups it can: a Select scores only ``limit`` options of the shuffled survivors, so with
one more node gone a higher-priority replacement may land elsewhere and leave room for
another group's (``tests/planning/test_resilience.py`` builds such a case).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import combinations
from math import comb

import numpy as np

from ..core.errors import InputError
from ..core.limits import MAX_FAILURE_SETS
from ..core.nodetable import NodeTable, intern
from ..core.nomad_text import format_task_group_failure
from ..io import ResolvedScenario
from ..placement import ExistingAlloc, simulate
from .cluster import SYSTEM_TYPES, Cluster, cannot_start, current_cluster, failure_reason

DOMAIN_TARGETS = {
    "node": "${node.unique.name}",
    "datacenter": "${node.datacenter}",
    "node_pool": "${node.pool}",
    "node.class": "${node.class}",
}
DOMAIN_ALIASES = {
    "dc": "datacenter",
    "node.datacenter": "datacenter",
    "pool": "node_pool",
    "node.pool": "node_pool",
    "class": "node.class",
    "node_class": "node.class",
}
AGGREGATE = ""  # job id of the per-node sum of allocations no evaluation needs one by one


def domain_target(domain: str) -> str:
    """The node target a domain name reads: ``node``, ``datacenter``, ``node_pool``,
    ``node.class``, ``meta.KEY`` or ``attr.KEY``."""
    name = DOMAIN_ALIASES.get(domain, domain)
    if name in DOMAIN_TARGETS:
        return DOMAIN_TARGETS[name]
    for prefix in ("meta.", "attr."):
        if name.startswith(prefix) and len(name) > len(prefix):
            return "${" + name + "}"
    raise InputError(
        f"--domain {domain!r}: expected node, datacenter, node_pool, node.class, meta.KEY "
        "or attr.KEY"
    )


def domain_values(table: NodeTable, domain: str) -> tuple[np.ndarray, list[str]]:
    """Per node the code of its domain value, and the values' labels (nodes without the
    attribute or meta key form their own value, ``(no meta.rack)``)."""
    column = table.column(domain_target(domain))
    labels = [
        value if found else f"(no {DOMAIN_ALIASES.get(domain, domain)})"
        for value, found in zip(column.values, column.found, strict=True)
    ]
    return column.codes, labels


@dataclass
class GroupLoss:
    """One group's allocations on the lost nodes and how many Nomad could not replace."""

    job: str
    group: str
    lost: int
    unplaced: int
    reason: str = ""  # the check or dimension that stopped the replacements
    failure: str = ""  # Nomad's placement-failure block
    cannot_start: int = 0  # replacements placed where they cannot start (stay pending)
    placed_on: list[str] = field(default_factory=list)  # node of each replacement

    @property
    def key(self) -> str:
        return f"{self.job}/{self.group}"

    @property
    def replaced(self) -> int:
        return self.lost - self.unplaced


@dataclass
class FailureCase:
    """The cluster minus every node carrying ``values``."""

    values: tuple[str, ...]
    nodes: int
    losses: list[GroupLoss] = field(default_factory=list)
    system_lost: int = 0  # system-job allocations on the lost nodes (never replaced)
    unknown_lost: int = 0  # allocations of jobs the scenario does not describe (no spec)

    @property
    def label(self) -> str:
        return " + ".join(self.values)

    @property
    def lost(self) -> int:
        return sum(g.lost for g in self.losses)

    @property
    def unplaced(self) -> int:
        return sum(g.unplaced for g in self.losses)

    @property
    def cannot_start(self) -> int:
        return sum(g.cannot_start for g in self.losses)

    @property
    def survives(self) -> bool:
        """Every lost allocation is placed again (some may still be unable to start)."""
        return self.unplaced == 0

    def to_json(self) -> dict:
        return {
            "values": list(self.values),
            "nodes": self.nodes,
            "lost": self.lost,
            "unplaced": self.unplaced,
            "survives": self.survives,
            "cannot_start": self.cannot_start,
            "system_lost": self.system_lost,
            "unknown_lost": self.unknown_lost,
            "groups": [
                {
                    "group": g.key,
                    "lost": g.lost,
                    "replaced": g.replaced,
                    "unplaced": g.unplaced,
                    "cannot_start": g.cannot_start,
                    "placed_on": g.placed_on,
                    "reason": g.reason,
                    "failure": g.failure,
                }
                for g in self.losses
            ],
        }


@dataclass
class ResilienceReport:
    """Every failure case of one domain; ``survives`` is the N-1 (N-``lose``) verdict."""

    domain: str
    lose: int
    cases: list[FailureCase]
    already_unplaced: dict[str, int]  # groups short before anything is lost

    @property
    def survives(self) -> bool:
        return all(case.survives for case in self.cases)

    @property
    def failing(self) -> list[FailureCase]:
        return [case for case in self.cases if not case.survives]

    @property
    def risky(self) -> list[FailureCase]:
        """Cases whose replacements all place but some cannot start where they landed."""
        return [case for case in self.cases if case.survives and case.cannot_start]

    def groups(self) -> list[str]:
        """Groups that lose an allocation in some case, in first-seen order."""
        return list(dict.fromkeys(g.key for case in self.cases for g in case.losses))

    def matrix(self) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
        """(case labels, groups, unplaced, lost): one row per case, one column per group."""
        groups = self.groups()
        column = {key: j for j, key in enumerate(groups)}
        unplaced = np.zeros((len(self.cases), len(groups)), dtype=np.int64)
        lost = np.zeros_like(unplaced)
        for i, case in enumerate(self.cases):
            for g in case.losses:
                unplaced[i, column[g.key]] = g.unplaced
                lost[i, column[g.key]] = g.lost
        return [case.label for case in self.cases], groups, unplaced, lost

    def to_json(self) -> dict:
        return {
            "domain": self.domain,
            "lose": self.lose,
            "survives": self.survives,
            "failing_cases": len(self.failing),
            "risky_cases": len(self.risky),
            "already_unplaced": self.already_unplaced,
            "cases": [case.to_json() for case in self.cases],
        }


@dataclass
class _Occupancy:
    """The running allocations as columns, built once per cluster, so that each failure
    case hands the scheduler one summed row per node for the jobs it does not re-evaluate
    (they only occupy resources: no evaluation reads their counts)."""

    node: np.ndarray
    job: np.ndarray  # code into ``job_ids``
    job_ids: list[str]
    usage: np.ndarray  # rows cpu, memory, disk, cores; one column per allocation
    with_ports: np.ndarray  # allocations that hold ports
    itemized: np.ndarray  # per node: has max_allocs, so every allocation needs its own slot

    @classmethod
    def of(cls, cluster: Cluster) -> _Occupancy:
        running = cluster.running
        job_codes, job_ids = intern([a.job_id for a in running])
        usage = np.array(
            [[a.cpu, a.memory_mb, a.disk_mb, a.cores] for a in running], dtype=float
        ).reshape(-1, 4)
        return cls(
            np.array([a.node_index for a in running], dtype=np.int64),
            job_codes,
            job_ids,
            usage.T.copy(),
            np.array([i for i, a in enumerate(running) if a.ports], dtype=np.int64),
            cluster.ledger.capacity.max_allocs > 0,
        )


def _existing(
    cluster: Cluster, occupancy: _Occupancy, new_index: np.ndarray, rerun: set[str]
) -> list[ExistingAlloc]:
    """Running allocations on the kept nodes, re-indexed: one by one for the re-evaluated
    jobs and on nodes with ``max_allocs``, summed per node for the rest."""
    rerun_codes = [k for k, job_id in enumerate(occupancy.job_ids) if job_id in rerun]
    kept = new_index[occupancy.node] >= 0
    alone = kept & (np.isin(occupancy.job, rerun_codes) | occupancy.itemized[occupancy.node])
    running = cluster.running
    out = [
        replace(running[i], node_index=int(new_index[occupancy.node[i]]))
        for i in np.flatnonzero(alone).tolist()
    ]
    summed = kept & ~alone
    nodes = occupancy.node[summed]
    n = cluster.table.n
    totals = [np.bincount(nodes, weights=row[summed], minlength=n) for row in occupancy.usage]
    ports: dict[int, set[int]] = {}
    for i in occupancy.with_ports[summed[occupancy.with_ports]].tolist():
        ports.setdefault(running[i].node_index, set()).update(running[i].ports)
    busy = np.unique(nodes)
    cpu, memory, disk, cores = (column[busy].tolist() for column in totals)
    out.extend(
        ExistingAlloc(
            AGGREGATE,
            AGGREGATE,
            index,
            cpu[k],
            int(memory[k]),
            int(disk[k]),
            tuple(sorted(ports.get(node, ()))),
            int(cores[k]),
        )
        for k, (node, index) in enumerate(zip(busy.tolist(), new_index[busy].tolist()))
    )
    return out


def _lose(cluster: Cluster, occupancy: _Occupancy, lost_mask: np.ndarray) -> FailureCase:
    """Lose the masked nodes; place the lost allocations' replacements on the rest."""
    jobs = {job.id: job for job in cluster.resolved.jobs}
    lost: Counter[tuple[str, str]] = Counter()
    case = FailureCase((), int(np.count_nonzero(lost_mask)))
    for node in np.flatnonzero(lost_mask).tolist():
        for i in cluster.by_node.get(node, ()):
            alloc = cluster.running[i]
            job = jobs.get(alloc.job_id)
            if job is None:
                case.unknown_lost += 1
            elif job.type in SYSTEM_TYPES:
                case.system_lost += 1
            else:
                lost[alloc.job_id, alloc.group] += 1
    if not lost:
        return case
    kept = np.flatnonzero(~lost_mask)
    new_index = np.full(cluster.table.n, -1, dtype=np.int64)
    new_index[kept] = np.arange(len(kept))
    rerun = {job_id for job_id, _ in lost}
    replacements = []
    for job in cluster.resolved.jobs:  # input order: ties in priority keep it
        if job.id not in rerun:
            continue
        groups = [
            g.model_copy(update={"count": lost[job.id, g.name]})
            for g in job.task_groups
            if lost[job.id, g.name]
        ]
        replacements.append(job.model_copy(update={"task_groups": groups}))
    table = cluster.table.subset(kept)
    plan = simulate(
        table,
        replacements,
        seed=cluster.seed,
        algorithm=cluster.algorithm,
        existing=_existing(cluster, occupancy, new_index, rerun),
        memory_oversubscription=cluster.memory_oversubscription,
        score_metadata=False,
    )
    for outcome in plan.jobs:
        for group in outcome.groups:
            metric = group.failed
            loss = GroupLoss(outcome.job.id, group.name, lost[outcome.job.id, group.name], 0)
            loss.cannot_start = cannot_start(table, group.group, group.nodes)
            loss.placed_on = [table.nodes[n].name for n in group.nodes]
            if metric is not None:
                loss.unplaced = group.unplaced
                loss.reason = failure_reason(metric)
                loss.failure = format_task_group_failure(group.name, metric)
            case.losses.append(loss)
    return case


def resilience_of(cluster: Cluster, domain: str, lose: int = 1) -> ResilienceReport:
    """``resilience`` on an already simulated cluster."""
    codes, labels = domain_values(cluster.table, domain)
    present = sorted(set(codes.tolist()), key=lambda c: labels[c])
    if lose < 1:
        raise InputError(f"--lose must be at least 1, not {lose}")
    if lose > len(present):
        raise InputError(f"--lose {lose}: the cluster has only {len(present)} value(s) of {domain}")
    sets = comb(len(present), lose)
    if sets > MAX_FAILURE_SETS:
        raise InputError(
            f"--lose {lose} over {len(present)} values of {domain} is {sets:,} failure cases; "
            f"the limit is {MAX_FAILURE_SETS:,} (choose a coarser domain or a smaller --lose)"
        )
    occupancy = _Occupancy.of(cluster)
    cases = []
    for chosen in combinations(present, lose):
        case = _lose(cluster, occupancy, np.isin(codes, chosen))
        case.values = tuple(labels[c] for c in chosen)
        cases.append(case)
    already = {g.key: g.unplaced for g in cluster.run.groups if g.unplaced}
    return ResilienceReport(DOMAIN_ALIASES.get(domain, domain), lose, cases, already)


def resilience(
    resolved: ResolvedScenario, domain: str, lose: int = 1, seed: int = 0
) -> ResilienceReport:
    """For each value of ``domain`` (each combination of ``lose`` values), lose its nodes and
    report which groups cannot replace their lost allocations, how many, and why."""
    return resilience_of(current_cluster(resolved, seed), domain, lose)
