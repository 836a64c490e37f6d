"""Nomad's scheduler-level preemption tests, through ``simulate`` and the public names:
scheduler/scheduler_system_test.go TestSystemSched_Preemption,
scheduler/scheduler_sysbatch_test.go TestSysBatch_Preemption,
scheduler/integration/preemption_test.go TestPreemptionMultiple and
scheduler/feasible/rank_test.go TestBinPackIterator_Device_Preemption_MultipleDeviceRequests.

Nomad's mocks (nomad/mock: Node, Job, SystemJob, SystemBatchJob) are written out with the
fields these tests read; jobs whose allocations are only running (not placed here) are not in
the run, so their allocations state their priority."""

from __future__ import annotations

from typing import Any

import pytest

from models import Job, Node
from sim.placement import (
    Amount,
    DeviceRequest,
    ExistingAlloc,
    Holding,
    NodeRoom,
    PreemptAsk,
    preempt_on_node,
    simulate,
)


def _node(name: str, resources: dict[str, Any], reserved: dict[str, Any]) -> Node:
    """mock.Node with its NodeResources replaced."""
    return Node.model_validate(
        {
            "ID": name,
            "Name": name,
            "Datacenter": "dc1",
            "Status": "ready",
            "Attributes": {"kernel.name": "linux", "driver.exec": "1"},
            "Drivers": {"exec": {"Detected": True, "Healthy": True}},
            "NodeResources": resources,
            "ReservedResources": reserved,
        }
    )


MOCK_RESERVED = {  # mock.Node's ReservedResources
    "Cpu": {"CpuShares": 100},
    "Memory": {"MemoryMB": 256},
    "Disk": {"DiskMB": 4 * 1024},
    "Networks": {"ReservedHostPorts": "22"},
}


def _system_nodes() -> list[Node]:
    """Two nodes: 3072 MHz, 5034 MB, 20 GiB, eth0 at 1000 Mbits."""
    resources = {
        "Cpu": {"CpuShares": 3072},
        "Memory": {"MemoryMB": 5034},
        "Disk": {"DiskMB": 20 * 1024},
        "Networks": [{"Device": "eth0", "CIDR": "192.168.0.100/32", "MBits": 1000}],
        "NodeNetworks": [
            {
                "Mode": "host",
                "Device": "eth0",
                "Addresses": [{"Family": "ipv4", "Alias": "default", "Address": "192.168.0.100"}],
            }
        ],
    }
    return [_node(f"node{i}", resources, MOCK_RESERVED) for i in range(2)]


def _system_running() -> list[ExistingAlloc]:
    """job1 and job2 (batch, 20), job3 (batch, 40) and job4 (batch, 100) on the first node,
    with the bandwidth and ports of their AllocatedResources; job1's job asks port 80 but its
    allocation holds none, job4's holds it."""
    return [
        ExistingAlloc("job1", "web", 0, 512, 1024, 5 * 1024, priority=20, mbits=200),
        ExistingAlloc("job2", "web", 0, 512, 1024, 5 * 1024, priority=20, mbits=200),
        ExistingAlloc("job3", "web", 0, 1024, 25, 5 * 1024, priority=40, mbits=400),
        ExistingAlloc("job4", "web", 0, 1024, 2048, 2 * 1024, (80,), priority=100, mbits=100),
    ]


def _placing_job(job_type: str, priority: int) -> Job:
    """mock.SystemJob / mock.SystemBatchJob with the test's task resources: 1948 MHz,
    256 MB, a task network of 800 Mbits with one dynamic port."""
    return Job.model_validate(
        {
            "ID": f"mock-{job_type}",
            "Type": job_type,
            "Priority": priority,
            "Datacenters": ["dc1"],
            "Constraints": [{"LTarget": "${attr.kernel.name}", "RTarget": "linux", "Operand": "="}],
            "TaskGroups": [
                {
                    "Name": "web",
                    "Count": 1,
                    "EphemeralDisk": {"SizeMB": 300},
                    "Tasks": [
                        {
                            "Name": "web",
                            "Driver": "exec",
                            "Resources": {
                                "CPU": 1948,
                                "MemoryMB": 256,
                                "Networks": [{"MBits": 800, "DynamicPorts": [{"Label": "http"}]}],
                            },
                        }
                    ],
                }
            ],
        }
    )


@pytest.mark.parametrize(
    ("job_type", "priority", "switch"),
    [
        ("system", 100, {"system": True}),  # TestSystemSched_Preemption
        ("sysbatch", 100, {"sysbatch": True}),  # TestSysBatch_Preemption
    ],
)
def test_system_preemption(job_type: str, priority: int, switch: dict[str, bool]) -> None:
    """The 800 Mbits the job needs on the first node evict job1, job2 and job3 (bandwidth,
    lowest priority first); job4 (100) stays; the job is placed on both nodes."""
    plan = simulate(
        _system_nodes(),
        [_placing_job(job_type, priority)],
        existing=_system_running(),
        preemption=switch,
    )
    placed = {a.node_name: a for a in plan.allocations()}
    assert sorted(placed) == ["node0", "node1"]
    evicted = placed["node0"].preempted
    assert sorted(e.job_id for e in evicted) == ["job1", "job2", "job3"]
    assert {e.preempted_by for e in evicted} == {placed["node0"].name}
    assert placed["node1"].preempted == ()
    assert plan.placed_count == 2


def test_sysbatch_preemption_off_by_default() -> None:
    """``PreemptionConfig`` defaults (nomad/structs/operator.go): sysbatch does not preempt,
    so the first node stays exhausted on its network."""
    plan = simulate(_system_nodes(), [_placing_job("sysbatch", 100)], existing=_system_running())
    assert [a.node_name for a in plan.allocations()] == ["node1"]
    assert all(not a.preempted for a in plan.allocations())
    ((group,),) = [job.groups for job in plan.jobs]
    assert group.failed is not None
    assert group.failed.dimension_exhausted == {"network: bandwidth exceeded": 1}


def _gpu_node(name: str, model: str, instances: int, cpu: int, memory: int) -> Node:
    return _node(
        name,
        {
            "Cpu": {"CpuShares": cpu},
            "Memory": {"MemoryMB": memory},
            "Disk": {"DiskMB": 100 * 1024},
            "Networks": [{"Device": "eth0", "CIDR": "192.168.0.100/32", "MBits": 1000}],
            "Devices": [
                {
                    "Vendor": "nvidia",
                    "Type": "gpu",
                    "Name": model,
                    "Instances": [{"ID": f"dev{i}", "Healthy": True} for i in range(instances)],
                }
            ],
        },
        {},
    )


def _gpu_job(job_id: str, priority: int, count: int, devices: list[dict[str, Any]]) -> Job:
    """mock.Job without networks or services: group ``web``, 150 MB disk, 500 MHz, 256 MB."""
    return Job.model_validate(
        {
            "ID": job_id,
            "Priority": priority,
            "Datacenters": ["dc1"],
            "TaskGroups": [
                {
                    "Name": "web",
                    "Count": count,
                    "EphemeralDisk": {"SizeMB": 150},
                    "Tasks": [
                        {
                            "Name": "web",
                            "Driver": "exec",
                            "Resources": {"CPU": 500, "MemoryMB": 256, "Devices": devices},
                        }
                    ],
                }
            ],
        }
    )


def test_preemption_multiple() -> None:
    """TestPreemptionMultiple: four priority-5 allocations hold one GPU each of four; a
    priority-100 job places two allocations of two GPUs each and evicts all four."""
    node = _gpu_node("gpu", "1080ti", 4, 4000, 8192)
    running = [
        ExistingAlloc(
            "low", "web", 0, 500, 256, 0, priority=5, alloc_id=f"low{i}", devices=(("gpu", 1),)
        )
        for i in range(4)
    ]
    high = _gpu_job("high", 100, 2, [{"Name": "gpu", "Count": 2}])
    plan = simulate([node], [high], existing=running, preemption={"service": True})
    placed = list(plan.allocations())
    assert len(placed) == 2
    assert sorted(e.alloc_id for a in placed for e in a.preempted) == [
        "low0",
        "low1",
        "low2",
        "low3",
    ]
    assert all(len(a.preempted) == 2 for a in placed)


def test_device_preemption_multiple_device_requests() -> None:
    """TestBinPackIterator_Device_Preemption_MultipleDeviceRequests: one priority-50
    allocation holds both GPUs; two requests of one ``nvidia/gpu`` each evict it once."""
    room = NodeRoom(Amount(4096, 4096, 0), healthy=(2,))
    existing = Holding("existing", "low", 50, devices=((0, 2),))
    ask = PreemptAsk(
        Amount(1000, 512, 0),
        devices=(DeviceRequest(1, frozenset({0})), DeviceRequest(1, frozenset({0}))),
    )
    victims = preempt_on_node(100, ("default", "high"), room, [existing], ask)
    assert victims is not None
    assert [h.id for h in victims] == ["existing"]

    # The same through a simulation, the allocation's devices named as Nomad records them
    # (the node gains a host network: the simulation runs the feasibility checks too).
    node = _gpu_node("n", "SOME-GPU", 2, 4096, 4096)
    running = [
        ExistingAlloc(
            "low",
            "web",
            0,
            0,
            0,
            0,
            priority=50,
            alloc_id="existing",
            devices=(("nvidia/gpu/SOME-GPU", 2),),
        )
    ]
    job = _gpu_job(
        "high", 100, 1, [{"Name": "nvidia/gpu", "Count": 1}, {"Name": "nvidia/gpu", "Count": 1}]
    )
    plan = simulate([node], [job], existing=running, preemption={"service": True})
    (alloc,) = plan.allocations()
    assert [e.alloc_id for e in alloc.preempted] == ["existing"]
    assert sorted(alloc.offer.devices) == [(0, 1), (0, 1)]
