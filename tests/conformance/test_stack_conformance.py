"""Nomad's stack tests on ``SelectOptions.PreferredNodes``, through ``simulate`` and the public
names: scheduler/feasible/stack_test.go TestServiceStack_Select_PreferringNodes.

Nomad's test hands ``GenericStack.Select`` a preferred node that is not among the stack's
nodes. The scheduler sets ``PreferredNodes`` only for a placement that replaces an allocation
of a group whose ephemeral disk is sticky or migrates (``findPreferredNode``,
generic_sched.go), so the test is written as that: the preferred node holds a failed
allocation of the job and sits in another datacenter (not a candidate, like the test's node
outside ``SetNodes``). mock.Node and mock.Job are written out with the fields the Select reads.
"""

from __future__ import annotations

from typing import Any

from models import Job, Node
from sim.placement import ExistingAlloc, simulate


def _mock_node(name: str, datacenter: str = "dc1", kernel: str = "linux") -> Node:
    """mock.Node: 4 cores at 3500 MHz, 8192 MB, 100 GiB, eth0 at 1000 Mbits, port 22 reserved."""
    return Node.model_validate(
        {
            "ID": name,
            "Name": name,
            "Datacenter": datacenter,
            "NodeClass": "linux-medium-pci",
            "Status": "ready",
            "Attributes": {
                "kernel.name": kernel,
                "arch": "x86",
                "nomad.version": "0.5.0",
                "driver.exec": "1",
                "consul.version": "1.11.4",
            },
            "Drivers": {"exec": {"Detected": True, "Healthy": True}},
            "Meta": {"pci-dss": "true", "database": "mysql", "version": "5.6"},
            "NodeResources": {
                "Cpu": {"CpuShares": 14000},
                "Memory": {"MemoryMB": 8192},
                "Disk": {"DiskMB": 100 * 1024},
                "Networks": [
                    {"Mode": "host", "Device": "eth0", "CIDR": "192.168.0.100/32", "MBits": 1000}
                ],
            },
            "ReservedResources": {
                "Cpu": {"CpuShares": 100},
                "Memory": {"MemoryMB": 256},
                "Disk": {"DiskMB": 4 * 1024},
                "Networks": {"ReservedHostPorts": "22"},
            },
        }
    )


def _mock_job(**disk: Any) -> Job:
    """mock.Job: kernel.name = linux, group web (count 10, Consul semver constraint, 150 MB
    ephemeral disk, two dynamic ports), task web (exec, 500 MHz, 256 MB)."""
    return Job.model_validate(
        {
            "ID": "mock-service",
            "Type": "service",
            "Priority": 50,
            "Datacenters": ["dc1"],
            "Constraints": [{"LTarget": "${attr.kernel.name}", "RTarget": "linux", "Operand": "="}],
            "TaskGroups": [
                {
                    "Name": "web",
                    "Count": 10,
                    "Constraints": [
                        {
                            "LTarget": "${attr.consul.version}",
                            "RTarget": ">= 1.8.0",
                            "Operand": "semver",
                        }
                    ],
                    "EphemeralDisk": {"SizeMB": 150, **disk},
                    "Networks": [
                        {"Mode": "host", "DynamicPorts": [{"Label": "http"}, {"Label": "admin"}]}
                    ],
                    "Tasks": [
                        {
                            "Name": "web",
                            "Driver": "exec",
                            "Config": {"command": "/bin/date"},
                            "Resources": {"CPU": 500, "MemoryMB": 256},
                        }
                    ],
                }
            ],
        }
    )


def _first_placement(nodes: list[Node], job: Job) -> tuple[str, int]:
    """The replacement's node and NodesEvaluated: the first placement of the group."""
    failed = ExistingAlloc(job.id, "web", 1, failed=True)  # on the preferred node
    plan = simulate(nodes, [job], existing=[failed])
    alloc = next(a for a in plan.allocations() if a.index == 0)
    return alloc.node_name, alloc.nodes_evaluated


def test_service_stack_select_preferring_nodes() -> None:
    """TestServiceStack_Select_PreferringNodes: the preferred node is chosen; once its kernel
    is windows (it fails the job's constraint) the Select falls back to the stack's node."""
    job = _mock_job(Sticky=True)
    preferred = _mock_node("preferred", datacenter="dc2")
    assert _first_placement([_mock_node("node0"), preferred], job) == ("preferred", 1)
    windows = _mock_node("preferred", datacenter="dc2", kernel="windows")
    assert _first_placement([_mock_node("node0"), windows], job) == ("node0", 1)


def test_a_migrating_disk_prefers_the_node_too() -> None:
    """``findPreferredNode`` asks ``Sticky || Migrate``."""
    job = _mock_job(Migrate=True)
    preferred = _mock_node("preferred", datacenter="dc2")
    assert _first_placement([_mock_node("node0"), preferred], job)[0] == "preferred"


def test_without_a_sticky_disk_nothing_is_preferred() -> None:
    """No ``PreferredNodes``: the node outside the job's datacenters is never seen."""
    job = _mock_job()
    preferred = _mock_node("preferred", datacenter="dc2")
    assert _first_placement([_mock_node("node0"), preferred], job) == ("node0", 1)
