"""capacity: Nomad's own placement, one evaluation, checked against one-at-a-time scaling."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.errors import InputError
from sim.feasibility import evaluate_job
from sim.graph import capacity_bound, group_node_graph
from sim.io import load_scenario
from sim.placement import simulate
from sim.planning import capacity, capacity_of, current_cluster, parse_ask
from sim.planning.capacity import scaled
from sim.planning.cluster import running_allocations

from .clusters import clusters, job, node, scenario, workloads

capacity_module = importlib.import_module("sim.planning.capacity")  # the name is the function
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def one_at_a_time(cluster, job_id: str) -> int:
    """Raise the count by one, one evaluation each (new seed each time), until one fails."""
    target = cluster.job(job_id)
    group = target.task_groups[0]
    running = list(cluster.running)
    for placed in range(500):
        plan = simulate(
            cluster.table,
            [scaled(target, group, 1)],
            seed=1000 + placed,
            algorithm=cluster.algorithm,
            existing=running,
            score_metadata=False,
        )
        if plan.jobs[0].groups[0].failed is not None:
            return placed
        running += running_allocations(plan)[0]
    raise AssertionError("one-at-a-time scaling did not stop")


@settings(max_examples=40, deadline=None)
@given(clusters(), workloads(), st.integers(0, 3))
def test_one_evaluation_equals_raising_count_one_at_a_time(nodes, jobs, seed):
    cluster = current_cluster(scenario(nodes, jobs), seed)
    result = capacity_of(cluster, jobs[0].id)
    assert result.more == one_at_a_time(cluster, jobs[0].id)


@settings(max_examples=40, deadline=None)
@given(clusters(), workloads(), st.integers(0, 3))
def test_simulated_count_equals_the_bound_for_plain_groups(nodes, jobs, seed):
    """CPU, memory and distinct_hosts only: every copy that fits some node is placed, so the
    per-node bound is met exactly (with distinct_property or devices it is only an upper one)."""
    result = capacity(scenario(nodes, jobs), jobs[0].id, seed=seed)
    assert result.more == result.bound
    assert result.failure is not None and result.failure.coalesced_failures == 0


def test_bound_matches_the_graphs_max_flow_on_an_empty_cluster():
    nodes = [node(f"n{i}", cpu=4000 + 2000 * (i % 2), memory=4096) for i in range(5)]
    big = job("web", count=1000, cpu=700, memory=900)
    table_run = current_cluster(scenario(nodes, [job("web", count=0, cpu=700, memory=900)]))
    G = group_node_graph(table_run.table, [evaluate_job(table_run.table, big)])
    expected = capacity_bound(G).per_group[("group", "web/g")]
    result = capacity_of(table_run, "web")
    assert result.bound == expected == result.more


@settings(max_examples=30, deadline=None)
@given(clusters(), st.sampled_from([200, 500, 1200]), st.sampled_from([256, 1024, 3000]))
def test_adding_a_node_never_lowers_capacity(nodes, cpu, memory):
    target = job("web", count=2, cpu=cpu, memory=memory)
    before = capacity(scenario(nodes, [target]), "web").more
    after = capacity(scenario([*nodes, node("extra", cpu=2000, memory=2048)], [target]), "web")
    assert after.more >= before


@settings(max_examples=30, deadline=None)
@given(clusters(), st.sampled_from([200, 500, 1200]), st.sampled_from([256, 1024]), st.data())
def test_raising_the_ask_never_raises_capacity(nodes, cpu, memory, data):
    """Running allocations are given (the scenario's allocations), so only the ask changes."""
    allocations = [{"job": "web", "group": "g", "node": nodes[0].name, "count": 1}]
    resolved = scenario(nodes, [job("web", count=0)], allocations)
    more_cpu = cpu + data.draw(st.sampled_from([0, 100, 1000]))
    more_memory = memory + data.draw(st.sampled_from([0, 256, 2048]))
    small = capacity(resolved, "web", ask={"cpu": cpu, "memory": memory})
    large = capacity(resolved, "web", ask={"cpu": more_cpu, "memory": more_memory})
    assert large.more <= small.more


def test_hashistack_webapp_runs_out_of_cpu_in_nomads_words():
    result = capacity(load_scenario(SCENARIOS / "hashistack.yaml"), "webapp")
    assert (result.running, result.more, result.bound) == (1, 22, 22)
    assert result.failure_text.startswith('  Task Group "demo" (failed to place 1 allocation):')
    assert '* Dimension "cpu" exhausted on 2 nodes' in result.failure_text
    assert sum(result.by_scope["node_class"].values()) == 22
    # Those on the Windows client are placed but cannot start (Bug #17).
    assert result.cannot_start == result.by_scope["node_class"]["hashistack-windows"] > 0
    assert set(result.by_scope["datacenter"]) == {"dc1"}


def test_distinct_property_shows_the_gap_between_bound_and_placement():
    result = capacity(load_scenario(SCENARIOS / "multi-dc-pools.yaml"), "reports")
    assert result.more == 0 < result.bound
    assert "distinct_property" in result.limited_by


def test_distinct_hosts_stops_at_the_free_hosts():
    result = capacity(load_scenario(SCENARIOS / "multi-dc-pools.yaml"), "api/api")
    assert (result.running, result.more) == (6, 2)
    assert 'Constraint "distinct_hosts": 8 nodes excluded by filter' in result.failure_text


def test_a_bound_that_falls_short_is_doubled_past(monkeypatch):
    resolved = load_scenario(SCENARIOS / "hashistack.yaml")
    monkeypatch.setattr(capacity_module, "upper_bound", lambda *args: 0)
    assert capacity(resolved, "webapp").more == 22


def test_hypothetical_ask_counts_copies_per_node():
    nodes = [node("a", cpu=4000, memory=8192), node("b", cpu=2000, memory=1024)]
    result = capacity(scenario(nodes, []), ask="cpu=1000,memory=1024")
    assert (result.job, result.more, result.bound) == ("ask", 5, 5)  # 4 on a, 1 on b
    assert result.failure.dimension_exhausted == {"cpu": 1, "memory": 1}  # a, then b


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("gpu=1", "KEY one of"),
        ("cpu=fast", "whole number"),
        ("cpu=-1", "negative"),
        ("", "at least"),
        ("cpu=0,memory=100", "minimum CPU value is 1; got 0"),
        ("memory=5", "minimum MemoryMB value is 10; got 5"),
    ],
)
def test_bad_ask_is_one_clear_error(spec, message):
    with pytest.raises(InputError, match=message):
        parse_ask(spec)


def test_system_jobs_and_unknown_groups_are_refused():
    resolved = load_scenario(SCENARIOS / "hashistack.yaml")
    with pytest.raises(InputError, match="system job"):
        capacity(resolved, "traefik")
    with pytest.raises(InputError, match="no group 'nope'"):
        capacity(resolved, "webapp", "nope")
    with pytest.raises(InputError, match="no job 'nope'"):
        capacity(resolved, "nope")


def test_readme_library_example():
    import sim

    multi = load_scenario(SCENARIOS / "multi-dc-pools.yaml")
    assert sim.capacity(multi, "api/api").more == 2
    assert sim.capacity(multi, ask={"cpu": 500, "memory": 1024}).more == 297
    assert sim.resilience(multi, "datacenter").survives is False
    rows = sim.headroom(multi)
    assert rows[0].use["memory"].largest_free < rows[0].use["memory"].free
