"""Many what-ifs at once: a sweep's units per second serially and on 2 local Dask workers,
Dask's own cost per unit, and peak memory.

    python benchmarks/bench_montecarlo.py [--quick]

The sweep is the bundled hashistack at ``client_count`` = 4,800..5,000 (201 what-ifs, about
5,000 nodes each; ``--quick``: 4,960..5,000); each unit loads the scenario at one grid point
and simulates every job. Serial runs in this process; "2 local workers" is the embedded
LocalCluster of ``--workers 2`` (two worker processes). Rates exclude starting the cluster
and the workers' first imports (one warm-up unit each), which are shown on their own row.
The per-unit overhead is a unit that does nothing, on the same cluster.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import machine, markdown_table

from sim.io import load_scenario
from sim.montecarlo import DaskExecutor, SerialExecutor, sweep_seeds
from sim.whatif import SweepPoint

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "hashistack.yaml"
NOTHING_UNITS = 2_000


def nothing(shared: object, item: int) -> int:
    """A unit with no work: what is left of its wall time is the executor's cost."""
    return item


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_sweep(executor, grid) -> tuple[float, list[list[SweepPoint]]]:
    start = time.perf_counter()
    points = list(sweep_seeds(SCENARIO, grid, [0], executor=executor))
    return time.perf_counter() - start, points


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    low = 4_960 if args.quick else 4_800
    grid = [("client_count", range(low, 5_001))]
    units = len(grid[0][1])
    load_scenario(SCENARIO, {"client_count": low})  # warm-up: imports, jobspec cache

    serial_s, serial_points = timed_sweep(SerialExecutor(), grid)

    start = time.perf_counter()
    dask = DaskExecutor(workers=2)
    warm = [("client_count", range(low, low + dask.workers))]
    list(sweep_seeds(SCENARIO, warm, [0], executor=dask))
    startup_s = time.perf_counter() - start
    try:
        dask_s, dask_points = timed_sweep(dask, grid)
        start = time.perf_counter()
        list(dask.map(nothing, None, range(NOTHING_UNITS)))
        overhead_s = (time.perf_counter() - start) / NOTHING_UNITS
        worker_peaks = dask._client.run(peak_mb)
    finally:
        dask.close()
    assert dask_points == serial_points, "the distributed sweep differs from the serial one"

    serial_rate, dask_rate = units / serial_s, units / dask_s
    rows = [
        ["serial (this process)", f"{serial_s:.1f} s", f"{serial_rate:.2f}", "1.00×"],
        [
            "2 local Dask workers",
            f"{dask_s:.1f} s",
            f"{dask_rate:.2f}",
            f"{dask_rate / serial_rate:.2f}×",
        ],
    ]
    print(f"Machine: {machine()}\n")
    print(f"### Sweep of {units} what-ifs on a ~5,000-node hashistack, serial vs Dask\n")
    print(markdown_table(["executor", "wall", "units/s", "vs serial"], rows))
    print(
        f"\nStarting the 2-worker LocalCluster and warming its workers (first imports): "
        f"{startup_s:.1f} s, once per run."
    )
    print(
        f"Dask's cost per unit (a unit that does nothing, {NOTHING_UNITS:,} of them, "
        f"2 workers): {overhead_s * 1000:.2f} ms."
    )
    workers = ", ".join(f"{mb:.0f}" for mb in sorted(worker_peaks.values()))
    print(f"Peak RSS: this process {peak_mb():.0f} MB; each worker {workers} MB.")


if __name__ == "__main__":
    main()
