"""Scenario expansion and what-if latency: 5,000 nodes; change one count and re-answer.

    python benchmarks/bench_whatif.py [--quick]

First, scenario expansion alone: one node group of 5,000 nodes from a template, with one
inline job (no job files to parse). Then the what-if: the bundled hashistack with
``client_count`` = 4,999 Linux clients plus one Windows client; each measured step loads it
with one count changed (jobspecs are cached after the first load) and simulates every job:
feasibility, placement, deployment prediction.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import machine, markdown_table, measure

from sim.io import load_scenario
from sim.whatif import run_resolved

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "hashistack.yaml"

ONE_TEMPLATE = """\
name: expand
variables:
  n: {default: 2}
node_groups:
  - name: linux
    count: "${var.n}"
    template:
      datacenter: dc1
      class: c1
      attributes: {kernel.name: linux}
jobs:
  - id: inline
    datacenters: ["dc1"]
    task_groups:
      - name: g
        constraints: [{attribute: "${attr.kernel.name}", value: linux}]
        tasks: [{name: t, driver: docker}]
"""


def expansion_row(repeats: int) -> list[str]:
    """Expanding one 5,000-node group: the cost of reading a scenario, without job files."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "expand.yaml"
        path.write_text(ONE_TEMPLATE)
        load_scenario(path)  # warm up: imports, pydantic schemas
        timing = measure(lambda: load_scenario(path, {"n": 5_000}), repeats)
    return ["expand one node group to 5,000 nodes (inline job)", str(timing)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    counts = itertools.cycle([4_999, 5_000])
    load_scenario(SCENARIO, {"client_count": 5_000})
    loaded = {}

    def load() -> None:
        loaded["r"] = load_scenario(SCENARIO, {"client_count": next(counts)})

    def answer() -> None:
        run_resolved(loaded["r"])

    def both() -> None:
        load()
        answer()

    rows = [
        expansion_row(repeats),
        ["load scenario (expand 5,000 nodes)", str(measure(load, repeats))],
        ["simulate (feasibility + placement)", str(measure(answer, repeats, setup=load))],
        ["whole what-if", str(measure(both, repeats))],
    ]
    print(f"Machine: {machine()}\n")
    print("### Scenario expansion and what-if latency, 5,000 nodes (one count changed)\n")
    print(markdown_table(["step", "median (min–max)"], rows))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
