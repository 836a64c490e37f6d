"""Capacity and N-1 on a 10,000-node cluster with 1,000 task groups placed.

    python benchmarks/bench_capacity.py [--quick]

Nodes: Nomad's mock nodes (14,000 MHz / 32,000 MB), two datacenters, 100 racks in
``meta.rack``. Placed first: 1,000 service jobs of one group, 5 allocations each (500 MHz,
512 MB). Capacity: a group confined to dc-1 asking 12,000 MHz / 4,000 MB, so about 5,000
more allocations place (one per dc-1 node with room). N-1: every rack lost in turn, lost
allocations replaced on the survivors. ``--quick`` uses 1,000 nodes, 10 racks, 100 jobs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_placement import mock_node
from timing import machine, markdown_table, measure

from models import Job, Node
from models.scenario import Scenario
from sim.io import ResolvedScenario
from sim.planning import capacity, capacity_of, current_cluster, resilience_of


def nodes(count: int, racks: int) -> list[Node]:
    """Nomad's mock nodes, sharing one resources object as a scenario's expanded node
    groups do (the capacity columns are then read once per shape)."""
    template = mock_node(0, racks)
    return [
        template.model_copy(
            update={
                "id": f"node-{i:05d}",
                "name": f"node-{i:05d}",
                "datacenter": f"dc-{1 + i % 2}",
                "meta": {"rack": f"r{i % racks:03d}"},
            }
        )
        for i in range(count)
    ]


def job(job_id: str, count: int, cpu: int, memory: int, datacenters: list[str]) -> Job:
    return Job.model_validate(
        {
            "ID": job_id,
            "Datacenters": datacenters,
            "TaskGroups": [
                {
                    "Name": "web",
                    "Count": count,
                    "Tasks": [
                        {
                            "Name": "web",
                            "Driver": "exec",
                            "Resources": {"CPU": cpu, "MemoryMB": memory},
                        }
                    ],
                }
            ],
        }
    )


def cluster_scenario(node_count: int, racks: int, job_count: int) -> ResolvedScenario:
    cluster = nodes(node_count, racks)
    jobs = [job(f"svc-{k:04d}", 5, 500, 512, ["*"]) for k in range(job_count)]
    jobs.append(job("target", 1, 12000, 4000, ["dc-1"]))
    return ResolvedScenario(
        scenario=Scenario(name="bench"),
        variables={},
        nodes=cluster,
        node_group_of=["clients"] * len(cluster),
        jobs=jobs,
        allocations=[],
        source=Path("bench.yaml"),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    node_count, racks, job_count = (1_000, 10, 100) if args.quick else (10_000, 100, 1_000)
    repeats = 3 if args.quick else 5
    resolved = cluster_scenario(node_count, racks, job_count)
    cluster = current_cluster(resolved)
    answer = capacity_of(cluster, "target")
    n1 = resilience_of(cluster, "meta.rack")
    rows = [
        [
            f"capacity of one group ({answer.more:,} more placed, bound {answer.bound:,})",
            str(measure(lambda: capacity_of(cluster, "target"), repeats)),
            "≤ 2 s",
        ],
        [
            f"same, from the scenario ({cluster.plan.placed_count:,} allocations placed first)",
            str(measure(lambda: capacity(resolved, "target"), max(1, repeats // 2))),
            "—",
        ],
        [
            f"N-1 over {racks} racks ({sum(c.lost for c in n1.cases):,} allocations lost in "
            f"all, {sum(c.unplaced for c in n1.cases):,} not replaced)",
            str(measure(lambda: resilience_of(cluster, "meta.rack"), max(1, repeats // 2))),
            "≤ 30 s",
        ],
    ]
    print(f"Machine: {machine()}\n")
    print(
        f"### Capacity and N-1, {node_count:,} nodes, {job_count:,} groups placed "
        f"({len(cluster.running):,} allocations)\n"
    )
    print(markdown_table(["question", "median (min–max)", "goal"], rows))


if __name__ == "__main__":
    main()
