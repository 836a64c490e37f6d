"""Report benchmark: ``nomad-sim report`` on 10,000-node scenarios, goal ≤ 5 s and < 5 MB.

    python benchmarks/bench_report.py [--quick]

Two scenarios of 10,000 nodes: the bundled hashistack with ``client_count=9000`` and
``windows_client_count=1000`` (two node groups, two computed classes), and a seeded
synthetic one (``sim.synth.write_scenario``: 20 jobs of many shapes, over a hundred
computed classes, most groups blocked). Timed apart: loading the scenario, the analyses
(``sim.report.collect``: check, why-not, capacity/headroom, resilience, graph; no sweep or
per-group capacity on clusters this size unless asked) and the page (``sim.report.render``:
pictures and HTML). The last row runs the whole command in a fresh process, imports
included, as a user would; the goal is judged on that whole-process time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import machine, markdown_table, measure

from sim.io import load_scenario
from sim.io.bundled import bundled_scenario
from sim.report import Request, collect, render
from sim.synth import write_scenario

ROOT = Path(__file__).resolve().parents[1]
NODES = 10_000
HASHISTACK_SETS = {"client_count": "9000", "windows_client_count": "1000"}
GOAL_SECONDS, GOAL_MB = 5.0, 5.0


def _row(
    name: str, path: Path, sets: dict[str, object], folder: Path, repeats: int
) -> list[object]:
    loaded = measure(lambda: load_scenario(path, sets), repeats)
    resolved = load_scenario(path, sets)
    request = Request(scenario_file=path, sets=dict(sets))
    analysed = measure(lambda: collect(resolved, request), repeats)
    content = collect(resolved, request)
    pages: list[str] = []
    drawn = measure(lambda: pages.append(render(content)), repeats)
    size = len(pages[-1].encode("utf-8")) / 1e6
    whole = _whole_command(path, sets, folder, repeats)
    return [
        name,
        f"{len(resolved.nodes):,}",
        content.run.table.class_count,
        len(content.run.groups),
        loaded,
        analysed,
        drawn,
        f"{analysed.median + drawn.median:.2f} s",
        _spread(whole),
        f"{size:.2f} MB",
        "yes" if whole[len(whole) // 2] <= GOAL_SECONDS and size < GOAL_MB else "NO",
    ]


def _whole_command(
    scenario: Path, sets: dict[str, object], folder: Path, repeats: int
) -> list[float]:
    """Wall seconds of ``nomad-sim report`` in a fresh process, sorted: what a user waits."""
    args = [sys.executable, "-c", "from sim.cli import main; main()", "report", str(scenario)]
    for name, value in sets.items():
        args += ["--set", f"{name}={value}"]
    args += ["--output", str(folder / "report.html")]
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        samples.append(time.perf_counter() - start)
    return sorted(samples)


def _spread(samples: list[float]) -> str:
    return f"{samples[len(samples) // 2]:.2f} s ({samples[0]:.2f}–{samples[-1]:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synthetic = write_scenario(folder / "synthetic.yaml", NODES, 20, 0)
        rows = [
            _row(
                "hashistack, client_count=9000",
                bundled_scenario(),
                HASHISTACK_SETS,
                folder,
                repeats,
            ),
            _row("synthetic, 20 jobs (seed 0)", synthetic, {}, folder, repeats),
        ]
    header = [
        "scenario",
        "nodes",
        "classes",
        "groups",
        "load",
        "analyses",
        "page",
        "analyses + page",
        "whole command (fresh process)",
        "page size",
        f"≤ {GOAL_SECONDS:g} s, < {GOAL_MB:g} MB",
    ]
    print(f"Machine: {machine()}; medians of {repeats} run(s) (low–high).\n")
    print(markdown_table(header, rows))
    print("\nThe goal is judged on the whole command: Python start-up, imports, loading, page.")


if __name__ == "__main__":
    main()
