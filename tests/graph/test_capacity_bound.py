"""The capacity bound is an upper bound: no placement, found by brute force, beats it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from models import Job, Node
from sim.core.nodetable import NodeTable
from sim.feasibility import evaluate_job
from sim.graph import capacity_bound, group_class_graph, group_node_graph
from sim.placement import simulate

from .strategies import jobs, nodes


def _free(node: Node) -> list[int]:
    r, v = node.node_resources, node.reserved_resources
    return [
        r.cpu.cpu_shares - v.cpu.cpu_shares,
        r.memory.memory_mb - v.memory.memory_mb,
        r.disk.disk_mb - v.disk.disk_mb,
        node.node_max_allocs or 10**9,
    ]


def _job_distinct(job: Job) -> bool:
    return any(c.operand == "distinct_hosts" for c in job.constraints)


def best_placements(cluster: list[Node], workload: list[Job], seed: int) -> tuple[int, dict]:
    """Exhaustive search: the most allocations in total, and per group placed alone.

    Written from the models directly (plain sums of task asks, no lifecycle in these jobs)
    so it shares nothing with the code under test but the feasibility verdicts.
    """
    table = NodeTable(cluster)
    groups = []
    for job in workload:
        for gf in evaluate_job(table, job, seed).groups:
            tasks = gf.group.tasks
            ask = [
                sum(t.resources.cpu for t in tasks),
                sum(t.resources.memory_mb + t.resources.secrets_mb for t in tasks),
                gf.group.ephemeral_disk.size_mb,
                1,
            ]
            group_distinct = any(c.operand == "distinct_hosts" for c in gf.group.constraints)
            groups.append(
                {
                    "vertex": ("group", f"{job.id}/{gf.group.name}"),
                    "job": job.id,
                    "count": gf.group.count,
                    "ask": ask,
                    "feasible": sorted(int(i) for i in gf.feasible),
                    "one_per_node": "job" if _job_distinct(job) else group_distinct,
                }
            )

    def search(chosen: list[dict]) -> int:
        free = [_free(n) for n in cluster]
        on_node: dict = {}
        best = 0

        def place(gi: int, left: int, start: int, total: int) -> None:
            nonlocal best
            best = max(best, total)
            if gi == len(chosen):
                return
            g = chosen[gi]
            place(gi + 1, chosen[gi + 1]["count"] if gi + 1 < len(chosen) else 0, 0, total)
            if left == 0:
                return
            for i in g["feasible"]:
                if i < start or any(f < a for f, a in zip(free[i], g["ask"], strict=True)):
                    continue
                key = (g["job"], i) if g["one_per_node"] == "job" else (g["vertex"], i)
                if g["one_per_node"] and on_node.get(key):
                    continue
                for d, a in enumerate(g["ask"]):
                    free[i][d] -= a
                on_node[key] = on_node.get(key, 0) + 1
                place(gi, left - 1, i, total + 1)
                on_node[key] -= 1
                for d, a in enumerate(g["ask"]):
                    free[i][d] += a

        if chosen:
            place(0, chosen[0]["count"], 0, 0)
        return best

    return search(groups), {g["vertex"]: search([g]) for g in groups}


@settings(max_examples=40, deadline=None)
@given(nodes(max_size=4), jobs(max_jobs=2, max_count=2), st.integers(0, 2))
def test_bound_is_never_beaten_by_a_placement(cluster, workload, seed):
    best_total, best_alone = best_placements(cluster, workload, seed)
    table = NodeTable(cluster)
    feasibilities = [evaluate_job(table, job, seed) for job in workload]
    for build in (group_class_graph, group_node_graph):
        bound = capacity_bound(build(table, feasibilities))
        assert bound.joint >= best_total
        for vertex, alone in best_alone.items():
            assert bound.per_group[vertex] >= alone
        assert bound.joint <= bound.asked


@settings(max_examples=40, deadline=None)
@given(nodes(max_size=5), jobs(max_jobs=3, max_count=3), st.integers(0, 2))
def test_bound_is_never_beaten_by_the_placement_simulator(cluster, workload, seed):
    table = NodeTable(cluster)
    plan = simulate(table, workload, seed=seed)
    feasibilities = [evaluate_job(table, job, seed) for job in workload]
    bound = capacity_bound(group_class_graph(table, feasibilities))
    assert bound.joint >= plan.placed_count
    for outcome in plan.jobs:
        for group in outcome.groups:
            assert bound.per_group[("group", f"{group.job_id}/{group.name}")] >= group.placed_count
