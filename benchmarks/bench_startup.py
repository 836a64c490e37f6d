"""What a process pays before and around the work: interpreter, imports, CLI set-up.

    python benchmarks/bench_startup.py [--baseline DIR] [--repeats N] [--nodes N] [--quick]
                                       [--no-bytecode] [--top N]

Cases: the interpreter alone, the libraries alone (numpy, pydantic, msgspec, typer imported,
with the one OpenBLAS thread the console script asks for), ``--help``, ``check`` on the
bundled scenario, and ``check --job --nodes`` on 5 nodes (its fixed cost) and on ``--nodes``
nodes (the issue's comparison with nomad-tools is at 10,000). nomad-sim runs as its console
script does (``sim.cli.run``; ``main`` in a checkout that predates it).

Each case runs as a separate process, timed from the outside (CPU = the process's own
user+system time from ``os.wait4``, which machine load inflates less than wall time). With
``--baseline DIR`` (another checkout of nomad-sim, e.g. ``git worktree add /tmp/base main``)
the same cases run against it too, alternating checkout by checkout within each repetition, so
load hits both alike; the table gives both medians and their ratio.

Bytecode: an installed package ships (or writes on first use) its ``.pyc`` files, so by
default every process reads bytecode from a warmed cache (``PYTHONPYCACHEPREFIX`` pointing at
a temporary directory, filled by one untimed run of each case). ``--no-bytecode`` measures as a
checkout with ``PYTHONDONTWRITEBYTECODE=1`` and no ``__pycache__`` runs: every process
compiles every module it imports, about a quarter of a second more.

Last, ``python -X importtime`` of the node-JSON check names the modules whose own import time
is largest (the top offenders) and how the import time splits between nomad-sim's modules and
third-party ones.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from bench_ingest import SIM, Run, node_file, run, sim_answer, sim_env, spread  # noqa: E402
from node_files import write_job  # noqa: E402
from timing import machine, markdown_table  # noqa: E402

THIRD_PARTY = "import numpy, pydantic, msgspec, typer"
# The libraries as the console script loads them: one OpenBLAS thread (sim.cli.process).
LIBRARIES = f"import os; os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); {THIRD_PARTY}"
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _no_answer(out: str) -> int:
    return 0


def cases(job: Path, nodes: dict[int, Path]) -> dict[str, tuple[list[str], Callable[[str], int]]]:
    """Name → (python arguments, answer reader), cheapest first; ``nodes``: node files by
    size (a handful of nodes gives the check's fixed cost)."""
    check = ["-c", SIM, "check"]
    return {
        "python -c pass (interpreter floor)": (["-c", "pass"], _no_answer),
        f"{THIRD_PARTY} (library floor, one OpenBLAS thread)": (["-c", LIBRARIES], _no_answer),
        "nomad-sim --help": (["-c", SIM, "--help"], _no_answer),
        "nomad-sim check (bundled scenario)": (check, _no_answer),
        **{
            f"nomad-sim check --job --nodes ({count:,} nodes)": (
                [*check, "--job", str(job), "--nodes", str(path)],
                sim_answer,
            )
            for count, path in nodes.items()
        },
    }


def environment(checkout: Path, pycache: Path | None) -> dict[str, str]:
    """The process environment for ``checkout`` (``bench_ingest.sim_env``), with bytecode read
    from (and written to) ``pycache``, or never written when ``pycache`` is None."""
    env = sim_env(checkout)
    if pycache is None:
        env.pop("PYTHONPYCACHEPREFIX", None)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def spread_ms(values: list[float]) -> str:
    return spread([v * 1000 for v in values], " ms", 0)


def check_source(checkouts: dict[str, Path], pycache: Path | None) -> None:
    """Each process imports its own checkout's ``sim`` (the working directory, first on the
    path of ``python -c``, is a neutral one)."""
    for path in checkouts.values():
        done = subprocess.run(
            [sys.executable, "-c", "import sim; print(sim.__file__)"],
            env=environment(path, pycache),
            capture_output=True,
            text=True,
            check=True,
        )
        if not Path(done.stdout.strip()).is_relative_to(path):
            raise RuntimeError(f"{path}: imports sim from {done.stdout.strip()}")


def compare(
    checkouts: dict[str, Path],
    repeats: int,
    pycache: Path | None,
    job: Path,
    nodes: dict[int, Path],
) -> str:
    """Every case in every checkout, alternating; one table row per case."""
    table = cases(job, nodes)
    envs = {name: environment(path, pycache) for name, path in checkouts.items()}
    for name in checkouts:  # warm the bytecode cache (and the file cache), untimed
        for argv, answer in table.values():
            run([sys.executable, *argv], envs[name], answer)
    runs: dict[tuple[str, str], list[Run]] = {}
    for _ in range(repeats):
        for case, (argv, answer) in table.items():
            for name in checkouts:
                runs.setdefault((case, name), []).append(
                    run([sys.executable, *argv], envs[name], answer)
                )
    names = list(checkouts)
    header = ["process"]
    header += [f"CPU {n}" for n in names] + [f"wall {n}" for n in names]
    if len(names) == 2:
        header.append(f"CPU {names[1]} / {names[0]}")
    rows = []
    for case in table:
        cpu = {n: [r.cpu for r in runs[case, n]] for n in names}
        wall = {n: [r.wall for r in runs[case, n]] for n in names}
        row = [case, *(spread_ms(cpu[n]) for n in names), *(spread_ms(wall[n]) for n in names)]
        if len(names) == 2:
            ratio = statistics.median(cpu[names[1]]) / statistics.median(cpu[names[0]])
            row.append(f"{ratio:.2f}×")
        rows.append(row)
    return markdown_table(header, rows)


def import_profile(checkout: Path, pycache: Path | None, argv: list[str], top: int) -> str:
    """``-X importtime`` of one process (each module's least over three runs, against noise):
    the modules with the largest own import time, and the split between nomad-sim's modules
    (``sim``, ``models``) and everything else."""
    env = environment(checkout, pycache)
    own: dict[str, int] = {}
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *argv],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        for line in done.stderr.splitlines():
            match = _IMPORT_LINE.match(line)
            if match:
                own[match[4]] = min(own.get(match[4], int(match[1])), int(match[1]))
    ours = sum(us for mod, us in own.items() if mod.split(".")[0] in ("sim", "models"))
    total = sum(own.values())
    worst = sorted(own.items(), key=lambda kv: -kv[1])[:top]
    rows = [[mod, f"{us / 1000:.1f}"] for mod, us in worst]
    return (
        f"{len(own)} modules, {total / 1000:.0f} ms of import time (as `-X importtime` "
        f"counts it, itself inflating it): nomad-sim's own modules {ours / 1000:.0f} ms, "
        f"third-party and stdlib {(total - ours) / 1000:.0f} ms.\n\n"
        + markdown_table(["module", "own import time (ms)"], rows)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another nomad-sim checkout to compare")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="3 repeats, 1,000 nodes")
    parser.add_argument("--no-bytecode", action="store_true", help="compile in every process")
    parser.add_argument("--top", type=int, default=15, help="top offenders listed")
    args = parser.parse_args()
    repeats, count = (3, 1_000) if args.quick else (args.repeats, args.nodes)
    checkouts = {"this": ROOT}
    if args.baseline is not None:
        checkouts = {"baseline": args.baseline.resolve(), "this": ROOT}
    nodes = {size: node_file(size) for size in (5, count)}
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        job = Path(tmp) / "job.json"
        write_job(job)
        pycache = None if args.no_bytecode else Path(tmp) / "pycache"
        check_source(checkouts, pycache)
        bytecode = (
            "compiled in every process (no bytecode cache)"
            if pycache is None
            else "read from a warmed cache (PYTHONPYCACHEPREFIX), as an installed package does"
        )
        print(f"Machine: {machine()}\n")
        print(
            f"### Whole process, medians of {repeats} alternating runs (min–max); "
            f"bytecode {bytecode}\n"
        )
        print(compare(checkouts, repeats, pycache, job, nodes))
        check = ["-c", SIM, "check", "--job", str(job), "--nodes", str(nodes[count])]
        for name, path in checkouts.items():
            print(f"\n### Import time of `check --job --nodes`, {name} ({path})\n")
            print(import_profile(path, pycache, check, args.top))


if __name__ == "__main__":
    main()
