"""A live cluster end to end: capture over HTTP, then check and a drain what-if on it.

    python benchmarks/bench_snapshot.py [--quick]

A generated cluster (10,000 nodes, 20 jobs running where the simulator puts them; 2,000
with --quick) is served by scripts/nomad_replay.py in its own process on 127.0.0.1. Each
row is a whole ``nomad-sim`` process, so interpreter start, reading and writing count.
The stand-in server is Python (werkzeug) and answers one node per request, as Nomad does:
the capture rows measure that server as much as the client.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import machine, markdown_table, measure  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the stand-in Nomad exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the stand-in Nomad did not start")


def nomad_sim(*args: str) -> None:
    code = "from sim.cli import main; main()"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
    )
    if done.returncode not in (0, 3):
        raise SystemExit(f"nomad-sim {' '.join(args)} failed: {done.stderr.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    nodes, jobs = (2_000, 10) if args.quick else (10_000, 20)
    repeats = 3 if args.quick else 5
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "nomad_replay.py"), "--nodes", str(nodes),
         "--jobs", str(jobs), "--miss-fraction", "0", "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(port, server)
        with tempfile.TemporaryDirectory() as folder:
            snap = str(Path(folder) / "cluster.snap")
            address = f"http://127.0.0.1:{port}"
            capture = measure(lambda: nomad_sim("snapshot", snap, "--address", address), repeats)
            size = Path(snap).stat().st_size / 1e6
            check = measure(lambda: nomad_sim("check", snap), repeats)
            drain = measure(lambda: nomad_sim("whatif", snap, "--drain", "datacenter=dc1"), repeats)
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows = [
        [f"`nomad-sim snapshot` ({nodes:,} nodes over HTTP, {size:.0f} MB file)", capture],
        ["`nomad-sim check SNAPSHOT`", check],
        ["`nomad-sim whatif SNAPSHOT --drain datacenter=dc1`", drain],
    ]
    print(f"Machine: {machine()}\n")
    print(f"### A live cluster: {nodes:,} nodes, {jobs} jobs, whole processes\n")
    print(markdown_table(["step", "median (min–max)"], [[r, str(t)] for r, t in rows]))


if __name__ == "__main__":
    main()
