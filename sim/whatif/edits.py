"""What-ifs on a cluster: drain or remove nodes, add nodes like one, scale a group, put a job.

Each edit is a pure function ``ResolvedScenario -> ResolvedScenario`` (the input is never
changed), so edits compose and work on a snapshot of a live cluster as on any scenario.
Running allocations that an edit displaces are dropped: the simulator then places what
their groups lack by Nomad's rules, as the scheduler does after a drain.

Nodes are chosen by a selector: a node name, a node ID or unique ID prefix, or a filter
``FIELD=VALUE[,FIELD=VALUE...]`` over ``datacenter``, ``node_pool`` (``pool``),
``node_class`` (``class``), ``name``, ``id``, ``status``, ``meta.KEY`` and ``attr.KEY``;
values may be shell globs (``dc*``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase
from functools import partial
from pathlib import Path

import msgspec

from models import Node
from models.scenario import Allocation

from ..core.errors import InputError
from ..core.targets import resolve_target
from ..io import ResolvedScenario, load_jobs

_FIELDS = {
    "datacenter": "${node.datacenter}",
    "dc": "${node.datacenter}",
    "node_pool": "${node.pool}",
    "pool": "${node.pool}",
    "node_class": "${node.class}",
    "class": "${node.class}",
    "name": "${node.unique.name}",
    "id": "${node.unique.id}",
}
_ADDED = uuid.UUID("0d5e2b3a-9d4f-4b8e-8f53-6e6f6d616464")
DRAIN_STRATEGY = {"Deadline": 3600_000_000_000, "IgnoreSystemJobs": False, "ForceDeadline": ""}


class Edit(msgspec.Struct, frozen=True):
    """One what-if change, named for the report."""

    label: str
    apply: Callable[[ResolvedScenario], ResolvedScenario]


def _value(node: Node, key: str) -> tuple[str, bool]:
    if key == "status":
        return node.status, True
    target = _FIELDS.get(key)
    if target is None and key.startswith(("meta.", "attr.")):
        target = "${" + key + "}"
    if target is None:
        raise InputError(
            f"unknown node field {key!r}: use datacenter, node_pool, node_class, name, id, "
            "status, meta.KEY or attr.KEY"
        )
    return resolve_target(target, node)


def select_nodes(resolved: ResolvedScenario, selector: str) -> list[int]:
    """Indices of the nodes a selector names; an error when it names none."""
    selector = selector.strip()
    if not selector:
        raise InputError("empty node selector")
    nodes = resolved.nodes
    if "=" not in selector:
        found = [i for i, n in enumerate(nodes) if selector in (n.name, n.id)]
        if not found:
            found = [i for i, n in enumerate(nodes) if n.id.startswith(selector)]
            if len({nodes[i].id for i in found}) > 1:
                raise InputError(f"node ID prefix {selector!r} matches {len(found)} nodes")
    else:
        terms = []
        for term in selector.split(","):
            key, sep, pattern = term.partition("=")
            if not sep or not key.strip():
                raise InputError(f"node filter {term!r}: expected FIELD=VALUE")
            terms.append((key.strip(), pattern.strip()))
        found = [
            i
            for i, node in enumerate(nodes)
            if all(_matches(node, key, pattern) for key, pattern in terms)
        ]
    if not found:
        raise InputError(f"no node matches {selector!r} in {resolved.source}")
    return found


def _matches(node: Node, key: str, pattern: str) -> bool:
    value, present = _value(node, key)
    return present and fnmatchcase(value, pattern)


def _without_allocations_on(resolved: ResolvedScenario, names: set[str], ids: set[str]):
    return [
        a
        for a in resolved.allocations
        if not ((a.node_id and a.node_id in ids) or (not a.node_id and a.node in names))
    ]


def drain(resolved: ResolvedScenario, selector: str) -> ResolvedScenario:
    """``nomad node drain -enable``: the nodes become ineligible with a drain strategy, and
    their allocations leave them (system jobs' too: ``IgnoreSystemJobs`` is false)."""
    chosen = set(select_nodes(resolved, selector))
    nodes = [
        node.model_copy(
            update={
                "scheduling_eligibility": "ineligible",
                "drain": True,
                "drain_strategy": dict(DRAIN_STRATEGY),
            }
        )
        if i in chosen
        else node
        for i, node in enumerate(resolved.nodes)
    ]
    names = {resolved.nodes[i].name for i in chosen}
    ids = {resolved.nodes[i].id for i in chosen}
    return replace(resolved, nodes=nodes, allocations=_without_allocations_on(resolved, names, ids))


def remove(resolved: ResolvedScenario, selector: str) -> ResolvedScenario:
    """The nodes are gone (lost, decommissioned); so are their allocations."""
    chosen = set(select_nodes(resolved, selector))
    keep = [i for i in range(len(resolved.nodes)) if i not in chosen]
    names = {resolved.nodes[i].name for i in chosen}
    ids = {resolved.nodes[i].id for i in chosen}
    return replace(
        resolved,
        nodes=[resolved.nodes[i] for i in keep],
        node_group_of=[resolved.node_group_of[i] for i in keep],
        allocations=_without_allocations_on(resolved, names, ids),
    )


def add_like(resolved: ResolvedScenario, selector: str, count: int) -> ResolvedScenario:
    """``count`` new nodes copied from the first node the selector names: same class, pool,
    datacenter, attributes, meta and resources; new ID, name and ``unique.hostname``."""
    if count < 1:
        raise InputError(f"--add: the number of nodes must be at least 1, got {count}")
    template = resolved.nodes[select_nodes(resolved, selector)[0]]
    taken = {node.name for node in resolved.nodes}
    added = []
    for i in range(count):
        name = f"{template.name}-new-{i}"
        while name in taken:
            name += "x"
        taken.add(name)
        attributes = dict(template.attributes)
        if "unique.hostname" in attributes:
            attributes["unique.hostname"] = name
        node_id = str(uuid.uuid5(_ADDED, f"{template.id}/{i}"))
        added.append(
            template.model_copy(update={"id": node_id, "name": name, "attributes": attributes})
        )
    return replace(
        resolved,
        nodes=[*resolved.nodes, *added],
        node_group_of=[*resolved.node_group_of, *[f"added like {template.name}"] * count],
    )


def scale(resolved: ResolvedScenario, target: str, count: int) -> ResolvedScenario:
    """``nomad job scale JOB [GROUP] COUNT``. Scaling below the running allocations stops
    the newest ones, as the reconciler stops the highest indexes."""
    if count < 0:
        raise InputError(f"--scale {target}: count must be at least 0, got {count}")
    job_id, _, group_name = target.partition("/")
    job = next((j for j in resolved.jobs if j.id == job_id), None)
    if job is None:
        raise InputError(f"no job {job_id!r} in {resolved.source}")
    names = [g.name for g in job.task_groups]
    if not group_name:
        if len(names) != 1:
            raise InputError(f"job {job_id!r} has groups {', '.join(names)}: give JOB/GROUP")
        group_name = names[0]
    if group_name not in names:
        raise InputError(f"job {job_id!r} has no group {group_name!r}")
    groups = [
        g.model_copy(update={"count": count}) if g.name == group_name else g
        for g in job.task_groups
    ]
    scaled = job.model_copy(update={"task_groups": groups})
    running = [
        i
        for i, a in enumerate(resolved.allocations)
        if a.counts_toward_job and a.job == job_id and a.group == group_name
    ]
    stop = set(running[count:])
    return replace(
        resolved,
        jobs=[scaled if j is job else j for j in resolved.jobs],
        allocations=[a for i, a in enumerate(resolved.allocations) if i not in stop],
    )


def reprioritize(resolved: ResolvedScenario, job_id: str, priority: int) -> ResolvedScenario:
    """The job with another ``priority`` (1..100, ``Job.Validate``); its running allocations
    run the new version (an in-place update), so they are preempted, or preempt, by it."""
    if not 1 <= priority <= 100:
        raise InputError(f"--priority {job_id}: priority must be between 1 and 100, got {priority}")
    job = next((j for j in resolved.jobs if j.id == job_id), None)
    if job is None:
        raise InputError(f"no job {job_id!r} in {resolved.source}")
    changed = job.model_copy(update={"priority": priority})
    allocations = [
        a.model_copy(update={"priority": None}) if a.job == job_id else a
        for a in resolved.allocations
    ]
    return replace(
        resolved,
        jobs=[changed if j is job else j for j in resolved.jobs],
        allocations=allocations,
    )


def put_jobs(resolved: ResolvedScenario, path: str | Path) -> ResolvedScenario:
    """``nomad job plan FILE`` against the cluster: a new job is added; a job with the same
    ID and namespace is replaced. An unchanged job keeps its allocations; a changed one is
    treated as a destructive update (every allocation replaced by the new version)."""
    jobs = list(resolved.jobs)
    allocations: list[Allocation] = list(resolved.allocations)
    for new in load_jobs(path):
        at = next(
            (i for i, j in enumerate(jobs) if (j.id, j.namespace) == (new.id, new.namespace)),
            None,
        )
        if at is None:
            jobs.append(new)
            continue
        if jobs[at] != new:
            allocations = [a for a in allocations if a.job != new.id]
        jobs[at] = new
    return replace(resolved, jobs=jobs, allocations=allocations)


def parse_scale(spec: str) -> tuple[str, int]:
    target, sep, count = spec.rpartition("=")
    if not sep or not target or not count.strip().lstrip("-").isdigit():
        raise InputError(f"--scale {spec!r}: expected JOB[/GROUP]=COUNT")
    return target.strip(), int(count)


def parse_priority(spec: str) -> tuple[str, int]:
    job_id, sep, value = spec.rpartition("=")
    if not sep or not job_id.strip() or not value.strip().lstrip("-").isdigit():
        raise InputError(f"--priority {spec!r}: expected JOB=PRIORITY")
    return job_id.strip(), int(value)


def parse_add(spec: str) -> tuple[int, str]:
    count, sep, selector = spec.partition(":")
    if not sep or not count.strip().isdigit() or not selector.strip():
        raise InputError(f"--add {spec!r}: expected COUNT:NODE (a name, ID or FIELD=VALUE filter)")
    return int(count), selector.strip()


def edits_from(
    drains: Sequence[str] = (),
    removals: Sequence[str] = (),
    additions: Sequence[str] = (),
    scales: Sequence[str] = (),
    job_files: Sequence[Path] = (),
    priorities: Sequence[str] = (),
) -> list[Edit]:
    """The what-if edits of command-line specs, in a fixed order: jobs, priorities, scales,
    node additions, removals, drains."""
    edits = [Edit(f"plan {p}", partial(put_jobs, path=p)) for p in job_files]
    for spec in priorities:
        job_id, value = parse_priority(spec)
        edits.append(
            Edit(
                f"priority {job_id}={value}",
                partial(reprioritize, job_id=job_id, priority=value),
            )
        )
    for spec in scales:
        target, count = parse_scale(spec)
        edits.append(Edit(f"scale {target}={count}", partial(scale, target=target, count=count)))
    for spec in additions:
        count, selector = parse_add(spec)
        edits.append(
            Edit(f"add {count} like {selector}", partial(add_like, selector=selector, count=count))
        )
    edits.extend(Edit(f"remove {s}", partial(remove, selector=s)) for s in removals)
    edits.extend(Edit(f"drain {s}", partial(drain, selector=s)) for s in drains)
    return edits


def apply_edits(resolved: ResolvedScenario, edits: list[Edit]) -> ResolvedScenario:
    for edit in edits:
        resolved = edit.apply(resolved)
    return resolved
