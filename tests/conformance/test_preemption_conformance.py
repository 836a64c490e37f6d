"""Nomad's preemption tables (scheduler/feasible/preemption_test.go), through the public
``sim.placement`` preemption names."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from models import Job, Node
from sim.placement import (
    Amount,
    DeviceRequest,
    ExistingAlloc,
    Holding,
    NetworkUse,
    NodeRoom,
    PreemptAsk,
    basic_resource_distance,
    preempt_on_node,
    simulate,
)

TABLE = json.loads((Path(__file__).parent / "nomad_preemption_test.json").read_text())
NODE = TABLE["node"]
PLACING_JOB = ("default", "placing")


def _amount(data: dict[str, Any]) -> Amount:
    return Amount(data.get("cpu", 0), data.get("memory_mb", 0), data.get("disk_mb", 0))


def _network(data: dict[str, Any] | None) -> NetworkUse | None:
    if data is None:
        return None
    return NetworkUse(data["device"], data["mbits"], tuple(data["reserved_ports"]))


def _matching(name: str) -> frozenset[int]:
    """Device groups a request name picks: ``type``, ``vendor/type`` or ``vendor/type/name``."""
    parts = name.split("/")
    out = set()
    for d, (vendor, type_, model, _) in enumerate(NODE["devices"]):
        wanted = {1: (type_,), 2: (vendor, type_), 3: (vendor, type_, model)}[len(parts)]
        if tuple(parts) == wanted:
            out.add(d)
    return frozenset(out)


def _only(name: str) -> int:
    (group,) = _matching(name)
    return group


def _room(kind: str) -> NodeRoom:
    reserved = _amount(NODE["reserved"])
    return NodeRoom(
        _amount(NODE) - reserved,
        tuple((d, m) for d, m in NODE["networks"][kind]),
        tuple(d[3] for d in NODE["devices"]),
    )


def _holding(data: dict[str, Any]) -> Holding:
    return Holding(
        id=data["id"],
        job_id=data["job"],
        priority=TABLE["priorities"][data["job"]],
        amount=_amount(data),
        group="web",
        network=_network(data.get("network")),
        devices=tuple((_only(name), n) for name, n in data.get("devices", ())),
    )


@pytest.mark.parametrize("case", TABLE["TestResourceDistance"]["cases"], ids=str)
def test_resource_distance(case: dict[str, Any]) -> None:
    ask = _amount(TABLE["TestResourceDistance"]["ask"])
    assert f"{basic_resource_distance(ask, _amount(case['used'])):.3f}" == case["distance"]


@pytest.mark.parametrize("case", TABLE["TestPreemption_Normal"], ids=lambda c: c["desc"])
def test_preemption_normal(case: dict[str, Any]) -> None:
    data = case["ask"]
    ask = PreemptAsk(
        _amount(data),
        _network(data.get("network")),
        tuple(DeviceRequest(n, _matching(name)) for name, n in data.get("devices", ())),
    )
    preempted = Counter(
        ("default", p["job"], p["group"]) for p in case.get("current_preemptions", ())
    )
    victims = preempt_on_node(
        case["job_priority"],
        PLACING_JOB,
        _room(case.get("node", "default")),
        [_holding(a) for a in case["allocs"]],
        ask,
        preempted,
    )
    if case["preempted"] is None:
        assert not victims  # no option: the node stays exhausted
    else:
        assert victims is not None
        assert sorted(h.id for h in victims) == sorted(case["preempted"])


def test_service_sched_preemption():
    """scheduler/generic_sched_test.go TestServiceSched_Preemption: a priority-100 job that
    needs 900 MHz / 1700 MB on a node running a priority-30 and a priority-50 allocation
    evicts both (no scheduler configuration in state: service preemption on)."""
    node = Node.model_validate(
        {
            "ID": "node",
            "Name": "node",
            "Datacenter": "dc1",
            "Status": "ready",
            "Drivers": {"exec": {"Detected": True, "Healthy": True}},
            "NodeResources": {
                "Cpu": {"CpuShares": 1000},
                "Memory": {"MemoryMB": 2048},
                "Disk": {"DiskMB": 100 * 1024},
                "Networks": [{"Mode": "host", "Device": "eth0", "MBits": 1000}],
            },
            "ReservedResources": {
                "Cpu": {"CpuShares": 50},
                "Memory": {"MemoryMB": 256},
                "Disk": {"DiskMB": 4 * 1024},
                "Networks": {"ReservedHostPorts": "22"},
            },
        }
    )
    job3 = Job.model_validate(
        {
            "ID": "job3",
            "Priority": 100,
            "TaskGroups": [
                {
                    "Name": "web",
                    "EphemeralDisk": {"SizeMB": 150},
                    "Tasks": [
                        {
                            "Name": "web",
                            "Driver": "exec",
                            "Resources": {"CPU": 900, "MemoryMB": 1700},
                        }
                    ],
                }
            ],
        }
    )
    running = [
        ExistingAlloc("job1", "web", 0, 500, 1024, 150, priority=30, alloc_id="alloc1"),
        ExistingAlloc("job2", "web", 0, 350, 512, 150, priority=50, alloc_id="alloc2"),
    ]
    plan = simulate([node], [job3], existing=running, preemption={"service": True})
    (alloc,) = plan.allocations()
    assert sorted(e.alloc_id for e in alloc.preempted) == ["alloc1", "alloc2"]
    assert plan.blocked_evals == []
