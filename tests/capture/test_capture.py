"""Capturing a cluster from a stand-in Nomad on 127.0.0.1: the capture equals what it serves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scripts.nomad_replay import Cluster, synthetic_cluster
from sim.capture import Connection, NomadClient, capture_cluster, write_snapshot
from sim.cli import app
from sim.io import is_snapshot
from sim.io.snapshot import MARKER, load_snapshot

from .conftest import REAL_API

runner = CliRunner()


def _capture(address: str, **kwargs) -> dict:
    with NomadClient(Connection(address=address), timeout=10, retries=1, backoff=0.01) as client:
        return capture_cluster(client, **kwargs)


def _real_cluster() -> Cluster:
    if not REAL_API.is_dir():
        pytest.skip("shared real API samples are not available")

    def load(name: str):
        return json.loads((REAL_API / name).read_text())

    nodes = [json.loads(p.read_text()) for p in sorted(REAL_API.glob("v1-node-ID*.json"))]
    # one node per ID: two samples are the same node in two API shapes
    nodes = list({n["ID"]: n for n in reversed(nodes) if isinstance(n, dict)}.values())
    allocations = load("v1-node-ID-allocations.json")
    for alloc in allocations:  # put them on a node of this cluster
        alloc["NodeID"] = nodes[0]["ID"]
    return Cluster(
        nodes=nodes,
        jobs=[load("v1-job-ID.json")],
        allocations=allocations,
        scheduler=load("v1-operator-scheduler-configuration.json")["SchedulerConfig"],
        node_pools=load("v1-node-pools.json"),
        namespaces=load("v1-namespaces.json"),
        regions=load("v1-regions.json"),
    )


def test_real_samples_are_captured_unchanged(nomad, tmp_path):
    cluster = _real_cluster()
    replay, address = nomad(cluster)
    doc = _capture(address, per_page=2)
    by_id = sorted(cluster.nodes, key=lambda n: n["ID"])
    assert doc["Nodes"] == by_id
    assert doc["Jobs"] == cluster.jobs
    assert doc["SchedulerConfiguration"] == cluster.scheduler
    assert doc["Namespaces"] == cluster.namespaces
    assert doc["Regions"] == cluster.regions
    assert [p["Name"] for p in doc["NodePools"]] == ["all", "default", "prod-eng"]
    running = [a for a in cluster.allocations if a["ClientStatus"] not in ("complete", "failed")]
    assert {a["ID"] for a in doc["Allocations"]} == {a["ID"] for a in running}
    assert replay.methods == {"GET"}
    # paging: three nodes pages of two (the real samples hold six nodes)
    assert sum(r.startswith("/v1/nodes?") for r in replay.requests) == -(-len(by_id) // 2)
    path = write_snapshot(doc, tmp_path / "real.snapshot")
    resolved = load_snapshot(path)
    assert [n.id for n in resolved.nodes] == [n["ID"] for n in by_id]
    assert resolved.scenario.scheduler.algorithm == "binpack"


@pytest.fixture(scope="module")
def big_cluster() -> Cluster:
    return synthetic_cluster(10_000, 12, seed=7, running=False)


@pytest.fixture
def big_snapshot(nomad, big_cluster, tmp_path) -> tuple[Path, object]:
    """The 10,000-node cluster captured through the command line."""
    replay, address = nomad(big_cluster)
    snapshot = tmp_path / "cluster.snap"
    result = runner.invoke(app, ["snapshot", str(snapshot), "--address", address])
    assert result.exit_code == 0, result.output
    return snapshot, replay


def test_ten_thousand_nodes_paged_gzipped_and_equal(big_snapshot, big_cluster, tmp_path):
    """The capture equals the source; nodes come in pages of 1,000, gzipped; GET only. Then
    ``check SNAPSHOT`` prints what ``check --nodes --job`` prints for the same nodes and jobs
    (in the order Nomad lists them: by ID)."""
    snapshot, replay = big_snapshot
    doc = json.loads(snapshot.read_text())
    assert doc[MARKER] == 1
    nodes = sorted(big_cluster.nodes, key=lambda n: n["ID"])
    jobs = sorted(big_cluster.jobs, key=lambda j: j["ID"])
    assert doc["Nodes"] == nodes
    assert doc["Jobs"] == jobs
    node_pages = [r for r in replay.requests if r.startswith("/v1/nodes?")]
    assert len(node_pages) == 10
    assert all("per_page=1000" in r for r in node_pages)
    assert sum("next_token=" in r for r in node_pages) == 9
    assert replay.gzipped == len(replay.requests)
    assert replay.methods == {"GET"}

    assert is_snapshot(snapshot)
    nodes_file = tmp_path / "nodes.json"
    nodes_file.write_text(json.dumps(nodes))
    jobs_file = tmp_path / "jobs.json"
    jobs_file.write_text(json.dumps(jobs))
    from_snapshot = runner.invoke(app, ["check", str(snapshot)])
    from_files = runner.invoke(app, ["check", "--nodes", str(nodes_file), "--job", str(jobs_file)])
    assert from_snapshot.exit_code == from_files.exit_code
    assert from_snapshot.stdout == from_files.stdout
    assert "JOB/GROUP" in from_snapshot.stdout


def test_running_allocations_are_kept_where_they_run(nomad, tmp_path):
    cluster = synthetic_cluster(300, 8, seed=3)
    _, address = nomad(cluster)
    path = write_snapshot(_capture(address), tmp_path / "s.json")
    resolved = load_snapshot(path)
    assert len(resolved.allocations) == len(cluster.allocations)
    assert all(a.counts_toward_job for a in resolved.allocations)
    from sim.whatif import run_resolved

    run = run_resolved(resolved)
    running: dict[str, list[str]] = {}
    for alloc in cluster.allocations:
        running.setdefault(f"{alloc['JobID']}/{alloc['TaskGroup']}", []).append(alloc["NodeName"])
    for group in run.groups:
        if group.key in running and group.job_type in ("service", "batch"):
            # nothing new to place: the running allocations already fill what can be placed
            assert sorted(group.placements) == sorted(running[group.key]), group.key


def test_progress_bar_goes_to_stderr(nomad, tmp_path):
    _, address = nomad(synthetic_cluster(20, 2, seed=1))
    result = runner.invoke(app, ["snapshot", str(tmp_path / "s.json"), "--address", address])
    assert result.exit_code == 0, result.output
    assert "reading nodes" in result.stderr
    assert "reading nodes" not in result.stdout
    assert result.stdout.startswith("wrote ")


def test_environment_connects_like_the_nomad_cli(nomad, tmp_path):
    cluster = synthetic_cluster(10, 2, seed=2)
    replay, address = nomad(cluster)
    env = {
        "NOMAD_ADDR": address,
        "NOMAD_TOKEN": "secret-token",
        "NOMAD_REGION": "global",
        "NOMAD_HTTP_AUTH": "ops:pw",
    }
    result = runner.invoke(app, ["snapshot", str(tmp_path / "s.json")], env=env)
    assert result.exit_code == 0, result.output
    assert all("region=global" in r for r in replay.requests)
    assert replay.tokens == {"secret-token"}
    assert replay.basic_auth == {("ops", "pw")}


def test_namespace_restricts_jobs_and_allocations(nomad, tmp_path):
    cluster = synthetic_cluster(10, 3, seed=2)
    cluster.jobs[0]["Namespace"] = "batch"
    replay, address = nomad(cluster)
    with NomadClient(Connection(address=address, namespace="batch")) as client:
        doc = capture_cluster(client)
    assert [j["ID"] for j in doc["Jobs"]] == [cluster.jobs[0]["ID"]]
    assert any("namespace=batch" in r for r in replay.requests if r.startswith("/v1/jobs"))


def test_written_whole_with_normal_permissions(tmp_path):
    path = write_snapshot({MARKER: 1, "Nodes": [], "Jobs": [], "Allocations": []}, tmp_path / "x")
    umask = os.umask(0o022)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]
    assert Path(path).read_text().startswith('{"NomadSimSnapshot":1')


def test_unix_socket_address(tmp_path):
    """``NOMAD_ADDR=unix://PATH`` talks HTTP over a Unix domain socket (api.go NewClient)."""
    from pytest_httpserver import HTTPServer

    from scripts.nomad_replay import Replay, serve

    socket_path = tmp_path / "nomad.sock"
    server = HTTPServer(host=f"unix://{socket_path}", port=0, threaded=True)
    cluster = synthetic_cluster(5, 1, seed=1)
    serve(server, Replay(cluster))
    server.start()
    try:
        doc = _capture(f"unix://{socket_path}")
    finally:
        server.stop()
    assert doc["Nodes"] == sorted(cluster.nodes, key=lambda n: n["ID"])
