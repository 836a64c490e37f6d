"""The placement grid side by side: this tree against an earlier commit, run for run.

    python benchmarks/bench_placement_ab.py [--base d3caae2] [--pairs 15] [--quick]
        [--spread off|on|both] [--spread-pairs N]

The base commit is checked out into a temporary git worktree under /tmp (removed afterwards).
Two worker processes stay up, one on the base code and one on this tree, with the same nodes
and jobs (``bench_placement.grid``); for each grid row they time one ``simulate`` each in
turn, ``--pairs`` times (with spread, whose runs are longer and noisier, ``--spread-pairs``
times: a third of ``--pairs`` unless given), the side that goes first alternating;
``--spread`` keeps only the rows without or with a spread block. A row gives each side's
median and the median of the per-pair ratios, base time / this tree's time (above 1: this
tree is faster), on the process's CPU time and on the wall clock. On a busy machine the
paired ratio is what counts: the two runs of a pair see nearly the same load; CPU time is the
less disturbed clock.
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

# Runs inside the tree under test (cwd and PYTHONPATH point there): reads "nodes allocs
# spread" lines, times one simulate per line and prints its wall and CPU seconds as JSON.
WORKER = """
import json, sys, time
from bench_placement import mock_node, service_job
from sim.core.nodetable import NodeTable
from sim.placement import simulate

tables, jobs = {}, {}
for line in sys.stdin:
    size, count, spread = int(line.split()[0]), int(line.split()[1]), line.split()[2] == "on"
    if size not in tables:
        tables[size] = NodeTable([mock_node(i, 25) for i in range(size)])
        simulate(tables[size], [service_job("warm", 1, 6000, 6000)])
    if (count, spread) not in jobs:
        jobs[count, spread] = service_job(
            "bench", count, 6000, 6000, spread, datacenters=("dc-1", "dc-2")
        )
    start, start_cpu = time.perf_counter(), time.process_time()
    placed = simulate(tables[size], [jobs[count, spread]]).placed_count
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "placed": placed}), flush=True)
"""


class Worker:
    """One tree's long-lived worker process."""

    def __init__(self, tree: Path) -> None:
        env = dict(os.environ, PYTHONPATH=f"{tree}{os.pathsep}{tree / 'benchmarks'}")
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, size: int, count: int, spread: bool) -> dict:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{size} {count} {'on' if spread else 'off'}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def row(workers: dict[str, Worker], size: int, count: int, spread: bool, pairs: int) -> str:
    """One grid row: ``pairs`` runs on each side, alternating which goes first."""
    for worker in workers.values():  # warm: first simulate of a size builds its columns
        worker.run(size, count, spread)
    runs: dict[str, list[dict]] = {"base": [], "head": []}
    for i in range(pairs):
        for side in ("base", "head") if i % 2 == 0 else ("head", "base"):
            runs[side].append(workers[side].run(size, count, spread))

    def median(side: str, clock: str) -> float:
        return statistics.median(r[clock] for r in runs[side])

    def ratio(clock: str) -> float:
        return statistics.median(
            b[clock] / h[clock] for b, h in zip(runs["base"], runs["head"], strict=True)
        )

    old, new = median("base", "wall"), median("head", "wall")
    return (
        f"| {size} | {count} | {'on' if spread else 'off'} | {median('base', 'cpu'):.4f} | "
        f"{median('head', 'cpu'):.4f} | {count / old:,.0f} | {count / new:,.0f} | "
        f"{ratio('wall'):.2f} | {ratio('cpu'):.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="d3caae2", help="commit to compare against")
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="1000 nodes, 300 and 1200 allocs")
    parser.add_argument("--spread", choices=("off", "on", "both"), default="both")
    parser.add_argument("--spread-pairs", type=int, help="pairs per spread row (--pairs // 3)")
    args = parser.parse_args()
    sizes = (1000,) if args.quick else (1000, 5000, 10000)
    counts = (300, 1200) if args.quick else (300, 600, 900, 1200)
    spreads = {"off": (False,), "on": (True,), "both": (False, True)}[args.spread]
    spread_pairs = args.spread_pairs or max(3, args.pairs // 3)
    shown = {"off": f"{args.pairs} pairs of runs per row, spread off"}
    shown["on"] = f"{spread_pairs} pairs of runs per row, spread on"
    shown["both"] = f"{args.pairs} pairs of runs per row, {spread_pairs} with spread"
    print(f"### Placement grid, {args.base} against this tree ({shown[args.spread]})\n")
    print(
        f"| nodes | allocs | spread | {args.base} median CPU s | this tree median CPU s "
        f"| {args.base} placements/s | this tree placements/s | ratio (wall) | ratio (CPU) |"
    )
    print("|---:|---:|:---|---:|---:|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory(prefix="placement-ab-") as scratch:
        base = Path(scratch) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.base],
            cwd=TREE,
            check=True,
            capture_output=True,
        )
        workers = {"base": Worker(base), "head": Worker(TREE)}
        try:
            for size in sizes:
                for count in counts:
                    for spread in spreads:
                        pairs = spread_pairs if spread else args.pairs
                        print(row(workers, size, count, spread, pairs), flush=True)
        finally:
            for worker in workers.values():
                worker.close()
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=TREE, check=False
            )


if __name__ == "__main__":
    main()
