"""Placement throughput: Nomad's scheduler benchmark grid and a C1M-shaped run.

    python benchmarks/bench_placement.py [--quick] [--repeats N] [--no-c1m]

The grid mirrors scheduler/benchmarks/benchmarks_test.go ``BenchmarkServiceScheduler``:
mock-like nodes (4 cores × 3500 MHz, 32,000 MB, 100 GiB) in two datacenters, ``racks`` racks
in ``meta.rack``; one service job asking 6000 MHz / 6000 MB per allocation, with or without
``spread { attribute = "${meta.rack}" }`` (even spread, so the limit becomes max(count, 100)).
C1M: 1,000 service jobs × 1,000 allocations (20 MHz / 10 MB tasks) on 5,000 of the same
nodes, run once. (``sim.synth.generate_nodes`` nodes carry no host-mode network, so Nomad's
NetworkChecker filters every one of them for a plain job; the mock nodes are used instead.)
Prints Markdown tables: median seconds with the min–max spread over repeats, and
placements per second at the median.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from unittest import mock

from models import Job, Node
from sim.core.nodetable import NodeTable
from sim.placement import simulate


def mock_node(i: int, racks: int) -> Node:
    return Node.model_validate(
        {
            "ID": f"node-{i:05d}",
            "Name": f"node-{i:05d}",
            "Datacenter": f"dc-{1 + i % 2}",
            "Meta": {"rack": f"r{i % racks}"},
            "Attributes": {"kernel.name": "linux", "driver.exec": "1"},
            "Drivers": {"exec": {"Detected": True, "Healthy": True}},
            "NodeResources": {
                "Cpu": {"CpuShares": 14000, "TotalCpuCores": 4},
                "Memory": {"MemoryMB": 32000},
                "Disk": {"DiskMB": 100 * 1024},
                "Networks": [{"Mode": "host", "Device": "eth0"}],
            },
            "ReservedResources": {"Cpu": {"CpuShares": 100}, "Memory": {"MemoryMB": 256}},
        }
    )


def service_job(
    job_id: str,
    count: int,
    cpu: int,
    memory: int,
    spread: bool = False,
    disk: int = 300,
    datacenters: tuple[str, ...] = ("*",),
) -> Job:
    return Job.model_validate(
        {
            "ID": job_id,
            "Type": "service",
            "Datacenters": list(datacenters),
            "Spreads": [{"Attribute": "${meta.rack}"}] if spread else [],
            "TaskGroups": [
                {
                    "Name": "web",
                    "Count": count,
                    "EphemeralDisk": {"SizeMB": disk},
                    "Tasks": [
                        {
                            "Name": "web",
                            "Driver": "exec",
                            "Config": {"command": "/bin/true"},
                            "Resources": {"CPU": cpu, "MemoryMB": memory},
                        }
                    ],
                }
            ],
        }
    )


def timed(work: Callable[[], int], repeats: int) -> tuple[float, float, float, int]:
    """(median, min, max) seconds and the placements of the last run."""
    samples, placed = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        placed = work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples), max(samples), placed


def grid(quick: bool, repeats: int) -> list[str]:
    """Spread-off rows also time the same job with every Select made alone (``select_many``
    off), in the same run; with a spread block Selects are never batched."""
    sizes = (1000,) if quick else (1000, 5000, 10000)
    counts = (300, 1200) if quick else (300, 600, 900, 1200)
    rows = [
        "| nodes | racks | allocs | spread | median s (min–max) | placed | placements/s "
        "| one Select at a time: median s | speed-up |",
        "|---:|---:|---:|:---|---:|---:|---:|---:|---:|",
    ]
    racks = 25
    for size in sizes:
        table = NodeTable([mock_node(i, racks) for i in range(size)])
        simulate(table, [service_job("warm", 1, 6000, 6000)])  # build cached columns once
        for count in counts:
            for spread in (False, True):
                job = service_job("bench", count, 6000, 6000, spread, datacenters=("dc-1", "dc-2"))

                def run(j: Job = job, t: NodeTable = table) -> int:
                    return simulate(t, [j]).placed_count

                med, low, high, placed = timed(run, repeats)
                one_by_one = "— | —"
                if not spread:
                    with mock.patch("sim.placement.scheduler.select_many", return_value=[]):
                        alone = timed(run, repeats)[0]
                    one_by_one = f"{alone:.3f} | {alone / med:.1f}×"
                rows.append(
                    f"| {size} | {racks} | {count} | {'on' if spread else 'off'} | "
                    f"{med:.3f} ({low:.3f}–{high:.3f}) | {placed} | {placed / med:,.0f} | "
                    f"{one_by_one} |"
                )
    return rows


def c1m(quick: bool) -> list[str]:
    jobs_count, per_job = (20, 1000) if quick else (1000, 1000)
    start = time.perf_counter()
    table = NodeTable([mock_node(i, 10) for i in range(5000)])
    build = time.perf_counter() - start
    jobs = [service_job(f"c1m-{k:04d}", per_job, 20, 10, disk=1) for k in range(jobs_count)]
    start = time.perf_counter()
    plan = simulate(table, jobs, score_metadata=False)
    elapsed = time.perf_counter() - start
    return [
        "| nodes | jobs × count | node build s | simulate s | placed | unplaced | placements/s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| 5000 | {jobs_count} × {per_job} | {build:.1f} | {elapsed:.1f} | "
        f"{plan.placed_count:,} | {plan.unplaced_count:,} | {plan.placed_count / elapsed:,.0f} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid, C1M scaled to 20 jobs")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--no-c1m", action="store_true")
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 5)
    print(f"### Nomad benchmark grid (service job, {repeats} repeats)\n")
    print("\n".join(grid(args.quick, repeats)))
    if not args.no_c1m:
        print("\n### C1M-shaped run (service, score metadata off)\n")
        print("\n".join(c1m(args.quick)))


if __name__ == "__main__":
    main()
