"""Peak memory at 100,000 nodes: generation, the NodeTable, 1,000 task groups evaluated.

    python benchmarks/bench_memory.py [--nodes N]

Each stage runs in a fresh process so its peak resident set size (``ru_maxrss``) is its own.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import machine, markdown_table

STAGE = """
import resource, sys
sys.path[:0] = [{root!r}, {bench!r}]
from sim.synth import generate_nodes
from sim.core.nodetable import NodeTable
from sim.feasibility import evaluate_job
from bench_feasibility import jobs_with_groups
nodes = generate_nodes({nodes}, seed=42)
if {stage} >= 1:
    jobs = jobs_with_groups(1_000, nodes)
    table = NodeTable(nodes)
    results = [evaluate_job(table, job, seed=1) for job in jobs]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_mb(nodes: int, stage: int) -> float:
    here = Path(__file__).resolve().parent
    code = STAGE.format(root=str(here.parent), bench=str(here), nodes=nodes, stage=stage)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=100_000)
    args = parser.parse_args()
    rows = [
        [f"{args.nodes:,} nodes generated", f"{peak_mb(args.nodes, 0):.0f} MB"],
        ["+ NodeTable and 1,000 task groups evaluated", f"{peak_mb(args.nodes, 1):.0f} MB"],
    ]
    print(f"Machine: {machine()}\n")
    print("### Peak resident memory (separate process per stage)\n")
    print(markdown_table(["stage", "peak RSS"], rows))


if __name__ == "__main__":
    main()
