"""Invariants of preemption on generated crowded clusters (hypothesis, bounded)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from sim.core.nodetable import NodeTable
from sim.placement import simulate
from sim.placement.preemption import PRIORITY_DELTA

from .test_reference import SETTINGS, clusters, configs, existing_allocs, job_lists

ALL_ON = {"system": True, "sysbatch": True, "batch": True, "service": True}
ALL_OFF = {"system": False, "sysbatch": False, "batch": False, "service": False}


def _crowded(data, nodes, js):
    return data.draw(existing_allocs(len(nodes), js, 5 * len(nodes), (None, 10, 10, 20)))


@SETTINGS
@given(st.data(), clusters(), job_lists(), st.integers(0, 3), configs())
def test_never_evicts_within_ten_priority_nor_overcommits(data, nodes, js, seed, config):
    existing = _crowded(data, nodes, js)
    config = {**config, "preemption": ALL_ON}
    table = NodeTable(nodes)
    plan = simulate(table, js, seed=seed, existing=existing, **config)
    for outcome in plan.jobs:
        for evicted in outcome.preempted:
            assert outcome.job.priority - evicted.priority >= PRIORITY_DELTA
            assert evicted.job_id != outcome.job.id
    # Every node that received a placement ends within its capacity: starting allocations
    # not evicted (nor failed) plus the placements.
    evicted = {e.existing for e in plan.preempted}
    cpu = [0.0] * table.n
    memory = [0.0] * table.n
    for i, alloc in enumerate(existing):
        if not alloc.failed and i not in evicted:
            cpu[alloc.node_index] += alloc.cpu
            memory[alloc.node_index] += alloc.memory_mb
    for a in plan.allocations():
        cpu[a.node_index] += a.cpu
        memory[a.node_index] += a.memory_mb
    placed_on = {a.node_index for a in plan.allocations()}
    for i in placed_on:
        res, rsv = nodes[i].node_resources, nodes[i].reserved_resources
        assert cpu[i] <= res.cpu.cpu_shares - rsv.cpu.cpu_shares + 1e-9
        assert memory[i] <= res.memory.memory_mb - rsv.memory.memory_mb + 1e-9


@SETTINGS
@given(st.data(), clusters(), job_lists(), st.integers(0, 3), configs())
def test_preemption_off_is_nothing_preemptible(data, nodes, js, seed, config):
    """Switched off, nothing is evicted and the plan is the one where every starting
    allocation outranks every job (so none could be preempted) with preemption on."""
    existing = _crowded(data, nodes, js)
    off = simulate(
        NodeTable(nodes), js, seed=seed, existing=existing, **{**config, "preemption": ALL_OFF}
    )
    assert not off.preempted
    assert all(j.triggered_by == "job-register" for j in off.jobs)
    outside = [replace(a, job_id=f"other-{a.job_id}", priority=100) for a in existing]
    untouchable = simulate(
        NodeTable(nodes), js, seed=seed, existing=outside, **{**config, "preemption": ALL_ON}
    )
    renamed = simulate(
        NodeTable(nodes), js, seed=seed, existing=outside, **{**config, "preemption": ALL_OFF}
    )
    view = [
        [(a.name, a.node_index, a.score, a.scores) for a in j.allocations()] for j in renamed.jobs
    ]
    assert view == [
        [(a.name, a.node_index, a.score, a.scores) for a in j.allocations()]
        for j in untouchable.jobs
    ]
