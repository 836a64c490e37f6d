"""One truth, three engines: the node-by-node reference, the windowed Select and the batched
Selects give the same plan — chosen node, score, every AllocMetric counter, every
ScoreMetaData entry — on generated clusters and jobs."""

from __future__ import annotations

import math
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Job, Node
from sim.core.nodetable import NodeTable
from sim.placement import ExistingAlloc, PoolScheduler, job_seed, simulate
from sim.placement.reference import RefAlloc, ScoreHeap, reference_simulate
from sim.placement.select import score_meta_order

from .helpers import node

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RACKS = ["r1", "r2", "r3"]


@st.composite
def clusters(draw) -> list[Node]:
    """A few to some tens of nodes: two classes, racks, small and large, busy ports."""
    return [
        node(
            f"n{i}",
            cpu=draw(st.sampled_from([500, 1000, 2000, 4000])),
            memory=draw(st.sampled_from([256, 512, 1024, 4096])),
            NodeClass=draw(st.sampled_from(["linux", "linux", "gpu", ""])),
            NodePool=draw(st.sampled_from(["default", "default", "edge"])),
            Meta={"rack": draw(st.sampled_from(RACKS))} if draw(st.integers(0, 9)) else {},
            NodeMaxAllocs=draw(st.sampled_from([0, 0, 0, 3])),
            # Not ready: no candidate, and no preferred node for a sticky replacement.
            SchedulingEligibility=draw(st.sampled_from(["eligible"] * 7 + ["ineligible"])),
            ReservedResources={
                "Networks": {"ReservedHostPorts": draw(st.sampled_from(["", "", "8080"]))}
            },
        )
        for i in range(draw(st.integers(1, 24)))
    ]


def _spread(draw) -> dict[str, Any]:
    targets = []
    if draw(st.booleans()):
        for rack in draw(st.lists(st.sampled_from(RACKS), min_size=1, max_size=3, unique=True)):
            targets.append({"Value": rack, "Percent": draw(st.sampled_from([0, 20, 50, 70]))})
    return {
        "Attribute": "${meta.rack}",
        "Weight": draw(st.sampled_from([50, 100])),
        "SpreadTarget": targets,
    }


@st.composite
def group_specs(draw, name: str) -> dict[str, Any]:
    constraints = []
    if draw(st.integers(0, 3)) == 0:
        constraints.append({"Operand": "distinct_hosts", "RTarget": "true"})
    if draw(st.integers(0, 3)) == 0:
        constraints.append(
            {
                "LTarget": "${meta.rack}",
                "Operand": "distinct_property",
                "RTarget": str(draw(st.integers(1, 3))),
            }
        )
    if draw(st.booleans()):
        constraints.append({"LTarget": "${node.class}", "Operand": "!=", "RTarget": "gpu"})
    network = draw(st.sampled_from([None, None, "static", "dynamic"]))
    networks = []
    if network == "static":
        networks = [{"ReservedPorts": [{"Label": "http", "Value": 8080}]}]
    elif network == "dynamic":
        networks = [{"DynamicPorts": [{"Label": "http"}]}]
    affinities = []
    if draw(st.integers(0, 2)) == 0:
        affinities.append(
            {
                "LTarget": "${meta.rack}",
                "RTarget": draw(st.sampled_from(RACKS)),
                "Operand": "=",
                "Weight": draw(st.sampled_from([50, -50, 100])),
            }
        )
    return {
        "Name": name,
        "Count": draw(st.integers(1, 8)),
        "Constraints": constraints,
        "Affinities": affinities,
        "Spreads": [_spread(draw)] if draw(st.integers(0, 3)) == 0 else [],
        "Networks": networks,
        # A replacement of a failed allocation prefers its node (``findPreferredNode``).
        "EphemeralDisk": {
            "Sticky": draw(st.integers(0, 2)) == 0,
            "Migrate": draw(st.integers(0, 5)) == 0,
        },
        "Tasks": [
            {
                "Name": "t",
                "Driver": "docker",
                "Resources": {
                    "CPU": draw(st.sampled_from([100, 300, 700])),
                    "MemoryMB": draw(st.sampled_from([64, 128, 300])),
                },
            }
        ],
    }


@st.composite
def job_lists(draw) -> list[Job]:
    out = []
    for k in range(draw(st.integers(1, 4))):
        groups = [draw(group_specs(f"g{i}")) for i in range(draw(st.integers(1, 2)))]
        out.append(
            Job.model_validate(
                {
                    "ID": f"j{k}",
                    "Type": draw(
                        st.sampled_from(["service", "service", "batch", "system", "sysbatch"])
                    ),
                    "Priority": draw(st.sampled_from([30, 50, 70])),
                    "NodePool": draw(st.sampled_from(["default", "default", "edge", "all"])),
                    # The job-level class cache, shared by the groups (and preferred nodes).
                    "Constraints": [{"LTarget": "${node.class}", "Operand": "!=", "RTarget": "gpu"}]
                    if draw(st.integers(0, 3)) == 0
                    else [],
                    "Affinities": [
                        {
                            "LTarget": "${node.class}",
                            "RTarget": "linux",
                            "Operand": "=",
                            "Weight": draw(st.sampled_from([30, -30])),
                        }
                    ]
                    if draw(st.integers(0, 3)) == 0
                    else [],
                    "Spreads": [_spread(draw)] if draw(st.integers(0, 4)) == 0 else [],
                    "TaskGroups": groups,
                }
            )
        )
    return out


@st.composite
def existing_allocs(
    draw,
    n: int,
    js: list[Job],
    most: int = 8,
    priorities=(None, None, 10, 20, 45),
    failed_odds: int = 2,
) -> list[ExistingAlloc]:
    out = []
    outside = Job.model_validate({"ID": "x", "TaskGroups": [{"Name": "g0"}]})  # not in the run
    for _ in range(draw(st.integers(0, most))):
        job = draw(st.sampled_from([*js, outside]))
        failed = draw(st.integers(0, failed_odds)) == 0
        out.append(
            ExistingAlloc(
                job.id,
                draw(st.sampled_from([g.name for g in job.task_groups])),
                draw(st.integers(0, n - 1)),
                cpu=draw(st.sampled_from([100, 400, 900])),
                memory_mb=draw(st.sampled_from([64, 256])),
                disk_mb=300,
                failed=failed,
                previous_nodes=tuple(draw(st.lists(st.integers(0, n - 1), max_size=2)))
                if failed
                else (),
                # For the job outside the run (in-run jobs give their own): None is 50.
                priority=draw(st.sampled_from(priorities)),
                max_parallel=draw(st.sampled_from([None, 0, 1])),
            )
        )
    return out


def _metric(metric) -> dict[str, Any]:
    out = metric.to_nomad()
    out["ScoreMetaData"] = [
        (m["NodeID"], m["NormScore"], m["Scores"]) for m in out["ScoreMetaData"] or []
    ]
    return out


@st.composite
def configs(draw) -> dict[str, Any]:
    """Cluster algorithm, the edge pool's own configuration, the node limit."""
    pool = draw(st.sampled_from([None, PoolScheduler(), PoolScheduler("spread", True)]))
    return {
        "algorithm": draw(st.sampled_from(["binpack", "spread"])),
        "node_pools": {} if pool is None else {"edge": pool},
        "node_limit": draw(st.sampled_from([0, 0, 3])),
        "preemption": draw(
            st.sampled_from(
                [None, {"system": False}, {"service": True, "batch": True, "sysbatch": True}]
            )
        ),
    }


def plan_view(nodes, js, seed, existing, batched: bool, config=None) -> list:
    def run():
        return simulate(NodeTable(nodes), js, seed=seed, existing=existing, **(config or {}))

    if batched:
        plan = run()
    else:
        with mock.patch("sim.placement.scheduler.select_many", return_value=[]):
            plan = run()
    out = []
    for outcome in plan.jobs:
        placed = [
            (
                a.group,
                a.index,
                a.node_index,
                a.score,
                _metric(a.metrics),
                tuple(e.existing for e in a.preempted),
            )
            for a in outcome.allocations()
        ]
        failed = {g: _metric(m) for g, m in outcome.failed.items()}
        out.append((outcome.job.id, outcome.triggered_by, placed, failed))
    return out


def reference_view(nodes, js, seed, existing, config=None) -> list:
    def seeds(position: int) -> int:
        return job_seed(seed, position)

    allocs = [
        RefAlloc(
            e.job_id,
            e.group,
            e.node_index,
            e.cpu,
            e.memory_mb,
            e.disk_mb,
            e.ports,
            e.failed,
            e.previous_nodes,
            e.priority,
            e.max_parallel,
        )
        for e in existing
    ]
    out = []
    for ref in reference_simulate(nodes, js, seeds, existing=allocs, **(config or {})):
        placed = [
            (p.group, p.index, p.node, p.score, _metric(p.metric), p.preempted)
            for p in ref.placements
        ]
        failed = {g: _metric(m) for g, m in ref.failed.items()}
        out.append((ref.job.id, ref.triggered_by, placed, failed))
    return out


def same(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-12: Nomad's ``math.Pow`` and summation order are not reproduced
    to the last bit by numpy (nor by Python's ``math.pow``)."""
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@SETTINGS
@given(st.data(), clusters(), job_lists(), st.integers(0, 3), configs())
def test_reference_windowed_and_batched_selects_agree(data, nodes, js, seed, config):
    existing = data.draw(existing_allocs(len(nodes), js))
    want = reference_view(nodes, js, seed, existing, config)
    one_by_one = plan_view(nodes, js, seed, existing, False, config)
    assert same(one_by_one, want), (one_by_one, want)
    assert plan_view(nodes, js, seed, existing, True, config) == one_by_one


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([-math.inf, 0.0, 0.25, 0.5, 1.0, -1.0, 0.75]), max_size=120))
def test_score_metadata_order_is_the_score_heaps(scores):
    """The windowed Select's top-5 order equals Go's container/heap driving kheap.ScoreHeap
    (ties come out in the heap's order)."""
    heap = ScoreHeap()
    for i, score in enumerate(scores):
        if score != -math.inf:
            heap.push({"NormScore": score, "index": i})
    want = [entry["index"] for entry in heap.items_reverse()]
    assert score_meta_order(np.array(scores, dtype=float)) == want


@SETTINGS
@given(st.data(), clusters(), job_lists(), st.integers(0, 3), configs())
def test_reference_agrees_on_crowded_clusters(data, nodes, js, seed, config):
    """As above with up to 5 starting allocations per node, most of them low priority:
    preemption (generic retry, system stack, the evicted jobs' evaluations) is common."""
    existing = data.draw(existing_allocs(len(nodes), js, 5 * len(nodes), (None, 10, 10, 20)))
    if data.draw(st.integers(0, 3)):
        config = {**config, "preemption": {"service": True, "batch": True, "sysbatch": True}}
    want = reference_view(nodes, js, seed, existing, config)
    one_by_one = plan_view(nodes, js, seed, existing, False, config)
    assert same(one_by_one, want), (one_by_one, want)
    assert plan_view(nodes, js, seed, existing, True, config) == one_by_one


def _sticky(job: Job) -> Job:
    groups = []
    for g in job.task_groups:
        disk = g.ephemeral_disk.model_copy(update={"sticky": True})
        groups.append(g.model_copy(update={"ephemeral_disk": disk}))
    return job.model_copy(update={"task_groups": groups})


@SETTINGS
@given(st.data(), clusters(), job_lists(), st.integers(0, 3), configs())
def test_reference_agrees_on_sticky_replacements(data, nodes, js, seed, config):
    """As above with sticky ephemeral disks and many failed allocations: many placements
    replace one, trying its node first (``PreferredNodes``), and each such Select sends the
    visit order back to its start; with preemption on, the evicting retry tries it first too."""
    js = [_sticky(j) for j in js]
    if data.draw(st.booleans()):
        existing = data.draw(existing_allocs(len(nodes), js, 12, failed_odds=0))
    else:
        crowd = existing_allocs(len(nodes), js, 3 * len(nodes), (None, 10, 10, 20), failed_odds=1)
        existing = data.draw(crowd)
        config = {**config, "preemption": {"service": True, "batch": True, "sysbatch": True}}
    want = reference_view(nodes, js, seed, existing, config)
    one_by_one = plan_view(nodes, js, seed, existing, False, config)
    assert same(one_by_one, want), (one_by_one, want)
    assert plan_view(nodes, js, seed, existing, True, config) == one_by_one
