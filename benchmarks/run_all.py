"""Run every benchmark and write one Markdown report under benchmarks/results/.

    python benchmarks/run_all.py [--quick]

Each script runs in its own process, one after another (never two at once, so they do not
compete for the two cores). The report names the machine, the date and the commit.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("Feasibility", "bench_feasibility.py"),
    ("Placement", "bench_placement.py"),
    ("Scenario expansion and what-if latency", "bench_whatif.py"),
    ("Bipartite graph", "bench_graph.py"),
    ("Capacity and failure domains", "bench_capacity.py"),
    ("Peak memory", "bench_memory.py"),
    ("A live cluster", "bench_snapshot.py"),
]


def run(script: str, quick: bool) -> str:
    args = [sys.executable, str(HERE / script)]
    if quick and script != "bench_memory.py":
        args.append("--quick")
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=HERE.parent)
    return done.stdout.strip()


def commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    )
    return done.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.md")
    args = parser.parse_args()
    today = datetime.date.today().isoformat()
    parts = [f"# Benchmarks ({'quick' if args.quick else 'full'} grid), {today}, commit {commit()}"]
    for title, script in SCRIPTS:
        print(f"running {script} ...", file=sys.stderr)
        parts.append(f"## {title}\n\n{run(script, args.quick)}")
    text = "\n\n".join(parts) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=args.output.parent, suffix=".md")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, args.output)
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
