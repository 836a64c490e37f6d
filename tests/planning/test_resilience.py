"""resilience: lost allocations replaced on the survivors with Nomad's placement."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import Constraint
from sim.core.errors import InputError
from sim.io import load_scenario
from sim.planning import current_cluster, resilience, resilience_of

from .clusters import clusters, job, node, scenario, workloads

resilience_module = importlib.import_module("sim.planning.resilience")  # the name is the function
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_losing_a_rack_leaves_distinct_hosts_short_in_nomads_words():
    report = resilience(load_scenario(SCENARIOS / "multi-dc-pools.yaml"), "meta.rack")
    case = next(c for c in report.cases if c.values == ("r1",))
    (api,) = case.losses
    assert (api.key, api.lost, api.replaced, api.unplaced) == ("api/api", 3, 1, 2)
    assert api.reason == "distinct_hosts: 4 nodes excluded by filter"
    assert 'Task Group "api" (failed to place 2 allocations):' in api.failure
    assert case.system_lost == 7  # node-exporter on every lost node, never replaced
    assert not report.survives


def test_losing_any_one_node_of_multi_dc_is_survived():
    report = resilience(load_scenario(SCENARIOS / "multi-dc-pools.yaml"), "node")
    assert report.survives and len(report.cases) == 23
    assert all(g.replaced == g.lost for case in report.cases for g in case.losses)


def test_pairs_are_every_combination_and_bounded(monkeypatch):
    resolved = load_scenario(SCENARIOS / "multi-dc-pools.yaml")
    report = resilience(resolved, "datacenter", lose=2)
    assert [c.values for c in report.cases] == [("dc1", "dc2"), ("dc1", "dc3"), ("dc2", "dc3")]
    monkeypatch.setattr(resilience_module, "MAX_FAILURE_SETS", 10)
    with pytest.raises(InputError, match="253 failure cases; the limit is 10"):
        resilience(resolved, "node", lose=2)


@pytest.mark.parametrize(
    ("domain", "lose", "message"),
    [
        ("rack", 1, "expected node, datacenter"),
        ("datacenter", 0, "at least 1"),
        ("datacenter", 4, "only 3 value"),
    ],
)
def test_bad_domain_or_lose_is_one_clear_error(domain, lose, message):
    with pytest.raises(InputError, match=message):
        resilience(load_scenario(SCENARIOS / "multi-dc-pools.yaml"), domain, lose)


def test_replacements_see_the_groups_surviving_allocations():
    """distinct_hosts counts the allocations still running: 3 nodes, 3 allocations, one lost
    node leaves no free host for the replacement."""
    nodes = [node(f"n{i}", rack=f"r{i}") for i in range(3)]
    report = resilience(scenario(nodes, [job("web", count=3, distinct_hosts=True)]), "node")
    assert [c.unplaced for c in report.cases] == [1, 1, 1]
    assert all(
        c.losses[0].reason == "distinct_hosts: 2 nodes excluded by filter" for c in report.cases
    )


@settings(max_examples=30, deadline=None)
@given(clusters(), workloads(), st.integers(0, 3))
def test_a_value_without_allocations_loses_nothing(nodes, jobs, seed):
    nodes = [*nodes, node("idle", rack="idle", cpu=100, memory=100)]  # too small for any job
    report = resilience(scenario(nodes, jobs), "meta.rack", seed=seed)
    idle = next(c for c in report.cases if c.values == ("idle",))
    assert (idle.lost, idle.unplaced, idle.losses) == (0, 0, [])


@settings(max_examples=30, deadline=None)
@given(
    clusters(min_nodes=3),
    st.sampled_from([200, 800, 2500]),
    st.integers(2, 10),
    st.booleans(),
    st.integers(0, 3),
)
def test_losing_more_nodes_never_loses_fewer_allocations_of_one_group(
    nodes, cpu, count, distinct, seed
):
    """One group: its replacements all have one shape, so how many fit the survivors is a
    per-node sum that only shrinks when more nodes go."""
    cluster = current_cluster(scenario(nodes, [job("web", count, cpu, 512, distinct)]), seed)
    single = {c.values: c.unplaced for c in resilience_of(cluster, "node").cases}
    for case in resilience_of(cluster, "node", lose=2).cases:
        assert case.unplaced >= max(single[(v,)] for v in case.values)


@settings(max_examples=25, deadline=None)
@given(clusters(min_nodes=3), workloads(max_jobs=4), st.integers(0, 3))
def test_summing_other_jobs_per_node_changes_no_answer(nodes, jobs, seed):
    """Allocations of jobs a case does not re-evaluate are handed over summed per node; one
    by one (as on nodes with max_allocs) every case comes out the same."""
    cluster = current_cluster(scenario(nodes, jobs), seed)
    summed = resilience_of(cluster, "node").to_json()
    one_by_one = resilience_module._Occupancy.of(cluster)
    one_by_one.itemized = np.ones(cluster.table.n, dtype=bool)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(resilience_module._Occupancy, "of", classmethod(lambda cls, c: one_by_one))
        assert resilience_of(cluster, "node").to_json() == summed


def test_losing_the_linux_clients_replaces_onto_windows_where_nothing_starts():
    """Bug #17 as a failure domain: every lost allocation is placed again, on the Windows
    client, where the Linux images cannot start."""
    report = resilience(load_scenario(SCENARIOS / "hashistack.yaml"), "node.class")
    linux = next(c for c in report.cases if c.values == ("hashistack-linux",))
    assert (linux.lost, linux.unplaced, linux.cannot_start) == (3, 0, 3)
    assert report.survives and report.risky == [linux]


def test_across_groups_losing_more_can_lose_fewer_through_nomads_sampling():
    """Not monotone across groups, by Nomad's design: a Select scores only ``limit`` (2)
    options of the shuffled survivors, and the shuffle is of the surviving node list. Losing
    x leaves y, z, w: h's replacement samples y and z and takes y, the only node where l
    fits, so l is short. Losing x and the empty z leaves y, w: h takes w, the fuller, and l
    fits y. Allocations lost (on the failed nodes) stay monotone; unplaced does only within
    one group (test above)."""
    special = [{"LTarget": "${meta.l}", "RTarget": "yes", "Operand": "="}]
    nodes = [
        node("x", cpu=8000, memory=16000, rack="yes"),
        node("y", cpu=4000, memory=4500, rack="yes"),
        node("z", cpu=8000, memory=8000, rack="no"),
        node("w", cpu=3000, memory=3000, rack="no"),
    ]
    for n in nodes:
        n.meta["l"] = n.meta.pop("rack")
    h = job("h", count=0, cpu=1000, memory=1000, priority=70)
    low = job("l", count=0, cpu=1000, memory=3500, priority=30)
    low.task_groups[0].constraints = [Constraint.model_validate(c) for c in special]
    allocations = [
        {"job": "h", "group": "g", "node": "x"},
        {"job": "l", "group": "g", "node": "x"},
        {"job": "f", "node": "y", "resources": {"cpu": 2000, "memory_mb": 500}},
        {"job": "f", "node": "w", "resources": {"cpu": 2000, "memory_mb": 2000}},
    ]
    cluster = current_cluster(scenario(nodes, [h, low], allocations), seed=2)
    alone = next(c for c in resilience_of(cluster, "node").cases if c.values == ("x",))
    pair = next(c for c in resilience_of(cluster, "node", lose=2).cases if c.values == ("x", "z"))
    assert [(g.key, g.placed_on, g.unplaced) for g in alone.losses] == [
        ("h/g", ["y"], 0),
        ("l/g", [], 1),
    ]
    assert alone.losses[1].reason == "memory exhausted on 1 nodes"
    assert [(g.key, g.placed_on, g.unplaced) for g in pair.losses] == [
        ("h/g", ["w"], 0),
        ("l/g", ["y"], 0),
    ]
    assert pair.lost == alone.lost


def test_allocations_of_undescribed_jobs_are_lost_without_replacement():
    nodes = [node("a"), node("b")]
    allocations = [{"job": "legacy", "node": "a", "resources": {"cpu": 500, "memory_mb": 256}}]
    report = resilience(scenario(nodes, [], allocations), "node")
    a = next(c for c in report.cases if c.values == ("a",))
    assert (a.unknown_lost, a.lost, a.unplaced, a.losses) == (1, 0, 0, [])
