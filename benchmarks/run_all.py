"""Run every benchmark and write one Markdown report under benchmarks/results/.

    python benchmarks/run_all.py [--quick] [--only SCRIPT ...]

Each script runs in its own process, one after another (never two at once, so they do not
compete for the two cores). The report names the machine, the date and the commit. With
``--only``, just those scripts run and their sections replace the ones in the existing report,
whose header then says which sections are newer.
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
    ("The design-review report", "bench_report.py"),
    ("Many what-ifs at once: serial vs Dask", "bench_montecarlo.py"),
    ("Peak memory", "bench_memory.py"),
    ("Largest accepted inputs", "bench_limits.py"),
    ("A live cluster", "bench_snapshot.py"),
    ("Reading jobspecs", "bench_jobspecs.py"),
    (
        "Whole-process ingestion (node JSON on disk, side by side with nomad-tools)",
        "bench_ingest.py",
    ),
    ("Start-up: interpreter, imports, CLI set-up", "bench_startup.py"),
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


def split_report(text: str) -> tuple[str, dict[str, str]]:
    """The report's header line and its sections by title."""
    header, *chunks = text.strip().split("\n\n## ")
    sections = {}
    for chunk in chunks:
        title, _, body = chunk.partition("\n\n")
        sections[title] = body
    return header, sections


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.md")
    parser.add_argument("--only", nargs="+", choices=[s for _, s in SCRIPTS], default=None)
    args = parser.parse_args()
    today = datetime.date.today().isoformat()
    header = f"# Benchmarks ({'quick' if args.quick else 'full'} grid), {today}, commit {commit()}"
    sections: dict[str, str] = {}
    if args.only and args.output.exists():
        header, sections = split_report(args.output.read_text())
        kept = [part for part in header.split("; ") if not part.startswith(tuple(args.only))]
        header = "; ".join([*kept, f"{', '.join(args.only)} re-run {today}, commit {commit()}"])
    for title, script in SCRIPTS:
        if args.only and script not in args.only:
            continue
        print(f"running {script} ...", file=sys.stderr)
        sections[title] = run(script, args.quick)  # a re-run keeps its section's place
    parts = [header] + [f"## {title}\n\n{body}" for title, body in sections.items()]
    text = "\n\n".join(parts) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=args.output.parent, suffix=".md")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, args.output)
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
