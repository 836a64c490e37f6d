"""Scheduler inputs beside the jobs and nodes: reschedule penalties, node pools' own
scheduler configuration, ``NodeLimitForFeasibilityChecks``, and the AllocMetric every
placement carries."""

from __future__ import annotations

import pytest

from models import Job
from sim.core.nodetable import NodeTable
from sim.feasibility import evaluate_job
from sim.placement import ExistingAlloc, PoolScheduler, job_seed, simulate

from .helpers import job, node


def _meta_of(alloc, name: str) -> dict:
    return next(m for m in alloc.score_metadata if m["NodeName"] == name)


def test_a_replacement_avoids_the_node_its_failed_allocation_ran_on():
    # TestNodeAntiAffinity_PenaltyNodes (rank_test.go): the penalty node scores -1 more.
    nodes = [node("a"), node("b")]
    failed = ExistingAlloc("web", "web", 0, failed=True)
    plan = simulate(nodes, [job("web", count=1)], existing=[failed])
    (alloc,) = plan.allocations()
    assert alloc.node_name == "b"
    penalised = _meta_of(alloc, "a")
    assert penalised["Scores"]["node-reschedule-penalty"] == -1.0
    assert penalised["NormScore"] == pytest.approx((penalised["Scores"]["binpack"] - 1) / 2)
    assert _meta_of(alloc, "b")["Scores"]["node-reschedule-penalty"] == 0.0


def test_penalty_and_anti_affinity_average_with_binpack():
    # TestScoreNormalizationIterator: two allocations of the group on the penalty node give
    # job-anti-affinity -(2+1)/4 and node-reschedule-penalty -1, averaged with binpack.
    nodes = [node("a"), node("b")]
    existing = [ExistingAlloc("foo", "foo", 0) for _ in range(2)]
    existing.append(ExistingAlloc("foo", "foo", 0, failed=True))
    plan = simulate(nodes, [job("foo", count=4)], existing=existing)
    first = next(plan.allocations())
    scores = _meta_of(first, "a")["Scores"]
    assert scores["job-anti-affinity"] == -0.75
    assert scores["node-reschedule-penalty"] == -1.0
    assert _meta_of(first, "a")["NormScore"] == pytest.approx((scores["binpack"] - 0.75 - 1.0) / 3)
    # Only the replacement carries the penalty; the next placements do not.
    later = list(plan.allocations())[1:]
    assert all(
        m["Scores"]["node-reschedule-penalty"] == 0.0 for a in later for m in a.score_metadata
    )


def test_a_failed_allocation_holds_no_resources():
    nodes = [node("a", cpu=1000)]
    failed = ExistingAlloc("other", "x", 0, cpu=1000, failed=True)
    assert simulate(nodes, [job(cpu=1000)], existing=[failed]).placed_count == 1


def test_reschedule_tracker_nodes_are_penalised_too():
    nodes = [node("a"), node("b"), node("c")]
    failed = ExistingAlloc("web", "web", 0, failed=True, previous_nodes=(1,))
    (alloc,) = simulate(nodes, [job("web")], existing=[failed]).allocations()
    assert alloc.node_name == "c"


def test_a_sticky_replacement_goes_back_to_its_node_penalty_and_all():
    # findPreferredNode: a sticky ephemeral disk makes the failed allocation's node the
    # preferred one; the Select over it alone finds it (its -1 penalty notwithstanding).
    nodes = [node("a"), node("b")]
    failed = ExistingAlloc("web", "web", 0, failed=True)
    sticky = job("web", count=1, EphemeralDisk={"Sticky": True})
    (alloc,) = simulate(nodes, [sticky], existing=[failed]).allocations()
    assert (alloc.node_name, alloc.nodes_evaluated) == ("a", 1)
    assert [m["NodeName"] for m in alloc.score_metadata] == ["a"]
    assert alloc.scores["node-reschedule-penalty"] == -1.0


def test_the_evicting_retry_tries_the_preferred_node_first():
    # selectNextOption runs the Select again with Preempt set and the same PreferredNodes.
    nodes = [node("a", cpu=1000), node("b", cpu=1000)]
    sticky = job("web", count=1, cpu=600, EphemeralDisk={"Sticky": True})
    existing = [
        ExistingAlloc("x", "g0", 0, cpu=800, priority=10),
        ExistingAlloc("x", "g0", 1, cpu=800, priority=10),
        ExistingAlloc("web", "web", 0, cpu=600, failed=True),
    ]
    plan = simulate(nodes, [sticky], existing=existing, preemption={"service": True})
    (alloc,) = plan.allocations()
    assert (alloc.node_name, alloc.nodes_evaluated) == ("a", 1)  # b has no penalty
    assert [e.label for e in alloc.preempted] == ["x.g0 on a"]
    assert set(alloc.scores) >= {"node-reschedule-penalty", "preemption"}


def test_a_node_that_is_not_ready_is_not_preferred():
    nodes = [node("a", SchedulingEligibility="ineligible"), node("b")]
    failed = ExistingAlloc("web", "web", 0, failed=True)
    sticky = job("web", count=1, EphemeralDisk={"Sticky": True})
    (alloc,) = simulate(nodes, [sticky], existing=[failed]).allocations()
    assert (alloc.node_name, alloc.nodes_evaluated) == ("b", 1)


def test_a_select_with_a_preferred_node_sends_the_visit_order_back_to_its_start():
    # GenericStack.Select sets the static iterator's nodes back with SetNodes, offset 0: the
    # Select after it starts from the first node of the shuffled order again.
    nodes = [node(f"n{i}") for i in range(8)]
    web = job("web", count=2, type_="batch")  # limit 2: each Select pulls two nodes
    data = web.model_dump(by_alias=True)
    sticky = {**data["TaskGroups"][0], "Name": "sticky", "EphemeralDisk": {"Sticky": True}}
    both = Job.model_validate({**data, "TaskGroups": [data["TaskGroups"][0], sticky]})
    table = NodeTable(nodes)
    order = evaluate_job(table, both, job_seed(0, 0)).groups[0].order.tolist()
    failed = ExistingAlloc("web", "sticky", order[7], failed=True)
    plan = simulate(table, [both], existing=[failed])
    first, second = [a for a in plan.allocations() if a.group == "sticky"]
    assert (first.node_index, first.nodes_evaluated) == (order[7], 1)
    # Without the reset it would pull order[4] and order[5], after the web group's four.
    seen = {m["NodeName"] for m in second.score_metadata}
    assert seen == {f"n{order[0]}", f"n{order[1]}"}


def test_a_node_pool_scheduler_configuration_overrides_the_cluster_algorithm():
    nodes = [node("a", NodePool="edge"), node("b", NodePool="edge")]
    # b already busy: binpack prefers it, spread prefers the empty a.
    existing = [ExistingAlloc("other", "x", 1, cpu=2000, memory_mb=2048)]
    web = job("web").model_copy(update={"node_pool": "edge"})
    binpack = simulate(nodes, [web], existing=existing)
    spread = simulate(
        nodes, [web], existing=existing, node_pools={"edge": PoolScheduler(algorithm="spread")}
    )
    assert [a.node_name for a in binpack.allocations()] == ["b"]
    assert [a.node_name for a in spread.allocations()] == ["a"]
    # A job of another pool keeps the cluster's algorithm.
    other = simulate(
        nodes, [web], existing=existing, node_pools={"batch": PoolScheduler(algorithm="spread")}
    )
    assert [a.node_name for a in other.allocations()] == ["b"]


def test_a_node_pool_can_enable_memory_oversubscription():
    web = job("web").model_copy(update={"node_pool": "edge"})
    web.task_groups[0].tasks[0].resources.memory_max_mb = 900
    nodes = [node("a", NodePool="edge")]
    off = simulate(nodes, [web])
    on = simulate(nodes, [web], node_pools={"edge": PoolScheduler(memory_oversubscription=True)})
    assert next(off.allocations()).memory_max_mb == 0
    assert next(on.allocations()).memory_max_mb == 900


def test_an_unknown_pool_algorithm_is_refused():
    with pytest.raises(ValueError, match="node pool 'edge'"):
        simulate([node("a")], [job()], node_pools={"edge": PoolScheduler(algorithm="fast")})


def test_node_limit_for_feasibility_checks_bounds_scored_selects():
    # With an affinity the limit is NodeLimitForFeasibilityChecks (count below it).
    nodes = [node(f"n{i}", Meta={"rack": "r1"}) for i in range(20)]
    affine = job(
        "web",
        Affinities=[{"LTarget": "${meta.rack}", "RTarget": "r1", "Operand": "=", "Weight": 50}],
    )
    default = next(simulate(nodes, [affine]).allocations())
    limited = next(simulate(nodes, [affine], node_limit=4).allocations())
    assert default.nodes_evaluated == 20
    assert limited.nodes_evaluated == 4


def test_every_placement_carries_its_alloc_metric():
    nodes = [node("a"), node("g", NodeClass="gpu"), node("small", cpu=50)]
    linux = [{"LTarget": "${node.class}", "Operand": "=", "RTarget": "linux"}]
    plan = simulate(nodes, [job("web", count=1, group_constraints=linux, type_="batch")])
    (alloc,) = plan.allocations()
    metric = alloc.metrics
    assert metric.nodes_in_pool == 3 and metric.nodes_available == {"dc1": 3}
    assert metric.node_pool == "default"
    assert metric.nodes_evaluated == alloc.nodes_evaluated
    assert metric.nodes_filtered == metric.class_filtered.get("gpu", 0)
    assert metric.nodes_exhausted == metric.dimension_exhausted.get("cpu", 0)
    assert metric.score_metadata == alloc.score_metadata


def test_system_placements_carry_score_metadata():
    nodes = [node("a"), node("b")]
    plan = simulate(nodes, [job("sys", type_="system")])
    for alloc in plan.allocations():
        (meta,) = alloc.score_metadata
        assert meta["NodeName"] == alloc.node_name
        assert meta["Scores"] == {"binpack": alloc.score}
        assert alloc.metrics.nodes_evaluated == 1
        assert alloc.metrics.node_pool == ""  # the system scheduler sets it on failures only
