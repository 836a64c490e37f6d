"""Feasibility benchmark: nodes × task groups, vectorized engine vs the scalar reference.

    python benchmarks/bench_feasibility.py [--quick]

Each figure is cold: a fresh NodeTable (column interning included) and every group of every
job evaluated. The scalar reference runs on the same cluster in the same process.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import machine, markdown_table, measure

from models import Job
from sim.core.nodetable import NodeTable
from sim.feasibility import evaluate_job
from sim.feasibility.reference import reference_job
from sim.synth import generate_jobs, generate_nodes


def jobs_with_groups(groups: int, nodes: list, seed: int = 7) -> list[Job]:
    """Synthetic jobs, trimmed so the group total is exactly ``groups``."""
    jobs, total = [], 0
    for job in generate_jobs(groups, seed, nodes=nodes):
        keep = job.task_groups[: groups - total]
        if not keep:
            break
        jobs.append(job.model_copy(update={"task_groups": keep}))
        total += len(keep)
    return jobs


def evaluate_all(nodes: list, jobs: list[Job]) -> int:
    table = NodeTable(nodes)
    return sum(len(evaluate_job(table, job, seed=1).groups) for job in jobs)


def reference_all(nodes: list, jobs: list[Job]) -> int:
    return sum(len(reference_job(nodes, job, seed=1)) for job in jobs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small grid, fewer repeats")
    args = parser.parse_args()
    node_counts = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    group_counts = [10, 100] if args.quick else [10, 100, 1_000]
    repeats = 3 if args.quick else 5
    rows = []
    for n in node_counts:
        nodes = generate_nodes(n, seed=42)
        for g in group_counts:
            jobs = jobs_with_groups(g, nodes)
            fast = measure(functools.partial(evaluate_all, nodes, jobs), repeats)
            rows.append([f"{n:,}", f"{g:,}", str(fast), f"{fast.median / g * 1e6:.0f} µs"])
    print(f"Machine: {machine()}\n")
    print("### Feasibility (cold: NodeTable built and every group evaluated)\n")
    print(markdown_table(["nodes", "task groups", "median (min–max)", "per group"], rows))
    n = 10_000
    nodes = generate_nodes(n, seed=42)
    ratio_rows = []
    for g in [10] if args.quick else [100, 1_000]:
        jobs = jobs_with_groups(g, nodes)
        fast = measure(functools.partial(evaluate_all, nodes, jobs), repeats)
        slow = measure(functools.partial(reference_all, nodes, jobs), 1 if g >= 1_000 else 3)
        ratio_rows.append([f"{g:,}", str(slow), str(fast), f"{slow.median / fast.median:.0f}×"])
    print(f"\n### Vectorized vs scalar reference at {n:,} nodes, same run\n")
    header = ["task groups", "scalar reference", "vectorized", "speed-up"]
    print(markdown_table(header, ratio_rows))


if __name__ == "__main__":
    main()
