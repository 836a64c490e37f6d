"""Eviction in simulations: allocation limits, devices, bandwidth and ports, the placing job's
own allocations; and the preemption invariants on generated clusters whose allocations hold
GPUs and bandwidth (hypothesis, bounded, seeded)."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from hypothesis import given, seed
from hypothesis import strategies as st

from models import Job, Node, Resources
from sim.core.nodetable import NodeTable
from sim.placement import ExistingAlloc, simulate
from sim.placement import evict as evict_module
from sim.placement.preemption import PRIORITY_DELTA

from .helpers import job, node
from .test_reference import SETTINGS

ON = {"service": True, "batch": True, "system": True, "sysbatch": True}
OFF = {"service": False, "batch": False, "system": False, "sysbatch": False}


def _job(
    job_id: str,
    priority: int,
    cpu: int = 100,
    count: int = 1,
    mbits: int = 0,
    ports: tuple[int, ...] = (),
    gpus: int = 0,
    job_type: str = "service",
) -> Job:
    """Group ``g``, task ``t``: 64 MB, a task network of ``mbits`` with ``ports``, GPUs."""
    resources: dict[str, Any] = {"CPU": cpu, "MemoryMB": 64}
    if mbits or ports:
        resources["Networks"] = [
            {"MBits": mbits, "ReservedPorts": [{"Label": f"p{p}", "Value": p} for p in ports]}
        ]
    if gpus:
        resources["Devices"] = [{"Name": "nvidia/gpu", "Count": gpus}]
    base = job(job_id, count, type_=job_type, EphemeralDisk={"SizeMB": 10})
    (group,) = base.task_groups
    task = group.tasks[0].model_copy(
        update={"name": "t", "resources": Resources.model_validate(resources)}
    )
    return base.model_copy(
        update={
            "priority": priority,
            "task_groups": [group.model_copy(update={"name": "g", "tasks": [task]})],
        }
    )


def _node(name: str, mbits: int = 1000, gpus: int = 0, **overrides: Any) -> Node:
    resources: dict[str, Any] = {
        "Cpu": {"CpuShares": 4000},
        "Memory": {"MemoryMB": 4096},
        "Disk": {"DiskMB": 20000},
        "Networks": [{"Mode": "host", "Device": "eth0", "MBits": mbits}],
    }
    if gpus:
        resources["Devices"] = [
            {
                "Vendor": "nvidia",
                "Type": "gpu",
                "Name": "T4",
                "Instances": [{"ID": f"{name}-{i}", "Healthy": True} for i in range(gpus)],
            }
        ]
    return node(name, NodeResources=resources, **overrides)


def test_node_at_allocation_limit_evicts_the_closest_allocation():
    """``AllocsFit`` checks the count first: the task-group preemptor then evicts the one
    allocation closest to the ask, and the node is scored with zero utilisation."""
    full = _node("a", NodeMaxAllocs=2)
    running = [
        ExistingAlloc("low", "g", 0, cpu=1000, memory_mb=64, disk_mb=10, priority=20),
        ExistingAlloc("low", "g", 0, cpu=100, memory_mb=64, disk_mb=10, priority=20),
    ]
    plan = simulate([full], [_job("high", 70, cpu=100)], existing=running, preemption=ON)
    (alloc,) = plan.allocations()
    assert [e.existing for e in alloc.preempted] == [1]
    # binpack of zero usage: 20 − (10 + 10) = 0
    assert alloc.scores["binpack"] == 0.0


def test_allocation_limit_without_preemption_stays_exhausted():
    full = _node("a", NodeMaxAllocs=1)
    running = [ExistingAlloc("low", "g", 0, cpu=100, memory_mb=64, disk_mb=10, priority=20)]
    plan = simulate([full], [_job("high", 70)], existing=running, preemption=OFF)
    assert list(plan.allocations()) == []


def test_bandwidth_preemption_frees_the_lowest_priority_then_reuses_it():
    """A task network of 600 Mbits on a 1000 Mbits device holding 300 + 300 + 300: one
    priority-20 allocation goes (PreemptForNetwork); the second placement needs another."""
    running = [
        ExistingAlloc("batch", "g", 0, 100, 64, 10, priority=20, mbits=300, alloc_id="b1"),
        ExistingAlloc("batch", "g", 0, 100, 64, 10, priority=20, mbits=300, alloc_id="b2"),
        ExistingAlloc("web", "g", 0, 100, 64, 10, priority=65, mbits=300, alloc_id="w"),
    ]
    job = _job("high", 70, mbits=350, count=2)
    plan = simulate([_node("a")], [job], existing=running, preemption=ON)
    placed = list(plan.allocations())
    assert [[e.alloc_id for e in a.preempted] for a in placed] == [["b1"], ["b2"]]


def test_reserved_port_held_by_a_lower_priority_allocation_is_freed():
    running = [
        ExistingAlloc("batch", "g", 0, 100, 64, 10, (8080,), priority=20, alloc_id="b"),
    ]
    plan = simulate(
        [_node("a")], [_job("high", 70, ports=(8080,))], existing=running, preemption=ON
    )
    (alloc,) = plan.allocations()
    assert [e.alloc_id for e in alloc.preempted] == ["b"]
    assert alloc.offer.ports == (("p8080", 8080),)


def test_reserved_port_held_within_ten_priority_blocks():
    running = [ExistingAlloc("svc", "g", 0, 100, 64, 10, (8080,), priority=65)]
    plan = simulate(
        [_node("a")], [_job("high", 70, ports=(8080,))], existing=running, preemption=ON
    )
    assert list(plan.allocations()) == []


def test_task_network_needs_a_network_device():
    """``AssignTaskNetwork`` on a node without a network device: "no networks available",
    which no eviction mends."""
    bare = node("a", NodeResources={"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4096}})
    bare.node_resources.networks[:] = [n for n in bare.node_resources.networks if not n.device]
    plan = simulate([bare], [_job("high", 70, mbits=10)], preemption=ON)
    assert list(plan.allocations()) == []


def test_gpu_preemption_releases_the_instances():
    """Two GPUs, both held by a priority-20 allocation: the job needing one evicts it, and a
    second job needing one then fits without evicting (the other instance is free)."""
    running = [
        ExistingAlloc("train", "g", 0, 100, 64, 10, priority=20, devices=(("nvidia/gpu/T4", 2),))
    ]
    jobs = [_job("infer", 80, gpus=1), _job("etl", 75, gpus=1)]
    plan = simulate([_node("a", gpus=2)], jobs, existing=running, preemption=ON)
    by_job = {a.job_id: a for a in plan.allocations()}
    assert len(by_job["infer"].preempted) == 1
    assert by_job["etl"].preempted == ()


def test_own_allocations_are_never_candidates():
    """The placing job's running allocations are left out of the preemptor's candidates
    (``SetCandidates``), whatever their priority."""
    running = [ExistingAlloc("high", "g", 0, 3800, 64, 10, priority=20)]
    plan = simulate(
        [_node("a")], [_job("high", 70, cpu=500, count=2)], existing=running, preemption=ON
    )
    assert not plan.preempted


# ------------------------------------------------------------------------ properties


@st.composite
def _clusters(draw) -> list[Node]:
    return [
        _node(
            f"n{i}",
            mbits=draw(st.sampled_from([100, 1000])),
            gpus=draw(st.sampled_from([0, 1, 2, 4])),
            NodeMaxAllocs=draw(st.sampled_from([0, 0, 3])),
        )
        for i in range(draw(st.integers(1, 6)))
    ]


@st.composite
def _jobs(draw) -> list[Job]:
    return [
        _job(
            f"j{k}",
            draw(st.sampled_from([20, 35, 50, 70, 90])),
            cpu=draw(st.sampled_from([100, 900, 1800])),
            count=draw(st.integers(1, 4)),
            mbits=draw(st.sampled_from([0, 0, 50, 400])),
            ports=draw(st.sampled_from([(), (), (9000,)])),
            gpus=draw(st.sampled_from([0, 0, 1, 2])),
            job_type=draw(st.sampled_from(["service", "batch", "system"])),
        )
        for k in range(draw(st.integers(1, 4)))
    ]


@st.composite
def _running(draw, nodes: list[Node], jobs: list[Job]) -> list[ExistingAlloc]:
    """Allocations of jobs outside the run, packed onto the nodes without overcommitting."""
    out: list[ExistingAlloc] = []
    for i, n in enumerate(nodes):
        gpus = sum(len(d.instances) for d in n.node_resources.devices)
        cpu, mbits = 0, 0
        for k in range(draw(st.integers(0, 4))):
            c, m = draw(st.sampled_from([400, 1000])), draw(st.sampled_from([0, 50, 300]))
            g = draw(st.integers(0, gpus))
            ports = draw(st.sampled_from([(), (9000,)]))
            if cpu + c > 4000 or mbits + m > n.node_resources.networks[0].m_bits:
                break
            if ports and any(9000 in a.ports for a in out if a.node_index == i):
                ports = ()
            cpu, mbits, gpus = cpu + c, mbits + m, gpus - g
            out.append(
                ExistingAlloc(
                    f"x{k % 2}",
                    "g",
                    i,
                    c,
                    64,
                    10,
                    ports,
                    priority=draw(st.sampled_from([10, 25, 40, 60, 85])),
                    mbits=m,
                    devices=(("nvidia/gpu", g),) if g else (),
                )
            )
    return out


def _check_within_capacity(nodes: list[Node], existing: list[ExistingAlloc], plan) -> None:
    evicted = {e.existing for e in plan.preempted}
    kept = [a for i, a in enumerate(existing) if i not in evicted]
    placed = list(plan.allocations())
    for i, n in enumerate(nodes):
        here = [a for a in kept if a.node_index == i]
        mine = [a for a in placed if a.node_index == i]
        if not mine:
            continue
        res = n.node_resources
        assert sum(a.cpu for a in here) + sum(a.cpu for a in mine) <= res.cpu.cpu_shares
        gpus = sum(c for a in here for _, c in a.devices)
        gpus += sum(c for a in mine for _, c in a.offer.devices)
        assert gpus <= sum(len(d.instances) for d in res.devices)
        ask_mbits = {a.job_id: 0 for a in mine}
        for outcome in plan.jobs:
            for task in outcome.job.task_groups[0].tasks:
                if task.resources.networks:
                    ask_mbits[outcome.job.id] = task.resources.networks[0].m_bits
        used = sum(a.mbits for a in here) + sum(ask_mbits.get(a.job_id, 0) for a in mine)
        assert used <= res.networks[0].m_bits
        if n.node_max_allocs:
            assert len(here) + len(mine) <= n.node_max_allocs
        ports = [p for a in here for p in a.ports] + [p for a in mine for _, p in a.offer.ports]
        assert len(ports) == len(set(ports))


@seed(18)
@SETTINGS
@given(st.data(), _clusters(), _jobs())
def test_network_and_device_preemption_invariants(data, nodes, jobs):
    """Never an allocation within 10 priority, never the placing job's own; every node a
    placement lands on ends within CPU, bandwidth, GPUs, allocation count and ports."""
    existing = data.draw(_running(nodes, jobs))
    plan = simulate(NodeTable(nodes), jobs, existing=existing, preemption=ON)
    for outcome in plan.jobs:
        for evicted in outcome.preempted:
            assert outcome.job.priority - evicted.priority >= PRIORITY_DELTA
            assert evicted.job_id != outcome.job.id
    _check_within_capacity(nodes, existing, plan)


@seed(18)
@SETTINGS
@given(st.data(), _clusters(), _jobs())
def test_switched_off_takes_no_preemption_path(data, nodes, jobs):
    """Preemption off: the plan is the one computed with every eviction entry point
    replaced by one that fails, so no preemption code runs at all."""
    existing = data.draw(_running(nodes, jobs))
    off = simulate(NodeTable(nodes), jobs, existing=existing, preemption=OFF)

    def forbidden(*_: object, **__: object) -> None:
        raise AssertionError("a preemption path ran with preemption off")

    with (
        mock.patch.object(evict_module, "try_node", forbidden),
        mock.patch.object(evict_module, "preempt_select", forbidden),
        mock.patch.object(evict_module, "system_option", forbidden),
        mock.patch("sim.placement.scheduler.preempt_select", forbidden),
        mock.patch("sim.placement.scheduler.system_option", forbidden),
    ):
        bare = simulate(NodeTable(nodes), jobs, existing=existing, preemption=OFF)
    assert not off.preempted
    view = [[(a.name, a.node_index, a.score, a.scores) for a in j.allocations()] for j in off.jobs]
    assert view == [
        [(a.name, a.node_index, a.score, a.scores) for a in j.allocations()] for j in bare.jobs
    ]


@pytest.mark.parametrize("kind", ["batch", "service"])
def test_switch_per_scheduler_type(kind: str) -> None:
    """Only the job types whose switch is on evict."""
    running = [ExistingAlloc("low", "g", 0, 3900, 64, 10, priority=20)]
    job = _job("high", 70, cpu=500, job_type=kind)
    on = simulate([_node("a")], [job], existing=running, preemption={kind: True})
    other = "service" if kind == "batch" else "batch"
    off = simulate([_node("a")], [job], existing=running, preemption={other: True})
    assert len(on.preempted) == 1
    assert not off.preempted


def test_room_left_out_by_own_allocations_overcommits_so_the_node_stays_exhausted():
    """Nomad's preemptor leaves the placing job's 2000 MHz out of the room: one victim
    (1000 MHz, the closest) seems enough, the node would hold 4400 of 4000 MHz, and the plan
    applier refuses it; the simulation treats the node as exhausted."""
    running = [
        ExistingAlloc("high", "g", 0, 2000, 64, 10),
        ExistingAlloc("low", "g", 0, 1000, 64, 10, priority=20),
        ExistingAlloc("low", "g", 0, 900, 64, 10, priority=20),
    ]
    job = _job("high", 70, cpu=1500)
    plan = simulate([_node("a")], [job], existing=running, preemption=ON)
    assert list(plan.allocations()) == []
    assert not plan.preempted
