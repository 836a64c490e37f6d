"""The placement grid side by side: this tree against an earlier commit, interleaved.

    python benchmarks/bench_placement_ab.py [--base d3caae2] [--rounds 3] [--repeats 5] [--quick]

The base commit is checked out into a temporary git worktree under /tmp (removed afterwards).
Each round runs, per node count, one process on the base code and one on this tree, in
alternating order, each timing ``simulate`` over the grid rows of ``bench_placement.grid``
(same nodes, same jobs). A row's figure per side is the median over rounds of each process's
median; the ratios are base time / this tree's time (above 1: this tree is faster), on the
wall clock and on the process's CPU time. Run on a busy machine, the ratios are what count:
both sides see the same load, one after the other; CPU time is the less disturbed of the two.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TREE = HERE.parent

# Runs inside the tree under test (cwd and PYTHONPATH point there): times each row of one
# node count and prints one JSON object per row.
WORKER = """
import json, statistics, sys, time
from bench_placement import mock_node, service_job
from sim.core.nodetable import NodeTable
from sim.placement import simulate

size, repeats = int(sys.argv[1]), int(sys.argv[2])
counts = [int(c) for c in sys.argv[3].split(",")]
table = NodeTable([mock_node(i, 25) for i in range(size)])
simulate(table, [service_job("warm", 1, 6000, 6000)])
for count in counts:
    for spread in (False, True):
        job = service_job("bench", count, 6000, 6000, spread, datacenters=("dc-1", "dc-2"))
        wall, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            placed = simulate(table, [job]).placed_count
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        row = {"count": count, "spread": spread, "placed": placed}
        row.update(wall=statistics.median(wall), cpu=statistics.median(cpu))
        print(json.dumps(row))
"""


def run_worker(tree: Path, size: int, repeats: int, counts: tuple[int, ...]) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=f"{tree}{os.pathsep}{tree / 'benchmarks'}")
    args = [sys.executable, "-c", WORKER, str(size), str(repeats), ",".join(map(str, counts))]
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=tree, env=env)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="d3caae2", help="commit to compare against")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1000 nodes, 300 and 1200 allocs")
    args = parser.parse_args()
    sizes = (1000,) if args.quick else (1000, 5000, 10000)
    counts = (300, 1200) if args.quick else (300, 600, 900, 1200)
    with tempfile.TemporaryDirectory(prefix="placement-ab-") as scratch:
        base = Path(scratch) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.base],
            cwd=TREE,
            check=True,
            capture_output=True,
        )
        try:
            samples: dict[tuple[str, str, int, int, bool], list[float]] = {}
            for round_ in range(args.rounds):
                for size in sizes:
                    sides = [("base", base), ("head", TREE)]
                    if round_ % 2:
                        sides.reverse()
                    for side, tree in sides:
                        for row in run_worker(tree, size, args.repeats, counts):
                            for clock in ("wall", "cpu"):
                                key = (clock, side, size, row["count"], row["spread"])
                                samples.setdefault(key, []).append(row[clock])
                print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=TREE, check=False
            )
    print(
        f"### Placement grid, {args.base} against this tree "
        f"({args.rounds} interleaved rounds × {args.repeats} repeats)\n"
    )
    print(
        f"| nodes | allocs | spread | {args.base} median s | this tree median s "
        f"| {args.base} placements/s | this tree placements/s | ratio (wall) | ratio (CPU) |"
    )
    print("|---:|---:|:---|---:|---:|---:|---:|---:|---:|")

    def median(clock: str, side: str, size: int, count: int, spread: bool) -> float:
        return statistics.median(samples[clock, side, size, count, spread])

    for size in sizes:
        for count in counts:
            for spread in (False, True):
                old, new = (median("wall", side, size, count, spread) for side in ("base", "head"))
                cpu = median("cpu", "base", size, count, spread) / median(
                    "cpu", "head", size, count, spread
                )
                print(
                    f"| {size} | {count} | {'on' if spread else 'off'} | {old:.4f} | "
                    f"{new:.4f} | {count / old:,.0f} | {count / new:,.0f} | {old / new:.2f} | "
                    f"{cpu:.2f} |"
                )


if __name__ == "__main__":
    main()
