"""Capacity read once per distinct value equals capacity read node by node.

Agents' resources differ by their network addresses, which capacity never reads; nodes that
differ only there share one capacity shape, and nodes that differ anywhere capacity reads
keep their own figures.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Node
from sim.placement.resources import NodeCapacity

from .helpers import node

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def agents(draw) -> list[Node]:
    """Agents drawn from a few resource shapes, each with its own IP on its network card."""
    count = draw(st.integers(1, 12))
    nodes = []
    for i in range(count):
        ip = f"10.0.{i // 250}.{i % 250 + 1}"
        nodes.append(
            node(
                f"n{i}",
                cpu=draw(st.sampled_from([1000, 4000])),
                memory=draw(st.sampled_from([1024, 4096])),
                NodeMaxAllocs=draw(st.sampled_from([0, 3])),
                NodeResources={
                    "Cpu": {
                        "CpuShares": draw(st.sampled_from([2000, 4000])),
                        "TotalCpuCores": draw(st.sampled_from([0, 4])),
                        "ReservableCpuCores": draw(st.sampled_from([[], [0, 1, 2, 3], [1, 2]])),
                    },
                    "Memory": {"MemoryMB": draw(st.sampled_from([1024, 4096]))},
                    "Disk": {"DiskMB": 20000},
                    "MinDynamicPort": draw(st.sampled_from([20000, 25000])),
                    "MaxDynamicPort": 32000,
                    "Networks": [{"Mode": "host", "Device": "eth0", "IP": ip, "CIDR": f"{ip}/32"}],
                    "NodeNetworks": [
                        {
                            "Mode": "host",
                            "Device": "eth0",
                            "Addresses": [{"Alias": "default", "Address": ip}],
                        }
                    ],
                },
                ReservedResources={
                    "Cpu": {
                        "CpuShares": draw(st.sampled_from([0, 100])),
                        "ReservedCpuCores": draw(st.sampled_from([[], [0]])),
                    },
                    "Memory": {"MemoryMB": draw(st.sampled_from([0, 256]))},
                    "Networks": {
                        "ReservedHostPorts": draw(st.sampled_from(["", "22", "8000-8002", "x"]))
                    },
                },
            )
        )
    return nodes


@SETTINGS
@given(agents())
def test_grouped_capacity_equals_per_node_capacity(nodes):
    together = NodeCapacity.of(nodes)
    for i, n in enumerate(nodes):
        alone = NodeCapacity.of([n])
        for column in ("cpu", "memory_mb", "disk_mb", "max_allocs", "mhz_per_core", "invalid"):
            assert getattr(together, column)[i] == getattr(alone, column)[0], column
        assert together.usable_cores[i] == alone.usable_cores[0]
        assert together.reserved_ports[i] == alone.reserved_ports[0]
        assert together.dynamic_range[i] == alone.dynamic_range[0]


def test_nodes_differing_only_by_address_share_one_shape():
    nodes = [
        node(
            f"n{i}",
            NodeResources={
                "Cpu": {"CpuShares": 4000},
                "Memory": {"MemoryMB": 4096},
                "Disk": {"DiskMB": 20000},
                "Networks": [{"Mode": "host", "Device": "eth0", "IP": f"10.0.0.{i + 1}"}],
            },
        )
        for i in range(5)
    ]
    assert len({id(n.node_resources) for n in nodes}) == 5
    cap = NodeCapacity.of(nodes)
    assert np.array_equal(cap.shapes, np.zeros(5))
    assert (cap.cpu == 4000).all()
