"""The hashistack demo cluster as a ready graph: the Bug #17 story in a few lines.

Like ``networkx.karate_club_graph``, a small named graph that docstrings, tests and
notebooks share. Linux clients carry node class ``hashistack-linux``, Windows clients
``hashistack-windows``; the jobs cover each analysis: a Linux-only group (fragile), an
unconstrained one (Bug #17's grafana: feasible on Windows too), a distinct_hosts group,
and one pinned to the old class name ``hashistack`` (unplaceable).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from models import Job, Node

from ..core.nodetable import NodeTable
from ..feasibility import evaluate_job
from .build import group_class_graph, group_node_graph

_OS = {
    "linux": ("hashistack-linux", {"kernel.name": "linux", "driver.docker.os_type": "linux"}),
    "windows": (
        "hashistack-windows",
        {"kernel.name": "windows", "driver.docker.os_type": "windows"},
    ),
}


def hashistack_node(os: str, index: int, datacenter: str = "dc1") -> Node:
    """One client: 4000 MHz, 8192 MB, 20000 MB disk, docker, a host network."""
    node_class, attributes = _OS[os]
    name = f"{os}-{index}"
    return Node.model_validate(
        {
            "id": f"id-{name}",
            "name": name,
            "datacenter": datacenter,
            "node_class": node_class,
            "attributes": {**attributes, "unique.hostname": name},
            "drivers": {"docker": {"detected": True, "healthy": True}},
            "node_resources": {
                "cpu": {"cpu_shares": 4000},
                "memory": {"memory_mb": 8192},
                "disk": {"disk_mb": 20000},
                "networks": [{"mode": "host", "device": "eth0"}],
            },
        }
    )


def hashistack_nodes(linux: int = 2, windows: int = 1) -> list[Node]:
    """``client_count`` Linux and ``windows_client_count`` Windows clients, Linux first."""
    return [hashistack_node("linux", i) for i in range(linux)] + [
        hashistack_node("windows", i) for i in range(windows)
    ]


def _job(job_id: str, count: int, constraints: list[dict[str, Any]], cpu: int = 500) -> Job:
    task = {"name": job_id, "driver": "docker", "resources": {"cpu": cpu, "memory": 256}}
    return Job.model_validate(
        {
            "id": job_id,
            "task_groups": [
                {"name": "app", "count": count, "constraints": constraints, "tasks": [task]}
            ],
        }
    )


def hashistack_jobs() -> list[Job]:
    """web (Linux only), grafana (no constraint), consul (Linux, distinct_hosts, 3), legacy."""
    linux = {"attribute": "${node.class}", "value": "hashistack-linux"}
    return [
        _job("web", 2, [linux]),
        _job("grafana", 1, []),
        _job("consul", 3, [linux, {"operator": "distinct_hosts", "value": "true"}]),
        _job("legacy", 1, [{"attribute": "${node.class}", "value": "hashistack"}]),
    ]


def hashistack_graph(
    linux: int = 2, windows: int = 1, resolution: str = "class", seed: int = 0
) -> nx.Graph:
    """The demo cluster's group × class (or group × node) graph.

    >>> G = hashistack_graph()
    >>> sorted(G.nodes[v]["label"] for v in G if v[0] == "class")
    ['hashistack-linux · dc1 · linux', 'hashistack-windows · dc1 · windows']
    """
    nodes = hashistack_nodes(linux, windows)
    table = NodeTable(nodes)
    feasibilities = [evaluate_job(table, job, seed) for job in hashistack_jobs()]
    node_groups = [n.name.rsplit("-", 1)[0] for n in nodes]
    build = group_class_graph if resolution == "class" else group_node_graph
    return build(table, feasibilities, node_groups)
