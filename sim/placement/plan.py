"""The outcome of a simulation, shaped for notebooks: per job, per group, per allocation.

Placements are stored as compact arrays (a C1M run has a million of them) and turned into
``PlacedAllocation`` objects only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
import numpy as np

from models import Job, TaskGroup

from ..core.metrics import AllocMetric
from ..core.nodetable import NodeTable
from ..core.nomad_text import format_dry_run, format_preemptions, format_task_group_failure
from .chain import (
    GENERIC_CHAIN,
    NORMALIZED_SCORE,
    SYSTEM_CHAIN,
    Parts,
    RankScorer,
    Scoring,
    assemble,
    binpack_only,
    recorded_scores,
)
from .deployment import DeploymentOutcome
from .resources import GroupAsk, Offer
from .select import Misses, TopScores

BLOCKED_DESCRIPTION = "created to place remaining allocations"


def scores_dict(
    parts: Parts, final: float, chain: tuple[RankScorer, ...] = GENERIC_CHAIN
) -> dict[str, float]:
    """Per-scorer scores as the metric records them, then the normalized score."""
    out = recorded_scores(parts, chain)
    out[NORMALIZED_SCORE] = final
    return out


class Eviction(msgspec.Struct, frozen=True):
    """A running allocation a placement preempts (``Plan.NodePreemptions``): its desired
    status becomes ``evict`` and its job gets a new evaluation (nomad/plan_apply.go)."""

    existing: int  # index into the simulation's existing allocations
    alloc_id: str
    job_id: str
    group: str
    node_index: int
    node_name: str
    priority: int
    preempted_by: str  # the name of the allocation that takes its place

    @property
    def label(self) -> str:
        """The allocation ID when known, else where it ran."""
        return self.alloc_id or f"{self.job_id}.{self.group} on {self.node_name}"


class PlacedAllocation(msgspec.Struct, frozen=True):
    job_id: str
    group: str
    index: int
    node_index: int
    node_name: str
    cpu: float
    memory_mb: int
    memory_max_mb: int
    disk_mb: int
    offer: Offer
    score: float
    scores: dict[str, float]
    nodes_evaluated: int
    score_metadata: list[dict[str, Any]]
    metrics: AllocMetric | None = None  # ``Allocation.Metrics``; None when metadata is off
    preempted: tuple[Eviction, ...] = ()  # ``Allocation.PreemptedAllocations``

    @property
    def name(self) -> str:
        """Nomad's allocation name: ``<job>.<group>[<index>]``."""
        return f"{self.job_id}.{self.group}[{self.index}]"


@dataclass
class GroupOutcome:
    """One task group: where its allocations went and, if some did not, Nomad's metric."""

    group: TaskGroup
    ask: GroupAsk
    table: NodeTable
    job_id: str
    indices: list[int] = field(default_factory=list)
    nodes: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    parts: list[Scoring] = field(default_factory=list)  # see ``Choice.parts``
    evaluated: list[int] = field(default_factory=list)
    offers: dict[int, Offer] = field(default_factory=dict)
    top: dict[int, TopScores] = field(default_factory=dict)  # ScoreMetaData per Select
    failed: AllocMetric | None = None
    base: AllocMetric | None = None  # pool and datacenter counts every metric carries
    misses: dict[int, Misses] = field(default_factory=dict)  # filtered/exhausted per Select
    chain: tuple[RankScorer, ...] = GENERIC_CHAIN
    # Per placement (position in ``nodes``): the allocations it preempts.
    evictions: dict[int, list[Eviction]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.group.name

    @property
    def placed_count(self) -> int:
        return len(self.nodes)

    @property
    def unplaced(self) -> int:
        return 0 if self.failed is None else self.failed.coalesced_failures + 1

    def record(
        self,
        index: int,
        node: int,
        cpu: float,
        score: float,
        parts: Scoring,
        evaluated: int,
        offer: Offer,
        top: TopScores | None,
        misses: Misses | None = None,
    ) -> None:
        self.indices.append(index)
        self.nodes.append(node)
        self.cpu.append(cpu)
        self.scores.append(score)
        self.parts.append(parts)
        self.evaluated.append(evaluated)
        if offer.ports or offer.cores or offer.devices:
            self.offers[len(self.nodes) - 1] = offer
        if top is not None:
            self.top[len(self.nodes) - 1] = top
        if misses is not None:
            self.misses[len(self.nodes) - 1] = misses

    def record_many(
        self, nodes: np.ndarray, cpu: np.ndarray | float, scores: np.ndarray, offers: list[Offer]
    ) -> None:
        """Placements of a system group: one per node, each evaluated alone, binpack only
        (their metrics are built when asked for, see ``metric``)."""
        start = len(self.nodes)
        self.indices.extend(range(start, start + len(nodes)))
        self.nodes.extend(nodes.tolist())
        self.cpu.extend(np.broadcast_to(cpu, len(nodes)).tolist())
        self.scores.extend(scores.tolist())
        self.parts.extend(binpack_only(s) for s in scores.tolist())
        self.evaluated.extend([1] * len(nodes))
        for k, offer in enumerate(offers):
            if offer.ports or offer.cores or offer.devices:
                self.offers[start + k] = offer

    def score_metadata(self, k: int) -> list[dict[str, Any]]:
        """``ScoreMetaData`` of the ``k``-th placement: its Select's best options.

        A system Select sees one node, so its one entry is the chosen node."""
        names = self.table.nodes
        kept = self.top.get(k)
        top = None if kept is None else kept.reports()
        if kept is None and self.chain is SYSTEM_CHAIN:
            top = [(self.nodes[k], self.scores[k], assemble(self.parts[k]))]
        return [
            {
                "NodeID": names[n].id or names[n].name,
                "NodeName": names[n].name,
                "NormScore": final,
                "Scores": recorded_scores(parts, self.chain),
            }
            for n, final, parts in top or []
        ]

    def metric(self, k: int) -> AllocMetric | None:
        """``Allocation.Metrics`` of the ``k``-th placement (None when metadata was off)."""
        if self.base is None:
            return None
        system = self.chain is SYSTEM_CHAIN
        misses = self.misses.get(k)
        if misses is None and not system:
            return None
        metric = (
            misses.metric(self.table.node_class_column)
            if misses is not None
            else AllocMetric(nodes_evaluated=1)
        )
        metric.nodes_in_pool = self.base.nodes_in_pool
        metric.nodes_available = dict(self.base.nodes_available)
        # The system scheduler sets NodePool only on failures (scheduler_system.go).
        metric.node_pool = "" if system else self.base.node_pool
        metric.score_metadata = self.score_metadata(k)
        return metric

    def allocations(self) -> Iterator[PlacedAllocation]:
        names = self.table.nodes
        for k, node in enumerate(self.nodes):
            yield PlacedAllocation(
                job_id=self.job_id,
                group=self.name,
                index=self.indices[k],
                node_index=node,
                node_name=names[node].name,
                cpu=self.cpu[k],
                memory_mb=self.ask.memory_mb,
                memory_max_mb=self.ask.memory_max_mb,
                disk_mb=self.ask.disk_mb,
                offer=self.offers.get(k, Offer()),
                score=self.scores[k],
                scores=scores_dict(assemble(self.parts[k]), self.scores[k], self.chain),
                nodes_evaluated=self.evaluated[k],
                score_metadata=self.score_metadata(k),
                metrics=self.metric(k),
                preempted=tuple(self.evictions.get(k, ())),
            )

    @property
    def preempted(self) -> list[Eviction]:
        return [e for k in sorted(self.evictions) for e in self.evictions[k]]


@dataclass
class BlockedEval:
    """The evaluation Nomad creates to retry the unplaced allocations when capacity changes.

    ``class_eligibility`` is keyed by computed class code (``NodeTable.class_codes``); Nomad
    keys it by the ``v1:<hash>`` string, which is not reproduced.
    """

    job_id: str
    class_eligibility: dict[int, bool]
    escaped_computed_class: bool
    status: str = "blocked"
    status_description: str = BLOCKED_DESCRIPTION
    triggered_by: str = "queued-allocs"


@dataclass
class JobOutcome:
    job: Job
    groups: list[GroupOutcome]
    blocked_eval: BlockedEval | None
    deployment: DeploymentOutcome
    seed: int
    # "job-register", or "preemption" for the evaluation Nomad creates for a job whose
    # allocations were preempted (structs.EvalTriggerPreemption).
    triggered_by: str = "job-register"

    @property
    def preempted(self) -> list[Eviction]:
        """The allocations this evaluation's placements preempt."""
        return [e for g in self.groups for e in g.preempted]

    @property
    def failed(self) -> dict[str, AllocMetric]:
        return {g.name: g.failed for g in self.groups if g.failed is not None}

    def failed_tg_allocs(self) -> dict[str, dict[str, Any]]:
        """``Evaluation.FailedTGAllocs`` as the API returns it."""
        return {name: metric.to_nomad() for name, metric in self.failed.items()}

    def dry_run(self) -> str:
        """The scheduler dry-run block of ``nomad job plan``."""
        return format_dry_run(self.job.type, self.failed)

    def failure_text(self) -> str:
        return "\n".join(format_task_group_failure(n, m) for n, m in sorted(self.failed.items()))

    def allocations(self) -> Iterator[PlacedAllocation]:
        for group in self.groups:
            yield from group.allocations()

    @property
    def placed_count(self) -> int:
        return sum(g.placed_count for g in self.groups)

    @property
    def unplaced_count(self) -> int:
        return sum(g.unplaced for g in self.groups)


@dataclass
class PlacementPlan:
    """Every job's outcome, in the order the jobs were scheduled (priority, then input)."""

    table: NodeTable
    jobs: list[JobOutcome]
    algorithm: str
    seed: int

    def job(self, job_id: str) -> JobOutcome:
        for outcome in self.jobs:
            if outcome.job.id == job_id:
                return outcome
        raise KeyError(job_id)

    def allocations(self) -> Iterator[PlacedAllocation]:
        for outcome in self.jobs:
            yield from outcome.allocations()

    @property
    def placed_count(self) -> int:
        return sum(j.placed_count for j in self.jobs)

    @property
    def unplaced_count(self) -> int:
        return sum(j.unplaced_count for j in self.jobs)

    @property
    def preempted(self) -> list[Eviction]:
        """Every allocation the run preempts, in scheduling order."""
        return [e for j in self.jobs for e in j.preempted]

    def preemption_text(self, job_id: str) -> str:
        """The "Preemptions" block of ``nomad job plan`` for the job's evaluations ("" when
        they preempt nothing)."""
        types = {j.job.id: j.job.type for j in self.jobs}
        preempted = [
            (e.label, e.job_id, e.group, "default", types.get(e.job_id, "-"))
            for j in self.jobs
            if j.job.id == job_id
            for e in j.preempted
        ]
        return format_preemptions(preempted) if preempted else ""

    @property
    def blocked_evals(self) -> list[BlockedEval]:
        return [j.blocked_eval for j in self.jobs if j.blocked_eval is not None]

    def warnings(self) -> list[str]:
        """Feasible-but-risky placements (allocations that will sit pending)."""
        return [f"{j.job.id}: {r}" for j in self.jobs for r in j.deployment.reasons]

    def summary(self) -> str:
        lines = []
        for j in self.jobs:
            line = (
                f"{j.job.id} ({j.job.type}): {j.placed_count} placed, {j.unplaced_count} unplaced"
            )
            line += f" — {j.deployment.status}"
            if j.deployment.deployment_description:
                line += f"; deployment {j.deployment.deployment_description}"
                if j.deployment.after:
                    line += f" after {j.deployment.after}"
            lines.append(line)
        return "\n".join(lines)
