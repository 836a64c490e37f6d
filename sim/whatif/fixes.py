"""Minimal fixes: the fewest nodes that place every job, the constraints that block a group."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from models import Job

from ..core.nodetable import NodeTable
from ..feasibility import evaluate_job
from ..io import ResolvedScenario, load_scenario
from .outcome import ScenarioRun, run_resolved

_VAR = re.compile(r"var\.([A-Za-z_][\w-]*)")


def count_variables(resolved: ResolvedScenario) -> list[str]:
    """Variables that set a node group's count (``count: "${var.client_count}"``)."""
    names: list[str] = []
    for group in resolved.scenario.node_groups:
        if isinstance(group.count, str):
            names.extend(n for n in _VAR.findall(group.count) if n not in names)
    return names


@dataclass
class CountFix:
    values: dict[str, int]
    run: ScenarioRun
    tried: int


def minimal_counts(
    scenario: Path,
    sets: dict[str, object] | None = None,
    var_files: list[Path] = (),  # type: ignore[assignment]
    *,
    max_count: int = 8,
    seed: int = 0,
    require_startable: bool = True,
) -> CountFix | None:
    """The count assignment with the smallest total that places every job.

    Count variables are searched from 0 to ``max_count`` each, smallest total first (ties in
    grid order). With ``require_startable`` a placement that cannot start (Bug #17) does not
    count as placed. Returns None when no assignment within the bound works.
    """
    base = load_scenario(scenario, sets, list(var_files))
    names = count_variables(base)
    if not names:
        return None
    combos = sorted(itertools.product(range(max_count + 1), repeat=len(names)), key=sum)
    for tried, combo in enumerate(combos, 1):
        values = dict(zip(names, combo))
        run = run_resolved(
            load_scenario(scenario, {**(sets or {}), **values}, list(var_files)), seed
        )
        if run.all_placed and (not require_startable or not run.risky):
            return CountFix(values, run, tried)
    return None


@dataclass
class ConstraintFix:
    group: str
    constraint: str
    level: str
    feasible_nodes: int


def _without(job: Job, level: str, group_name: str, task_name: str, index: int) -> Job:
    copy = job.model_copy(deep=True)
    if level == "job":
        del copy.constraints[index]
        return copy
    group = next(g for g in copy.task_groups if g.name == group_name)
    if level == "group":
        del group.constraints[index]
    else:
        task = next(t for t in group.tasks if t.name == task_name)
        del task.constraints[index]
    return copy


def constraint_fixes(run: ScenarioRun, seed: int = 0) -> list[ConstraintFix]:
    """For each unplaceable group, each single constraint whose removal makes it feasible."""
    fixes = []
    table: NodeTable = run.table
    jobs = {f.job.id: f.job for f in run.feasibility}
    for result in run.unplaceable:
        job = jobs[result.job]
        group = next(g for g in job.task_groups if g.name == result.group)
        candidates = [("job", "", i, c) for i, c in enumerate(job.constraints)]
        candidates += [("group", "", i, c) for i, c in enumerate(group.constraints)]
        candidates += [
            (f"task {t.name}", t.name, i, c)
            for t in group.tasks
            for i, c in enumerate(t.constraints)
        ]
        for level, task_name, index, constraint in candidates:
            if constraint.operand in ("distinct_hosts", "distinct_property"):
                continue
            kind = level.split()[0]
            trial = _without(job, kind, group.name, task_name, index)
            feasible = next(
                g for g in evaluate_job(table, trial, seed).groups if g.group.name == group.name
            ).feasible
            if len(feasible):
                fixes.append(ConstraintFix(result.key, str(constraint), level, len(feasible)))
    return fixes
