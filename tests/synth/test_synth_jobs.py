"""Synthetic jobs: deterministic, every operator at every level, values from the nodes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from models import Constraint, Job, Node
from sim import node_satisfies, validate_constraint
from sim.core.validation import validate_affinity, validate_spread
from sim.synth import generate_jobs, generate_nodes
from sim.synth.jobs import OPERATORS


@pytest.fixture(scope="module")
def nodes() -> list[Node]:
    return generate_nodes(2000, seed=21)


@pytest.fixture(scope="module")
def jobs(nodes: list[Node]) -> list[Job]:
    return generate_jobs(200, seed=21, nodes=nodes)


def _by_level(jobs: list[Job]) -> Iterator[tuple[str, Constraint]]:
    for job in jobs:
        yield from (("job", c) for c in job.constraints)
        for group in job.task_groups:
            yield from (("group", c) for c in group.constraints)
            for task in group.tasks:
                yield from (("task", c) for c in task.constraints)


def test_same_seed_same_jobs_other_seed_other_jobs(nodes: list[Node]) -> None:
    assert generate_jobs(30, 4, nodes) == generate_jobs(30, 4, nodes)
    assert generate_jobs(30, 4, nodes) != generate_jobs(30, 5, nodes)
    assert generate_jobs(10, 4) == generate_jobs(10, 4)


def test_every_operator_appears(jobs: list[Job]) -> None:
    assert {c.operand for _, c in _by_level(jobs)} == set(OPERATORS)
    levels = {level for level, _ in _by_level(jobs)}
    assert levels == {"job", "group", "task"}


def test_distinct_operators_only_at_job_and_group_level(jobs: list[Job]) -> None:
    for level, c in _by_level(jobs):
        if c.operand.startswith("distinct_"):
            assert level != "task"


def test_most_constraints_but_not_all_are_satisfiable(nodes: list[Node], jobs: list[Job]) -> None:
    rules = [c for _, c in _by_level(jobs)]
    satisfiable = [c for c in rules if any(node_satisfies(n, c) for n in nodes)]
    assert 0.7 < len(satisfiable) / len(rules) < 0.97
    for operand in ("=", ">=", "regexp", "version", "semver", "set_contains", "set_contains_any"):
        assert any(c.operand == operand for c in satisfiable)


def test_rules_pass_nomads_validation(jobs: list[Job]) -> None:
    groups = [g for j in jobs for g in j.task_groups]
    tasks = [t for g in groups for t in g.tasks]
    affinities = [a for owner in (*jobs, *groups, *tasks) for a in owner.affinities]
    spreads = [s for owner in (*jobs, *groups) for s in owner.spreads]
    assert [e for _, c in _by_level(jobs) for e in validate_constraint(c)] == []
    assert [e for a in affinities for e in validate_affinity(a)] == []
    assert [e for s in spreads for e in validate_spread(s)] == []


def test_job_shapes_cover_the_features(jobs: list[Job]) -> None:
    groups = [g for j in jobs for g in j.task_groups]
    tasks = [t for g in groups for t in g.tasks]
    spreads = [s for j in jobs for s in j.spreads] + [s for g in groups for s in g.spreads]
    affinities = (
        [a for j in jobs for a in j.affinities]
        + [a for g in groups for a in g.affinities]
        + [a for t in tasks for a in t.affinities]
    )
    networks = [net for g in groups for net in g.networks]
    ports = [p for net in networks for p in net.reserved_ports + net.dynamic_ports]
    assert {j.type for j in jobs} == {"service", "batch", "system"}
    assert {len(j.task_groups) for j in jobs} == {1, 2, 3}
    assert {len(g.tasks) for g in groups} == {1, 2}
    assert {t.driver for t in tasks} == {"docker", "exec", "raw_exec", "java"}
    assert any(s.spread_target for s in spreads) and any(not s.spread_target for s in spreads)
    assert all(s.weight > 0 and sum(t.percent for t in s.spread_target) <= 100 for s in spreads)
    assert all(a.weight != 0 and -100 <= a.weight <= 100 for a in affinities)
    assert any(p.value for p in ports) and any(not p.value for p in ports)
    assert any(t.resources.cores for t in tasks)
    assert any(t.resources.devices for t in tasks)
    assert {"*"} < {dc for j in jobs for dc in j.datacenters}
    assert any("*" in dc and dc != "*" for j in jobs for dc in j.datacenters)
    assert {"default", "all"} < {j.node_pool for j in jobs}
    assert len({j.id for j in jobs}) == len(jobs)
    assert all(g.count == 1 for j in jobs if j.type == "system" for g in j.task_groups)


def test_jobs_survive_a_snake_case_round_trip(jobs: list[Job]) -> None:
    for job in jobs[:50]:
        assert Job.model_validate(job.model_dump(exclude_defaults=True)) == job
