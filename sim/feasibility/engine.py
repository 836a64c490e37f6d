"""The vectorized feasibility engine: Nomad's FeasibilityWrapper over a whole NodeTable.

``FeasibilityWrapper.Next`` (feasible.go) caches verdicts per computed class: the first node
of a class that reaches a stage decides that stage for every later node of the class, which
are then reported as ``computed class ineligible`` (or pass without being checked). Here the
checks run only on those first nodes — O(classes), not O(nodes) — unless the job or group
escapes the cache, and the verdicts are broadcast back in visit order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models import Job, TaskGroup

from ..metrics import AllocMetric
from ..nodetable import NodeTable
from .candidates import Candidates, candidate_nodes
from .checker import Checker
from .reasons import COMPUTED_CLASS_INELIGIBLE, PASS, ReasonTable
from .stack import GroupStack, build_stack, network_asks


@dataclass
class GroupFeasibility:
    """One task group's verdict on every candidate node, in the order Nomad visits them."""

    job: Job
    group: TaskGroup
    order: np.ndarray
    verdicts: np.ndarray
    reasons: ReasonTable
    metric: AllocMetric
    stack: GroupStack
    notes: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> np.ndarray:
        """Indices of feasible nodes (NodeTable order positions), in visit order."""
        return self.order[self.verdicts == PASS]

    @property
    def placeable(self) -> bool:
        return bool((self.verdicts == PASS).any())

    def reason_of(self, position: int) -> str | None:
        code = int(self.verdicts[position])
        return None if code == PASS else self.reasons.texts[code]


@dataclass
class JobFeasibility:
    job: Job
    candidates: Candidates
    groups: list[GroupFeasibility]


def run_checkers(
    checkers: list[Checker], table: NodeTable, rows: np.ndarray, reasons: ReasonTable
) -> np.ndarray:
    """First failure over a checker list; later checkers only see rows still passing."""
    verdict = np.full(len(rows), PASS, dtype=np.int32)
    for checker in checkers:
        open_ = np.flatnonzero(verdict == PASS)
        if not len(open_):
            break
        verdict[open_] = checker.verdicts(table, rows[open_], reasons)
    return verdict


def _class_cached(
    checkers: list[Checker],
    table: NodeTable,
    rows: np.ndarray,
    reasons: ReasonTable,
    escaped: bool,
) -> np.ndarray:
    """Verdicts of one cacheable stage: per node if escaped, else decided by each class's first node."""
    if escaped:
        return run_checkers(checkers, table, rows, reasons)
    codes = table.class_codes[rows]
    classes, first = np.unique(codes, return_index=True)
    first_verdict = run_checkers(checkers, table, rows[first], reasons)
    ineligible = np.zeros(table.class_count, dtype=bool)
    ineligible[classes] = first_verdict != PASS
    verdict = np.where(ineligible[codes], reasons.id(COMPUTED_CLASS_INELIGIBLE), PASS)
    verdict = verdict.astype(np.int32)
    verdict[first] = first_verdict
    return verdict


def evaluate_stack(
    table: NodeTable, stack: GroupStack, order: np.ndarray, reasons: ReasonTable
) -> np.ndarray:
    """Verdict per node of ``order``: job stage, then group stage, then available checks."""
    verdict = _class_cached(stack.job_checkers, table, order, reasons, stack.job_escaped)
    passed = np.flatnonzero(verdict == PASS)
    verdict[passed] = _class_cached(
        stack.group_checkers, table, order[passed], reasons, stack.group_escaped
    )
    passed = np.flatnonzero(verdict == PASS)
    verdict[passed] = run_checkers(stack.available_checkers, table, order[passed], reasons)
    return verdict


def filter_metric(
    table: NodeTable, job: Job, candidates: Candidates, order: np.ndarray, verdict: np.ndarray,
    reasons: ReasonTable,
) -> AllocMetric:
    """The AllocMetric of one full pass over ``order`` (what Nomad reports when nothing fits)."""
    metric = AllocMetric(
        nodes_evaluated=len(order),
        nodes_in_pool=len(candidates.indices),
        node_pool=job.node_pool,
        nodes_available=dict(candidates.nodes_available),
    )
    filtered = verdict != PASS
    metric.nodes_filtered = int(filtered.sum())
    counts = np.bincount(verdict[filtered], minlength=len(reasons.texts))
    metric.constraint_filtered = {
        reasons.texts[i]: int(c) for i, c in enumerate(counts) if c
    }
    user_class = table.node_class_column
    class_counts = np.bincount(user_class.codes[order[filtered]], minlength=len(user_class.values))
    metric.class_filtered = {
        user_class.values[i]: int(c)
        for i, c in enumerate(class_counts)
        if c and user_class.values[i]
    }
    return metric


def evaluate_job(table: NodeTable, job: Job, seed: int = 0) -> JobFeasibility:
    """Feasibility of every group of ``job``: one shared visit order, one class cache per group."""
    candidates = candidate_nodes(table, job)
    order = candidates.shuffled(seed)
    groups = []
    for group, network in zip(job.task_groups, network_asks(job)):
        stack = build_stack(job, group, network)
        reasons = ReasonTable()
        verdict = evaluate_stack(table, stack, order, reasons)
        metric = filter_metric(table, job, candidates, order, verdict, reasons)
        groups.append(
            GroupFeasibility(job, group, order, verdict, reasons, metric, stack, list(stack.notes))
        )
    return JobFeasibility(job, candidates, groups)
