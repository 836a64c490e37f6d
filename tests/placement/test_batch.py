"""Selects made together (``select_many``) must equal the same Selects made one by one."""

from __future__ import annotations

from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Job, Node
from sim.core.nodetable import NodeTable
from sim.placement import simulate
from sim.placement.batch import select_many

from .helpers import job, node
from .test_properties import clusters, jobs


@st.composite
def larger_clusters(draw) -> list[Node]:
    """Tens of nodes, some filtered by class, some with little room, some with a busy port."""
    return [
        node(
            f"n{i}",
            cpu=draw(st.sampled_from([1000, 4000, 8000])),
            memory=draw(st.sampled_from([1024, 4096, 8192])),
            NodeClass=draw(st.sampled_from(["linux", "linux", "gpu"])),
            Meta={"rack": f"r{i % 4}"},
            ReservedResources={
                "Networks": {"ReservedHostPorts": draw(st.sampled_from(["", "", "8080"]))}
            },
        )
        for i in range(draw(st.integers(10, 60)))
    ]


@st.composite
def busy_jobs(draw) -> list[Job]:
    """Groups with many allocations, with or without (positive or negative) affinities."""
    out = []
    for k in range(draw(st.integers(1, 3))):
        weight = draw(st.sampled_from([0, 40, -40]))
        rack_affinity = {"LTarget": "${meta.rack}", "RTarget": "r1", "Operand": "="}
        linux_only = {"LTarget": "${node.class}", "Operand": "=", "RTarget": "linux"}
        out.append(
            job(
                f"busy{k}",
                count=draw(st.integers(2, 150)),
                cpu=draw(st.sampled_from([100, 500, 1500])),
                memory=draw(st.sampled_from([64, 256, 1024])),
                group_constraints=[linux_only] if draw(st.booleans()) else [],
                type_=draw(st.sampled_from(["service", "batch"])),
                Affinities=[{**rack_affinity, "Weight": weight}] if weight else [],
                Networks=[{"ReservedPorts": [{"Label": "http", "Value": 8080}]}]
                if draw(st.booleans())
                else [],
            )
        )
    return out


def _snapshot(nodes: list[Node], js: list[Job], seed: int, keep_top: bool) -> list:
    plan = simulate(NodeTable(nodes), js, seed=seed, score_metadata=keep_top)
    out = []
    for outcome in plan.jobs:
        for group in outcome.groups:
            failed = None if group.failed is None else group.failed.to_nomad()
            out.append((group.nodes, group.scores, group.evaluated, failed))
        out.extend(
            (a.name, a.scores, [m["NodeName"] for m in a.score_metadata])
            for a in outcome.allocations()
        )
    return out


def _one_by_one(nodes: list[Node], js: list[Job], seed: int, keep_top: bool) -> list:
    with mock.patch("sim.placement.scheduler.select_many", return_value=[]):
        return _snapshot(nodes, js, seed, keep_top)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(larger_clusters(), busy_jobs(), st.integers(0, 5), st.booleans())
def test_batched_selects_equal_one_by_one(nodes, js, seed, keep_top):
    assert _snapshot(nodes, js, seed, keep_top) == _one_by_one(nodes, js, seed, keep_top)


@SETTINGS
@given(clusters(), jobs(), st.integers(0, 3))
def test_batched_selects_equal_one_by_one_with_distinct_rules_and_spreads(nodes, js, seed):
    assert _snapshot(nodes, js, seed, True) == _one_by_one(nodes, js, seed, True)


def test_batches_are_taken_for_a_plain_service_group():
    # 200 nodes: 25 Selects of 8 nodes fill one round of the visit order; after it every node
    # holds an allocation of the group, anti-affinity makes scores ≤ 0 and Selects go alone.
    nodes = [node(f"n{i}", cpu=8000, memory=8192) for i in range(200)]
    js = [job("web", count=30, cpu=100, memory=64)]
    sizes = []

    def spy(*args):
        choices = select_many(*args)
        sizes.append(len(choices))
        return choices

    with mock.patch("sim.placement.scheduler.select_many", side_effect=spy):
        plan = simulate(NodeTable(nodes), js)
    assert plan.placed_count == 30
    assert sizes[0] == 25
    assert sum(sizes) == 25
    assert _snapshot(nodes, js, 0, True) == _one_by_one(nodes, js, 0, True)
