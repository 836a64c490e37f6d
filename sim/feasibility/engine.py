"""The vectorized feasibility engine: Nomad's FeasibilityWrapper over a whole NodeTable.

``FeasibilityWrapper.Next`` (feasible.go) caches verdicts per computed class: the first node
of a class that reaches a stage decides that stage for every later node of the class, which
are then reported as ``computed class ineligible`` (or pass without being checked). Here the
checks run only on those first nodes — O(classes), not O(nodes) — unless the job or group
escapes the cache, and the verdicts are broadcast back in visit order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

import msgspec
import numpy as np

from models import Job, TaskGroup

from ..core.metrics import AllocMetric
from ..core.nodetable import NodeTable, first_positions
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
    verdict_source: Callable[[], np.ndarray]
    reasons: ReasonTable
    metric: AllocMetric
    stack: GroupStack
    notes: list[str] = field(default_factory=list)
    # Per computed class code, when every candidate node of a class shares its verdict
    # (class-level path, no per-node checks): whether the class is feasible. Else None.
    feasible_classes: np.ndarray | None = None

    @cached_property
    def verdicts(self) -> np.ndarray:
        """Reason id per node of ``order`` (``PASS`` = feasible), built on first use: when
        classes decide, the metric and ``feasible_classes`` need no per-node array."""
        return self.verdict_source()

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


class VisitOrder(msgspec.Struct, frozen=True):
    """Candidates in visit order with the first position of each computed class.

    Arrays indexed by class code span every class of the table; ``first`` is -1 for classes
    with no candidate. Built once per (candidate set, seed) and shared by every group.
    """

    order: np.ndarray
    codes: np.ndarray
    first: np.ndarray
    present: np.ndarray
    sizes: np.ndarray

    @classmethod
    def of(cls, table: NodeTable, order: np.ndarray) -> VisitOrder:
        codes = table.class_codes[order]
        first = first_positions(codes, table.class_count)
        present = np.flatnonzero(first >= 0)
        sizes = np.bincount(codes, minlength=table.class_count)
        return cls(order, codes, first, present, sizes)


def _class_cached(
    checkers: list[Checker], table: NodeTable, rows: np.ndarray, reasons: ReasonTable
) -> np.ndarray:
    """One cacheable stage over ``rows``: each class's first row decides for the rest."""
    codes = table.class_codes[rows]
    first_by_class = first_positions(codes, table.class_count)
    present = np.flatnonzero(first_by_class >= 0)
    first = first_by_class[present]
    first_verdict = run_checkers(checkers, table, rows[first], reasons)
    failed = np.zeros(table.class_count, dtype=bool)
    failed[present] = first_verdict != PASS
    return _broadcast(failed, codes, first, first_verdict, reasons)


def _broadcast(
    failed: np.ndarray,
    codes: np.ndarray,
    first: np.ndarray,
    first_verdict: np.ndarray,
    reasons: ReasonTable,
) -> np.ndarray:
    """Later nodes of a failed class are ``computed class ineligible``; first nodes keep theirs.

    ``failed`` is indexed by class code, ``codes`` gives each row's class.
    """
    per_class = np.full(len(failed), PASS, dtype=np.int32)
    if failed.any():
        per_class[failed] = reasons.id(COMPUTED_CLASS_INELIGIBLE)
    verdict = per_class[codes]
    verdict[first] = first_verdict
    return verdict


@dataclass
class JobEligibility:
    """Classes an earlier group of the same evaluation found ineligible for the job.

    ``EvalEligibility`` keeps one job status per computed class for the whole evaluation
    (context.go), so once any group's pass has seen a class fail the job's constraints, every
    node of that class, its first one included, is ``computed class ineligible`` for the
    groups that follow.
    """

    ineligible: np.ndarray

    @classmethod
    def fresh(cls, table: NodeTable) -> JobEligibility:
        return cls(np.zeros(table.class_count, dtype=bool))

    def apply(self, codes: np.ndarray, verdict: np.ndarray, reasons: ReasonTable) -> None:
        """Mark classes known ineligible in ``verdict``, then learn the classes failing now."""
        known = self.ineligible[codes]
        if known.any():
            verdict[known] = reasons.id(COMPUTED_CLASS_INELIGIBLE)
        self.ineligible[codes[verdict != PASS]] = True


def class_verdicts(
    table: NodeTable,
    stack: GroupStack,
    reps: np.ndarray,
    reasons: ReasonTable,
    job_eligibility: JobEligibility | None = None,
) -> np.ndarray:
    """Job then group checkers on each class's deciding node."""
    verdict = run_checkers(stack.job_checkers, table, reps, reasons)
    if job_eligibility is not None:
        job_eligibility.apply(table.class_codes[reps], verdict, reasons)
    open_ = np.flatnonzero(verdict == PASS)
    verdict[open_] = run_checkers(stack.group_checkers, table, reps[open_], reasons)
    return verdict


def evaluate_stack(
    table: NodeTable, stack: GroupStack, visit: VisitOrder, reasons: ReasonTable
) -> np.ndarray:
    """Verdict per node of the visit order: job stage, then group stage, then available checks."""
    return evaluate_group(table, stack, visit, reasons)[0]()


def evaluate_group(
    table: NodeTable,
    stack: GroupStack,
    visit: VisitOrder,
    reasons: ReasonTable,
    job_eligibility: JobEligibility | None = None,
) -> tuple[Callable[[], np.ndarray], np.ndarray | None]:
    """``evaluate_stack`` as a function giving the verdicts, plus the verdict of each present
    class's first node when the stages were decided per class (None when the job or group
    escapes the cache). With classes deciding, the per-node array is only built on demand.

    ``job_eligibility`` carries the job-level class cache from one group to the next.
    """
    if stack.job_escaped:
        job_eligibility = None
    order = visit.order
    first_verdict = None
    if not (stack.job_escaped or stack.group_escaped):
        # Both stages are decided by the same first node of each class: work per class only.
        first = visit.first[visit.present]
        first_verdict = class_verdicts(table, stack, order[first], reasons, job_eligibility)
        failed = np.zeros(len(visit.first), dtype=bool)
        failed[visit.present] = first_verdict != PASS
        source = partial(_broadcast, failed, visit.codes, first, first_verdict, reasons)
        if not stack.available_checkers:
            return source, first_verdict
        verdict = source()
    else:
        if stack.job_escaped:
            verdict = run_checkers(stack.job_checkers, table, order, reasons)
        else:
            verdict = _class_cached(stack.job_checkers, table, order, reasons)
            if job_eligibility is not None:
                job_eligibility.apply(table.class_codes[order], verdict, reasons)
        passed = np.flatnonzero(verdict == PASS)
        if stack.group_escaped:
            verdict[passed] = run_checkers(stack.group_checkers, table, order[passed], reasons)
        else:
            verdict[passed] = _class_cached(stack.group_checkers, table, order[passed], reasons)
    if stack.available_checkers:
        passed = np.flatnonzero(verdict == PASS)
        verdict[passed] = run_checkers(stack.available_checkers, table, order[passed], reasons)
    return partial(_identity, verdict), first_verdict


def _identity(verdict: np.ndarray) -> np.ndarray:
    return verdict


def class_metric(
    table: NodeTable,
    job: Job,
    candidates: Candidates,
    visit: VisitOrder,
    first_verdict: np.ndarray,
    reasons: ReasonTable,
) -> AllocMetric:
    """``filter_metric`` computed per class: a failed class filters its first node with the
    real reason and the rest as ``computed class ineligible``. Valid without available checks."""
    metric = _empty_metric(job, candidates, len(visit.order))
    failed = first_verdict != PASS
    if not failed.any():
        return metric
    sizes = visit.sizes[visit.present[failed]]
    metric.nodes_filtered = int(sizes.sum())
    ineligible = reasons.id(COMPUTED_CLASS_INELIGIBLE)
    counts = np.bincount(first_verdict[failed], minlength=len(reasons.texts))
    counts[ineligible] += int(sizes.sum()) - len(sizes)
    metric.constraint_filtered = {reasons.texts[i]: int(c) for i, c in enumerate(counts) if c}
    user_class = table.node_class_column
    per_user = np.bincount(
        table.class_user_class[visit.present[failed]],
        weights=sizes,
        minlength=len(user_class.values),
    )
    metric.class_filtered = {
        user_class.values[i]: int(c) for i, c in enumerate(per_user) if c and user_class.values[i]
    }
    return metric


def _empty_metric(job: Job, candidates: Candidates, evaluated: int) -> AllocMetric:
    return AllocMetric(
        nodes_evaluated=evaluated,
        nodes_in_pool=len(candidates.indices),
        node_pool=job.node_pool,
        nodes_available=dict(candidates.nodes_available),
    )


def filter_metric(
    table: NodeTable,
    job: Job,
    candidates: Candidates,
    order: np.ndarray,
    verdict: np.ndarray,
    reasons: ReasonTable,
) -> AllocMetric:
    """The AllocMetric of one full pass over ``order`` (what Nomad reports when nothing fits)."""
    metric = _empty_metric(job, candidates, len(order))
    filtered = verdict != PASS
    metric.nodes_filtered = int(np.count_nonzero(filtered))
    if not metric.nodes_filtered:
        return metric
    counts = np.bincount(verdict[filtered], minlength=len(reasons.texts))
    metric.constraint_filtered = {reasons.texts[i]: int(c) for i, c in enumerate(counts) if c}
    user_class = table.node_class_column
    class_counts = np.bincount(user_class.codes[order[filtered]], minlength=len(user_class.values))
    metric.class_filtered = {
        user_class.values[i]: int(c)
        for i, c in enumerate(class_counts)
        if c and user_class.values[i]
    }
    return metric


def evaluate_job(table: NodeTable, job: Job, seed: int = 0) -> JobFeasibility:
    """Feasibility of every group of ``job``: one shared visit order, a full pass per group,
    the job-level class cache shared by the groups and a group-level one per group."""
    candidates = candidate_nodes(table, job)
    visit = table.cached_mask(
        ("visit", candidates.key, seed), lambda: VisitOrder.of(table, candidates.shuffled(seed))
    )
    order = visit.order
    groups = []
    job_eligibility = JobEligibility.fresh(table)
    for group, network in zip(job.task_groups, network_asks(job)):
        stack = build_stack(job, group, network)
        reasons = ReasonTable()
        source, first_verdict = evaluate_group(table, stack, visit, reasons, job_eligibility)
        feasible_classes = None
        if first_verdict is not None and not stack.available_checkers:
            metric = class_metric(table, job, candidates, visit, first_verdict, reasons)
            feasible_classes = np.zeros(table.class_count, dtype=bool)
            feasible_classes[visit.present[first_verdict == PASS]] = True
        else:
            metric = filter_metric(table, job, candidates, order, source(), reasons)
        groups.append(
            GroupFeasibility(
                job,
                group,
                order,
                source,
                reasons,
                metric,
                stack,
                list(stack.notes),
                feasible_classes,
            )
        )
    return JobFeasibility(job, candidates, groups)
