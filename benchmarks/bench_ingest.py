"""Whole-process ingestion: `nomad-sim check --job --nodes` from files on disk, side by side
with nomad-tools `constrainteval` (the only Python peer), and alone at 100,000 nodes.

    python benchmarks/bench_ingest.py [--quick] [--repeats N]

Everything runs as a separate process and is timed from the outside (wall clock, peak RSS of
that process from ``os.wait4``), alternating the tools repetition by repetition so that
machine load hits them alike; medians with min–max. CPU is the process's own user+system
time, which machine load inflates less than wall time.

The peer reads nodes from a live cluster: ``GET /v1/nodes``, then ``GET /v1/node/:id`` per node
(20 in parallel), then caches them in its own JSON file for 10 minutes. It is timed both ways:
over HTTP from a loopback server on 127.0.0.1 that serves the very nodes of the node file
(``--no-cache``), and from its cache file on disk (warmed once, its fastest path). The peer is
installed from PyPI (``nomad-tools==0.5.8``) into its own venv under the cache directory.

Both tools run as installed tools do: each from a venv of its own under the cache directory,
so neither pays start-up for the benchmarking machine's site-packages (``.pth`` hooks, an
editable install's finder); and from compiled bytecode: the peer's venv has it, and nomad-sim
gets a bytecode cache of its own (``PYTHONPYCACHEPREFIX`` under the cache directory, written
by one warm-up run even where ``PYTHONDONTWRITEBYTECODE`` is set), so no run pays for
compiling nomad-sim's modules. nomad-sim's venv holds its runtime dependencies only; the code
run is the checkout's (``PYTHONPATH``), so a ``--baseline`` checkout shares the venv.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from node_files import CONSTRAINTS, write_job, write_nodes  # noqa: E402
from timing import machine, markdown_table  # noqa: E402

PEER = "nomad-tools==0.5.8"
CACHE = Path(
    os.environ.get("NOMAD_SIM_BENCH_CACHE", Path(tempfile.gettempdir()) / "nomad-sim-bench")
)
# The console script's entry (`sim.cli.run`; `main` in checkouts that predate it).
SIM = (
    "import sys, sim.cli as c; sys.argv[0] = 'nomad-sim'; "
    "c.run() if hasattr(c, 'run') else c.main()"
)


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + system time of the process itself
    peak_mb: float
    answer: int


def sim_env(root: Path = ROOT) -> dict[str, str]:
    """nomad-sim's environment: its checkout first on the path (``python -P`` puts no working
    directory ahead of it), a warmed bytecode cache."""
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONPYCACHEPREFIX": str(CACHE / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(argv: Sequence[str], env: dict[str, str], answer: Callable[[str], int]) -> Run:
    """One process: wall time, its own peak RSS (``os.wait4``) and the nodes it answered."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode not in (0, 3):
            raise RuntimeError(f"{argv[:3]} exited {proc.returncode}: {err.read()[-500:]!r}")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(wall, cpu, usage.ru_maxrss / 1024, answer(out.read().decode()))


def sim_answer(out: str) -> int:
    """FEASIBLE NODES of the one task group, from ``check``'s table."""
    header, _, row = out.splitlines()[:3]
    return int(row.split()[header.split().index("FEASIBLE")])


def peer_answer(out: str) -> int:
    """constrainteval prints a header line, then one line per matching node."""
    return max(len(out.strip().splitlines()) - 1, 0)


def expected_matches(nodes_file: Path) -> int:
    """Nodes matching the three constraints, status and pool aside (what the peer answers).

    The version test compares the numeric release (``1.10.0-beta.1`` → 1.10.0), which is what
    the peer's PEP 440 comparison gives for the versions the node writer uses."""
    floor = (1, 7, 0)
    count = 0
    for node in json.loads(nodes_file.read_text()):
        attrs = node["Attributes"]
        release = tuple(int(p) for p in attrs["nomad.version"].split("-")[0].split("."))
        count += (
            attrs.get("kernel.name") == "linux"
            and re.search(CONSTRAINTS[1][2], attrs.get("os.name", "")) is not None
            and release >= floor
        )
    return count


def peer_venv() -> Path:
    """The peer's own venv under the cache directory, created on first use."""
    venv = CACHE / "peer-venv"
    tool = venv / "bin" / "nomadtools"
    if not tool.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", PEER],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode:
            raise RuntimeError(f"pip install {PEER} failed: {done.stderr[-2000:]}")
    return tool


def sim_python() -> str:
    """The interpreter of nomad-sim's own venv (its dependencies as ``pyproject.toml``
    declares them, nomad-sim itself not installed), created on first use."""
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:10]
    venv = CACHE / f"sim-venv-{stamp}"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "--quiet"]
        for step in (["install", str(ROOT)], ["uninstall", "--yes", "nomad-sim"]):
            done = subprocess.run([*pip, *step], capture_output=True, text=True, timeout=900)
            if done.returncode:
                raise RuntimeError(f"pip {step[0]} in {venv} failed: {done.stderr[-2000:]}")
    return str(python)


def node_file(count: int, seed: int = 42) -> Path:
    """The node JSON for ``count`` nodes, regenerated when the writer changes; written by a
    process of its own, for the reason ``serve`` gives."""
    stamp = hashlib.sha256((HERE / "node_files.py").read_bytes()).hexdigest()[:10]
    path = CACHE / f"nodes-{count}-{seed}-{stamp}.json"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        writer = multiprocessing.get_context("spawn").Process(
            target=write_nodes, args=(tmp, count, seed)
        )
        writer.start()
        writer.join()
        if writer.exitcode:
            raise RuntimeError(f"writing {count} nodes failed (exit {writer.exitcode})")
        tmp.replace(path)
    return path


class _NomadAPI(BaseHTTPRequestHandler):
    """``GET /v1/nodes`` (stubs) and ``GET /v1/node/:id`` (full nodes), as a Nomad agent."""

    stubs: bytes = b"[]"
    full: dict[str, bytes] = {}  # noqa: RUF012

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/v1/nodes":
            body = self.stubs
        elif path.startswith("/v1/node/") and path[9:] in self.full:
            body = self.full[path[9:]]
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _serve_forever(nodes_file: str, ports: multiprocessing.Queue) -> None:
    """The loopback API in a process of its own, its port handed back on ``ports``."""
    nodes = json.loads(Path(nodes_file).read_text())
    _NomadAPI.full = {n["ID"]: json.dumps(n, separators=(",", ":")).encode() for n in nodes}
    stub_keys = ("ID", "Name", "Datacenter", "NodeClass", "NodePool", "Drain", "Status")
    _NomadAPI.stubs = json.dumps([{k: n[k] for k in stub_keys} for n in nodes]).encode()
    del nodes
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NomadAPI)
    server.daemon_threads = True
    ports.put(server.server_address[1])
    server.serve_forever()


def serve(nodes_file: Path) -> tuple[multiprocessing.process.BaseProcess, int]:
    """A loopback Nomad API serving the node file's nodes, and its port.

    It runs in a process started afresh (not forked), so this process stays small: Linux
    carries a parent's peak RSS into every child it starts, which would otherwise be what
    the tools' peak RSS shows."""
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    server = context.Process(target=_serve_forever, args=(str(nodes_file), ports), daemon=True)
    server.start()
    return server, ports.get(timeout=300)


def spread(values: list[float], unit: str = " s", digits: int = 2) -> str:
    med = statistics.median(values)
    return f"{med:.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def summary(runs: list[Run]) -> tuple[str, str, str, float]:
    """Wall and CPU time, peak RSS (medians with min–max), and the median wall time."""
    walls = [r.wall for r in runs]
    return (
        spread(walls),
        spread([r.cpu for r in runs]),
        spread([r.peak_mb for r in runs], " MB", 0),
        statistics.median(walls),
    )


Tool = tuple[list[str], dict[str, str], Callable[[str], int]]


def sim_tools(nodes: Path, job: Path, baseline: Path | None) -> dict[str, Tool]:
    """nomad-sim, and the ``baseline`` checkout beside it, each run once to warm its bytecode."""
    argv = [sim_python(), "-P", "-c", SIM, "check", "--job", str(job), "--nodes", str(nodes)]
    tools: dict[str, Tool] = {"nomad-sim check --nodes FILE": (argv, sim_env(), sim_answer)}
    if baseline is not None:
        tools[f"same, {baseline} (baseline)"] = (argv, sim_env(baseline), sim_answer)
    for argv, env, answer in tools.values():
        run(argv, env, answer)
    return tools


def alternate(tools: dict[str, Tool], repeats: int) -> dict[str, list[Run]]:
    """``repeats`` rounds, each running every tool once, so load hits them alike."""
    runs: dict[str, list[Run]] = {name: [] for name in tools}
    for _ in range(repeats):
        for name, (argv, env, answer) in tools.items():
            runs[name].append(run(argv, env, answer))
    return runs


def compared(runs: dict[str, list[Run]]) -> list[list[object]]:
    """Rows of wall, CPU, peak RSS, answer, and wall and CPU medians against nomad-sim's."""
    sim = next(iter(runs.values()))
    sim_wall, sim_cpu = (statistics.median(getattr(r, k) for r in sim) for k in ("wall", "cpu"))
    rows: list[list[object]] = []
    for name, results in runs.items():
        wall, cpu, peak, median = summary(results)
        cpu_median = statistics.median(r.cpu for r in results)
        ratios = [f"{median / sim_wall:.1f}×", f"{cpu_median / sim_cpu:.1f}×"]
        rows.append([name, wall, cpu, peak, results[0].answer, *ratios])
    return rows


def peer_comparison(count: int, repeats: int, job: Path, baseline: Path | None) -> str:
    nodes = node_file(count)
    tool = peer_venv()
    server, port = serve(nodes)
    args = [a for c in CONSTRAINTS for a in c]
    cache = CACHE / f"peer-cache-{nodes.stem}.json"
    peer_env = {**os.environ, "NOMAD_ADDR": f"http://127.0.0.1:{port}"}
    tools = sim_tools(nodes, job, baseline)
    tools["constrainteval, nodes over HTTP (loopback)"] = (
        [str(tool), "constrainteval", "--no-cache", *args],
        peer_env,
        peer_answer,
    )
    tools["constrainteval, nodes from its cache file"] = (
        [str(tool), "constrainteval", "--cache", str(cache), "--cachetime", "1e9", *args],
        peer_env,
        peer_answer,
    )
    cache.unlink(missing_ok=True)
    run(tools["constrainteval, nodes from its cache file"][0], peer_env, peer_answer)  # warm
    try:
        rows = compared(alternate(tools, repeats))
    finally:
        server.terminate()
        server.join()
    size = nodes.stat().st_size / 1e6
    title = (
        f"### {count:,} nodes ({size:.0f} MB of node JSON), one job with three constraints, "
        f"{repeats} alternating runs\n\n"
        f"Constraints: {'; '.join(' '.join(c) for c in CONSTRAINTS)}. Nodes matching the three "
        f"constraints (any status or pool): {expected_matches(nodes):,}. nomad-sim answers the "
        "feasible nodes of the group (ready, eligible, default pool, docker healthy, room for "
        "the task), the peer the nodes matching its constraints.\n\n"
    )
    header = [*HEADER[:4], "answer (nodes)", *HEADER[4:]]
    return title + markdown_table(header, rows)


HEADER = ["process", "wall", "CPU (user+sys)", "peak RSS", "wall / sim", "CPU / sim"]


def at_scale(count: int, repeats: int, job: Path, baseline: Path | None) -> str:
    nodes = node_file(count)
    rows = compared(alternate(sim_tools(nodes, job, baseline), repeats))
    size = nodes.stat().st_size / 1e6
    header = [*HEADER[:4], "feasible", *HEADER[4:]]
    title = f"### {count:,} nodes ({size:.0f} MB) from node JSON, whole process, {repeats} runs"
    return f"{title}\n\n" + markdown_table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=5, help="alternating runs beside the peer")
    parser.add_argument("--scale-repeats", type=int, default=3, help="runs at 100,000 nodes")
    parser.add_argument(
        "--baseline", type=Path, help="another nomad-sim checkout to time alongside (e.g. main)"
    )
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    job = CACHE / "job.json"
    write_job(job)
    repeats = 3 if args.quick else args.repeats
    print(f"Machine: {machine()}\n")
    print(peer_comparison(1_000 if args.quick else 10_000, repeats, job, args.baseline))
    print()
    scale = 10_000 if args.quick else 100_000
    print(at_scale(scale, min(repeats, args.scale_repeats), job, args.baseline))


if __name__ == "__main__":
    main()
