"""Small random clusters and jobs whose feasibility mixes passes and failures.

Nodes vary in OS (and so computed class), datacenter, capacity, ``max_allocs`` and
readiness; groups in pinning constraint (one escapes the class cache), count,
``distinct_hosts`` scope and resource ask, so every edge attribute is exercised.
"""

from __future__ import annotations

from hypothesis import strategies as st

from models import Job, Node
from sim.graph.examples import hashistack_node

PINS = (
    None,
    ("${node.class}", "hashistack-linux"),
    ("${attr.kernel.name}", "windows"),
    ("${node.datacenter}", "dc2"),
    ("${attr.unique.hostname}", "linux-1"),  # escapes the class cache: per-node verdicts
    ("${node.class}", "hashistack"),  # matches nothing
)


@st.composite
def nodes(draw: st.DrawFn, max_size: int = 5) -> list[Node]:
    count = draw(st.integers(1, max_size))
    out = []
    for i in range(count):
        node = hashistack_node(
            draw(st.sampled_from(("linux", "windows"))), i, draw(st.sampled_from(("dc1", "dc2")))
        )
        resources = node.node_resources
        resources.cpu.cpu_shares = draw(st.sampled_from((0, 500, 1000, 2000)))
        resources.memory.memory_mb = draw(st.sampled_from((256, 1024, 2048)))
        node.reserved_resources.memory.memory_mb = draw(st.sampled_from((0, 0, 256)))
        node.node_max_allocs = draw(st.sampled_from((0, 0, 1, 2)))
        node.status = draw(st.sampled_from(("ready", "ready", "ready", "down")))
        out.append(node)
    return out


@st.composite
def jobs(draw: st.DrawFn, max_jobs: int = 3, max_count: int = 3) -> list[Job]:
    out = []
    for j in range(draw(st.integers(1, max_jobs))):
        groups = []
        for g in range(draw(st.integers(1, 2))):
            pin = draw(st.sampled_from(PINS))
            constraints = [] if pin is None else [{"attribute": pin[0], "value": pin[1]}]
            if draw(st.booleans()):
                constraints.append({"operator": "distinct_hosts", "value": "true"})
            task = {
                "name": "main",
                "driver": "docker",
                "resources": {
                    "cpu": draw(st.sampled_from((250, 500, 1000))),
                    "memory": draw(st.sampled_from((128, 512))),
                    "secrets": draw(st.sampled_from((0, 64))),
                },
            }
            groups.append(
                {
                    "name": f"g{g}",
                    "count": draw(st.integers(1, max_count)),
                    "constraints": constraints,
                    "tasks": [task],
                    "ephemeral_disk": {"size": draw(st.sampled_from((300, 15000)))},
                }
            )
        job_level = [{"operator": "distinct_hosts", "value": "true"}] if draw(st.booleans()) else []
        out.append(
            Job.model_validate({"id": f"j{j}", "constraints": job_level, "task_groups": groups})
        )
    return out
