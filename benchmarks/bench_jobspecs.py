"""Reading jobspecs: the real job files of the shared fixtures (HCL2 and job JSON), each read
cold (``load_jobs``' per-file cache bypassed), all of them together, medians of repeats.

    python benchmarks/bench_jobspecs.py [--quick] [--repeats N]

Skips with a note when the shared fixtures are not on this machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from timing import machine, markdown_table, measure  # noqa: E402

from sim.io import loaders  # noqa: E402

JOBS = ROOT.parent / "shared" / "fixtures" / "real" / "jobs"


def read_all(files: list[Path]) -> int:
    """Every file through detection, the HCL2 evaluation, registration and validation."""
    return sum(len(loaders._load_jobs(path, None)) for path in files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    if not JOBS.is_dir():
        print(f"(skipped: {JOBS} is not on this machine)")
        return
    files = sorted(p for p in JOBS.iterdir() if p.is_file())
    hcl = [p for p in files if not p.name.endswith(".json")]
    repeats = 3 if args.quick else args.repeats
    read_all(files)  # imports and the parser's grammar cache warmed once
    rows = [
        [f"all {len(files)} real job files", measure(lambda: read_all(files), repeats)],
        [f"the {len(hcl)} HCL2 jobspecs among them", measure(lambda: read_all(hcl), repeats)],
    ]
    print(f"{machine()}; medians of {repeats} (min–max)\n")
    print(markdown_table(["read", "wall"], rows))


if __name__ == "__main__":
    main()
