"""Fixes an operator would make, each tried in the model before it is proposed.

For every group that does not place, or places where it cannot start, in the order an
operator reaches for them: (a) add nodes of an existing node group, (b) add the OS
constraint the job lacks (Bug #17: a Linux image placed on a Windows Docker node), alone or
with added nodes, (c) relax one constraint or device constraint that blocks. A change is
proposed only when the simulated cluster with the change places the group, every placement
of it can start, and no other group ends worse. When no number of added nodes helps, the
report names, per node group, the request its nodes cannot meet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from models import Constraint, Job, Task, TaskGroup

from ..core.class_labels import table_class_labels
from ..core.errors import InputError
from ..core.nodetable import NodeTable
from ..feasibility import evaluate_job, node_findings
from ..io import ResolvedScenario
from ..placement import image_os
from ..placement.deployment import group_start_problems
from .edits import add_like
from .outcome import GroupResult, ScenarioRun, run_resolved

Reload = Callable[[dict[str, object]], ResolvedScenario]
Change = Callable[[ResolvedScenario], ResolvedScenario]
_VAR = re.compile(r"^\$\{var\.([A-Za-z_][\w-]*)\}$")
ADD_NODES, ADD_CONSTRAINT, RELAX = "add nodes", "add constraint", "relax"
# The attribute whose value names the OS family a client runs (fingerprint/host.go).
OS_ATTRIBUTE = "${attr.kernel.name}"


@dataclass
class Proposal:
    """One verified change: what to do, the HCL to paste, what the model shows after it."""

    group: str
    kind: str
    change: str
    verified: str
    hcl: str = ""
    nodes_added: int = 0
    variables: dict[str, int] = field(default_factory=dict)


@dataclass
class Unmet:
    """No count helps: per node group, the request its nodes cannot meet."""

    group: str
    requests: dict[str, str]


@dataclass
class FixReport:
    problems: list[GroupResult]
    proposals: list[Proposal]
    unmet: list[Unmet]
    simulations: int

    @property
    def settled(self) -> bool:
        """Every problem group has at least one verified proposal."""
        fixed = {p.group for p in self.proposals}
        return all(g.key in fixed for g in self.problems)


def constraint_hcl(constraint: Constraint) -> str:
    """The constraint as a jobspec block (``=`` is the default operator, left out)."""
    lines = ["constraint {", f'  attribute = "{constraint.l_target}"']
    if constraint.operand not in ("", "="):
        lines.append(f'  operator  = "{constraint.operand}"')
    lines.append(f'  value     = "{constraint.r_target}"')
    return "\n".join([*lines, "}"])


@dataclass
class _Search:
    """The cluster as it is, how to grow a node group, and a budget of simulations."""

    resolved: ResolvedScenario
    current: ScenarioRun
    seed: int
    max_count: int
    reload: Reload | None
    runs: int = 0

    def simulate(self, resolved: ResolvedScenario) -> ScenarioRun:
        self.runs += 1
        return run_resolved(resolved, self.seed)

    def verdict(self, key: str, change: Change) -> str | None:
        """What the model shows for ``key`` after ``change``, or None when it does not fix it
        or another group ends worse (fewer placed, or a new placement that cannot start)."""
        after = self.simulate(change(self.resolved))
        target = next((g for g in after.groups if g.key == key), None)
        if target is None or target.unplaced or target.risks:
            return None
        before = {g.key: g for g in self.current.groups}
        for g in after.groups:
            was = before.get(g.key)
            if (
                g.key != key
                and was is not None
                and (g.placed < was.placed or len(g.risks) > len(was.risks))
            ):
                return None
        where = ", ".join(target.nodes[:3]) + (" ..." if len(target.nodes) > 3 else "")
        return f"{key} placed {target.placed}/{target.count} on {where}, every placement can start"

    def node_groups(self) -> dict[str, str]:
        """Node group name → a node of it ("" when empty); computed class labels stand for
        node groups when Nomad's own files give none."""
        resolved = self.resolved
        names = resolved.node_group_of
        if not resolved.scenario.node_groups and len(set(names)) == 1 and resolved.nodes:
            table = NodeTable(resolved.nodes)
            labels = table_class_labels(table)
            names = [labels[int(code)] for code in table.class_codes]
        out: dict[str, str] = {}
        ready: set[str] = set()
        for name, node in zip(names, resolved.nodes, strict=True):
            # A ready node stands for its group: a copy of a drained one would not help.
            if name not in ready:
                out[name] = node.name if node.ready() or name not in out else out[name]
                if node.ready():
                    ready.add(name)
        for group in resolved.scenario.node_groups:
            out.setdefault(group.name, "")
        return out

    def units(self) -> list[_Unit]:
        """What can grow: a count variable (all the node groups it sizes at once, an empty
        one too), else a node group by copies of one of its nodes."""
        samples = self.node_groups()
        by_variable: dict[str, list[str]] = {}
        if self.reload is not None:
            for group in self.resolved.scenario.node_groups:
                found = _VAR.match(group.count.strip()) if isinstance(group.count, str) else None
                if found:
                    by_variable.setdefault(found.group(1), []).append(group.name)
        sized = {name for names in by_variable.values() for name in names}
        units = [
            _Unit(names, [samples[n] for n in names if samples.get(n)], variable)
            for variable, names in by_variable.items()
        ]
        units += [_Unit([n], [node]) for n, node in samples.items() if n not in sized and node]
        return units

    def grow(self, unit: _Unit, k: int) -> Change:
        """``k`` more nodes in each node group of the unit."""
        if unit.variable is not None and self.reload is not None:
            value: dict[str, object] = {unit.variable: self.value_of(unit) + k}
            reload = self.reload
            return lambda _r: reload(value)
        node = unit.samples[0]
        return lambda r: add_like(r, node, k)

    def value_of(self, unit: _Unit) -> int:
        return int(str(self.resolved.variables.get(unit.variable or "", 0)))


@dataclass
class _Unit:
    groups: list[str]
    samples: list[str]
    variable: str | None = None

    def describe(self, k: int, before: int) -> str:
        nodes = f"{k} node{'s' if k > 1 else ''}"
        if self.variable is None:
            return f"add {nodes} to node group {self.groups[0]} (like {self.samples[0]})"
        where = (
            f"node group {self.groups[0]}"
            if len(self.groups) == 1
            else f"each of node groups {', '.join(self.groups)}"
        )
        return f"add {nodes} to {where} ({self.variable} {before} → {before + k})"


def _with_group(job: Job, group_name: str, edit: Callable[[TaskGroup], TaskGroup]) -> Job:
    groups = [edit(g) if g.name == group_name else g for g in job.task_groups]
    return job.model_copy(update={"task_groups": groups})


def _set_constraints(
    group: TaskGroup, rest: list[Constraint] | None, extra: Constraint | None = None
) -> TaskGroup:
    """The group with its constraints replaced by ``rest`` (or kept) and ``extra`` appended."""
    constraints = list(group.constraints if rest is None else rest)
    if extra is not None:
        constraints.append(extra)
    return group.model_copy(update={"constraints": constraints})


def _put_job(job: Job) -> Change:
    return lambda r: replace(r, jobs=[job if j.id == job.id else j for j in r.jobs])


def _then(first: Change, second: Change) -> Change:
    return lambda r: second(first(r))


def _os_constraint(group: TaskGroup) -> Constraint | None:
    """``${attr.kernel.name} = linux`` (or windows) for a group whose Docker images all
    need one OS; None when they mix or when the group already pins the OS."""
    wanted = {image_os(t) for t in group.tasks if t.driver == "docker"}
    if len(wanted) != 1:
        return None
    constraint = Constraint(l_target=OS_ATTRIBUTE, r_target=wanted.pop(), operand="=")
    if constraint in group.constraints:
        return None
    return constraint


def _add_nodes(
    search: _Search, key: str, job: Job, extra: Change | None, base: str
) -> Iterator[Proposal]:
    """The fewest nodes of each node group that fix ``key`` (after ``extra``, when given).
    A node group whose nodes fail a check of the group, or could not start it, is skipped:
    more of the same cannot help."""
    group_name = key.split("/", 1)[1]
    table = NodeTable(search.resolved.nodes)
    feasibility = next(
        g for g in evaluate_job(table, job, search.seed).groups if g.group.name == group_name
    )
    for unit in search.units():
        samples = [table.nodes[table.name_index[n]] for n in unit.samples]
        if samples and all(
            node_findings(n, feasibility) or group_start_problems(feasibility.group, n)
            for n in samples
        ):
            continue
        for k in range(1, search.max_count + 1):
            change = search.grow(unit, k)
            verified = search.verdict(key, _then(change, extra) if extra else change)
            if verified is None:
                continue
            variables = {unit.variable: search.value_of(unit) + k} if unit.variable else {}
            what = unit.describe(k, search.value_of(unit))
            added = k * len(unit.groups)
            yield Proposal(key, base, what, verified, nodes_added=added, variables=variables)
            break


def _relaxations(job: Job, group: TaskGroup) -> Iterator[tuple[str, Job]]:
    """Each constraint written in the job, and each device constraint, removed alone."""
    if job.constraints:
        for i, c in enumerate(job.constraints):
            if not c.implied_by and not c.operand.startswith("distinct_"):
                rest = [x for j, x in enumerate(job.constraints) if j != i]
                yield (
                    f'job "{job.id}" constraint "{c}"',
                    job.model_copy(update={"constraints": rest}),
                )
    for i, c in enumerate(group.constraints):
        if not c.implied_by and not c.operand.startswith("distinct_"):
            rest = [x for j, x in enumerate(group.constraints) if j != i]
            yield (
                f'group "{group.name}" constraint "{c}"',
                _with_group(job, group.name, functools.partial(_set_constraints, rest=rest)),
            )
    for task in group.tasks:
        for i, c in enumerate(task.constraints):
            if c.implied_by:
                continue
            rest = [x for j, x in enumerate(task.constraints) if j != i]
            new_task = task.model_copy(update={"constraints": rest})
            yield f'task "{task.name}" constraint "{c}"', _replace_task(job, group, new_task)
        for d, device in enumerate(task.resources.devices):
            for i, c in enumerate(device.constraints):
                rest = [x for j, x in enumerate(device.constraints) if j != i]
                devices = list(task.resources.devices)
                devices[d] = device.model_copy(update={"constraints": rest})
                resources = task.resources.model_copy(update={"devices": devices})
                new_task = task.model_copy(update={"resources": resources})
                label = f'task "{task.name}" device "{device.name}" constraint "{c}"'
                yield label, _replace_task(job, group, new_task)


def _replace_task(job: Job, group: TaskGroup, task: Task) -> Job:
    tasks = [task if t.name == task.name else t for t in group.tasks]
    return _with_group(job, group.name, lambda g: g.model_copy(update={"tasks": tasks}))


def _unmet(search: _Search, job: Job, group: TaskGroup) -> dict[str, str]:
    """Per node group, what one of its nodes lacks for ``group`` (every failing check), or
    what one allocation of the group exhausts on an empty node of it; the node groups that
    lack least come first."""
    table = NodeTable(search.resolved.nodes)
    feasibility = next(
        g for g in evaluate_job(table, job, search.seed).groups if g.group.name == group.name
    )
    out = {}
    missing: dict[str, int] = {}
    for name, node_name in search.node_groups().items():
        if not node_name:
            out[name], missing[name] = "no nodes", 1 << 30
            continue
        node = table.nodes[table.name_index[node_name]]
        findings = node_findings(node, feasibility)
        missing[name] = len(findings)
        if findings:
            out[name] = "; ".join(
                f"{f.check}"
                + ("" if f.required in f.check else f": needs {f.required}")
                + f", {node_name} has {f.actual}"
                for f in findings
            )
            continue
        alone = job.model_copy(
            update={"task_groups": [group.model_copy(update={"count": 1})], "constraints": []}
        )
        solo = run_resolved(replace(search.resolved, nodes=[node], jobs=[alone], allocations=[]))
        result = solo.groups[0]
        out[name] = (
            f"one allocation on an empty {node_name}: {result.blocking}"
            if result.unplaced
            else f"one allocation fits an empty {node_name}, but {search.max_count} more "
            "nodes do not place the group"
        )
    return dict(sorted(out.items(), key=lambda item: missing[item[0]]))


def propose_fixes(
    resolved: ResolvedScenario,
    *,
    seed: int = 0,
    max_count: int = 8,
    max_points: int = 10_000,
    reload: Reload | None = None,
) -> FixReport:
    """Verified proposals for every group that does not place or cannot start, ranked
    per group: add nodes, add the OS constraint (with nodes if it needs them), relax."""
    if max_count < 1:
        raise InputError(f"--max-count must be at least 1, got {max_count}")
    current = run_resolved(resolved, seed)
    search = _Search(resolved, current, seed, max_count, reload)
    jobs = {j.id: j for j in resolved.jobs}
    problems = [g for g in current.groups if g.unplaced or g.risks]
    bound = len(problems) * (2 * len(search.units()) * max_count + _relax_bound(jobs))
    if bound > max_points:
        raise InputError(
            f"the fix search may run {bound:,} simulations, more than --max-points "
            f"{max_points:,}: lower --max-count or raise --max-points"
        )
    proposals: list[Proposal] = []
    unmet: list[Unmet] = []
    for problem in problems:
        job = jobs[problem.job]
        group = next(g for g in job.task_groups if g.name == problem.group)
        found: list[Proposal] = []
        if problem.unplaced:
            found += sorted(_add_nodes(search, problem.key, job, None, ADD_NODES), key=_size)
        constraint = _os_constraint(group) if problem.risks else None
        if constraint is not None:
            pinned = _with_group(
                job,
                group.name,
                functools.partial(_set_constraints, rest=None, extra=constraint),
            )
            hcl = constraint_hcl(constraint)
            where = f'group "{group.name}" of job "{job.id}"'
            verified = search.verdict(problem.key, _put_job(pinned))
            if verified is not None:
                found.append(
                    Proposal(problem.key, ADD_CONSTRAINT, f"add to {where}", verified, hcl)
                )
            else:
                for p in sorted(
                    _add_nodes(search, problem.key, pinned, _put_job(pinned), ADD_CONSTRAINT),
                    key=_size,
                ):
                    found.append(replace(p, change=f"add to {where}, and {p.change}", hcl=hcl))
        if problem.unplaced:
            for label, relaxed in _relaxations(job, group):
                verified = search.verdict(problem.key, _put_job(relaxed))
                if verified is not None:
                    found.append(Proposal(problem.key, RELAX, f"remove {label}", verified))
        if problem.unplaced and not any(p.kind == ADD_NODES for p in found):
            unmet.append(Unmet(problem.key, _unmet(search, job, group)))
        proposals += found
    return FixReport(problems, proposals, unmet, search.runs)


def _relax_bound(jobs: dict[str, Job]) -> int:
    """The most single relaxations any group of these jobs offers, plus the OS constraint."""
    most = 0
    for job in jobs.values():
        for group in job.task_groups:
            count = len(job.constraints) + len(group.constraints)
            for task in group.tasks:
                count += len(task.constraints)
                count += sum(len(d.constraints) for d in task.resources.devices)
            most = max(most, count)
    return most + 1


def _size(proposal: Proposal) -> int:
    return proposal.nodes_added
