"""Graph benchmark: the group × class graph build and its analyses.

    python benchmarks/bench_graph.py [--quick]

Nodes come from ``sim.synth.generate_nodes``. Jobs are built here: the synthetic job
population is made to exercise every operator and its edge cases, so almost none of its
groups is placeable, which would leave the graph without edges. These groups are pinned
to a node class, kernel, datacenter or zone that exists (a few to one that does not),
some with ``distinct_hosts``.

Feasibility is evaluated once, untimed; the build is then timed warm (the NodeTable's
class codes and capacity rows exist) and once cold (capacity rows read from the node
models first). The full grid's target is 100,000 nodes × 1,000 groups under a second.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from timing import machine, markdown_table, measure

from models import Job, Node
from sim.core.nodetable import NodeTable
from sim.feasibility import evaluate_job
from sim.graph import (
    capacity_bound,
    criticality,
    fragile_groups,
    group_class_graph,
    unplaceable_groups,
)
from sim.synth import generate_nodes

_TARGETS = {
    "${node.class}": lambda n: n.node_class,
    "${attr.kernel.name}": lambda n: n.attributes.get("kernel.name", ""),
    "${node.datacenter}": lambda n: n.datacenter,
    "${meta.zone}": lambda n: n.meta.get("zone", ""),
}


def pinned_jobs(groups: int, nodes: list[Node], seed: int = 7) -> list[Job]:
    """``groups`` single-group jobs, each pinned by one constraint to values nodes have."""
    rng = np.random.default_rng(seed)
    sample = nodes[:: max(1, len(nodes) // 2000)]
    jobs = []
    for i in range(groups):
        target = list(_TARGETS)[i % len(_TARGETS)]
        value = _TARGETS[target](sample[int(rng.integers(len(sample)))])
        constraints = [{"attribute": target, "value": value if i % 50 else "nowhere"}]
        if i % 7 == 0:
            constraints.append({"operator": "distinct_hosts", "value": "true"})
        resources = {
            "cpu": int(rng.choice([100, 500, 2000])),
            "memory": int(rng.choice([256, 1024])),
        }
        task = {"name": "main", "driver": "docker", "resources": resources}
        # Synthetic nodes fingerprint no networks; Nomad's fresh NetworkChecker asks for a
        # host network even without a network block, so the groups ask mode "none".
        group = {
            "name": "app",
            "count": int(rng.integers(1, 6)),
            "constraints": constraints,
            "networks": [{"mode": "none"}],
            "tasks": [task],
        }
        jobs.append(
            Job.model_validate({"id": f"job-{i:04d}", "node_pool": "all", "task_groups": [group]})
        )
    return jobs


def node_group_names(nodes: list) -> list[str]:
    """Stand-in scenario node groups: one per (datacenter, user node class)."""
    return [f"{n.datacenter}-{n.node_class or 'none'}" for n in nodes]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10,000 nodes × 100 groups")
    args = parser.parse_args()
    n, g = (10_000, 100) if args.quick else (100_000, 1_000)
    repeats = 3 if args.quick else 5
    nodes = generate_nodes(n, seed=42)
    jobs = pinned_jobs(g, nodes)
    table = NodeTable(nodes)
    feasibilities = [evaluate_job(table, job, seed=1) for job in jobs]
    names = node_group_names(nodes)

    start = time.perf_counter()
    G = group_class_graph(table, feasibilities)
    cold = time.perf_counter() - start
    stages = [
        ("build, class level (warm)", lambda: group_class_graph(table, feasibilities)),
        ("build + node groups", lambda: group_class_graph(table, feasibilities, names)),
    ]
    rows = [["build, class level (cold: capacity rows)", f"{cold * 1000:.1f} ms", 1]]
    rows += [[label, str(t := measure(work, repeats)), t.runs] for label, work in stages]
    H = group_class_graph(table, feasibilities, names)
    analyses = [
        ("unplaceable_groups", lambda: unplaceable_groups(H)),
        ("fragile_groups", lambda: fragile_groups(H)),
        ("criticality", lambda: criticality(H)),
        ("capacity_bound (max flow)", lambda: capacity_bound(H)),
    ]
    rows += [[label, str(t := measure(work, repeats)), t.runs] for label, work in analyses]
    print(f"Machine: {machine()}\n")
    print(
        f"### Group × class graph: {n:,} nodes, {g:,} task groups, {table.class_count} "
        f"computed classes, {G.number_of_edges():,} edges, "
        f"{len(unplaceable_groups(G))} unplaceable groups\n"
    )
    print(markdown_table(["stage", "median (min–max)", "runs"], rows))


if __name__ == "__main__":
    main()
