"""Properties of any simulated plan on small generated clusters (hypothesis)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Job, Node
from sim import node_satisfies
from sim.core.nodetable import NodeTable
from sim.feasibility import PASS, evaluate_job
from sim.placement import job_seed, simulate
from sim.placement.resources import NodeCapacity

from .helpers import node

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def clusters(draw) -> list[Node]:
    count = draw(st.integers(1, 8))
    return [
        node(
            f"n{i}",
            cpu=draw(st.sampled_from([500, 1000, 2000, 4000])),
            memory=draw(st.sampled_from([256, 512, 1024, 4096])),
            NodeClass=draw(st.sampled_from(["linux", "gpu"])),
            Meta={"rack": draw(st.sampled_from(["r1", "r2", "r3"]))},
            NodeMaxAllocs=draw(st.sampled_from([0, 0, 2])),
            ReservedResources={
                "Networks": {"ReservedHostPorts": draw(st.sampled_from(["", "8080"]))}
            },
        )
        for i in range(count)
    ]


@st.composite
def jobs(draw) -> list[Job]:
    out = []
    for k in range(draw(st.integers(1, 4))):
        group_constraints = []
        if draw(st.booleans()):
            group_constraints.append({"Operand": "distinct_hosts", "RTarget": "true"})
        if draw(st.booleans()):
            group_constraints.append(
                {
                    "LTarget": "${meta.rack}",
                    "Operand": "distinct_property",
                    "RTarget": str(draw(st.integers(1, 2))),
                }
            )
        if draw(st.booleans()):
            group_constraints.append(
                {"LTarget": "${node.class}", "Operand": "=", "RTarget": "linux"}
            )
        network = draw(st.sampled_from([None, "static", "dynamic"]))
        networks = []
        if network == "static":
            networks = [{"ReservedPorts": [{"Label": "http", "Value": 8080}]}]
        elif network == "dynamic":
            networks = [{"DynamicPorts": [{"Label": "http"}]}]
        out.append(
            Job.model_validate(
                {
                    "ID": f"j{k}",
                    "Type": draw(st.sampled_from(["service", "batch", "system"])),
                    "Priority": draw(st.sampled_from([30, 50, 70])),
                    "Affinities": [
                        {"LTarget": "${meta.rack}", "RTarget": "r1", "Operand": "=", "Weight": 50}
                    ]
                    if draw(st.booleans())
                    else [],
                    "Spreads": [{"Attribute": "${meta.rack}"}] if draw(st.booleans()) else [],
                    "TaskGroups": [
                        {
                            "Name": "g",
                            "Count": draw(st.integers(1, 6)),
                            "Constraints": group_constraints,
                            "Networks": networks,
                            "EphemeralDisk": {"SizeMB": 10},
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
                    ],
                }
            )
        )
    return out


def _plan(nodes, js, seed=0, algorithm="binpack"):
    return simulate(NodeTable(nodes), js, seed=seed, algorithm=algorithm)


@SETTINGS
@given(clusters(), jobs(), st.integers(0, 3), st.sampled_from(["binpack", "spread"]))
def test_no_node_is_overcommitted(nodes, js, seed, algorithm):
    plan = _plan(nodes, js, seed, algorithm)
    cap = NodeCapacity.of(nodes)
    cpu, mem, allocs = np.zeros(len(nodes)), np.zeros(len(nodes)), Counter()
    ports: dict[int, list[int]] = {}
    for a in plan.allocations():
        cpu[a.node_index] += a.cpu
        mem[a.node_index] += a.memory_mb
        allocs[a.node_index] += 1
        ports.setdefault(a.node_index, []).extend(p for _, p in a.offer.ports)
    assert (cpu <= cap.cpu).all() and (mem <= cap.memory_mb).all()
    for i, n in enumerate(nodes):
        assert not n.node_max_allocs or allocs[i] <= n.node_max_allocs
        used = ports.get(i, [])
        assert len(used) == len(set(used))
        assert not set(used) & cap.reserved_ports[i]


@SETTINGS
@given(clusters(), jobs())
def test_distinct_rules_hold(nodes, js):
    plan = _plan(nodes, js)
    for outcome in plan.jobs:
        group = outcome.job.task_groups[0]
        placed = [a.node_index for a in outcome.allocations()]
        rules = {c.operand: c for c in group.constraints}
        if "distinct_hosts" in rules and outcome.job.type != "system":
            assert len(placed) == len(set(placed))
        if "distinct_property" in rules:
            allowed = int(rules["distinct_property"].r_target)
            per_rack = Counter(nodes[i].meta["rack"] for i in placed)
            assert max(per_rack.values(), default=0) <= allowed


@SETTINGS
@given(clusters(), jobs(), st.integers(0, 3))
def test_same_seed_same_plan(nodes, js, seed):
    def snapshot(plan):
        return [(a.name, a.node_index, a.offer.ports) for a in plan.allocations()]

    assert snapshot(_plan(nodes, js, seed)) == snapshot(_plan(nodes, js, seed))


@SETTINGS
@given(clusters(), jobs())
def test_placements_are_on_feasible_nodes(nodes, js):
    table = NodeTable(nodes)
    plan = simulate(table, js)
    for position, j in enumerate(js):
        feasible = evaluate_job(table, j, job_seed(0, position)).groups[0]
        allowed = set(feasible.order[feasible.verdicts == PASS].tolist())
        if j.type == "system":  # every node is checked afresh (class cache reset per node)
            constraints = j.task_groups[0].constraints
            allowed = {
                i for i, n in enumerate(nodes) if all(node_satisfies(n, c) for c in constraints)
            }
        for a in plan.job(j.id).allocations():
            assert a.node_index in allowed


@SETTINGS
@given(clusters(), st.integers(1, 4))
def test_system_job_on_every_feasible_node_with_room(nodes, count):
    system = Job.model_validate(
        {
            "ID": "sys",
            "Type": "system",
            "TaskGroups": [
                {
                    "Name": "g",
                    "Count": count,
                    "EphemeralDisk": {"SizeMB": 10},
                    "Tasks": [
                        {
                            "Name": "t",
                            "Driver": "docker",
                            "Resources": {"CPU": 600, "MemoryMB": 300},
                        }
                    ],
                }
            ],
        }
    )
    plan = _plan(nodes, [system])
    cap = NodeCapacity.of(nodes)
    room = {i for i in range(len(nodes)) if cap.cpu[i] >= 600 and cap.memory_mb[i] >= 300}
    assert Counter(a.node_index for a in plan.allocations()) == Counter(room)
    outcome = plan.job("sys")
    unplaced = len(nodes) - len(room)
    assert outcome.unplaced_count == unplaced
