"""Reading a snapshot: detection by content, jobs Nomad would place, running allocations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.capture import write_snapshot
from sim.cli import app
from sim.core.errors import InputError
from sim.io import is_snapshot
from sim.io.snapshot import MARKER, allocated_resources, load_snapshot
from sim.placement import ExistingAlloc
from sim.whatif import run_resolved
from sim.whatif.outcome import existing_allocations

runner = CliRunner()


def node(i: int, **extra) -> dict:
    return {
        "ID": f"00000000-0000-0000-0000-{i:012d}",
        "Name": f"n{i}",
        "Datacenter": "dc1",
        "NodeClass": "web",
        "Status": "ready",
        "SchedulingEligibility": "eligible",
        "Attributes": {"kernel.name": "linux", "unique.hostname": f"n{i}"},
        "Drivers": {"docker": {"Detected": True, "Healthy": True}},
        "NodeResources": {
            "Cpu": {"CpuShares": 4000},
            "Memory": {"MemoryMB": 8192},
            "Disk": {"DiskMB": 100000},
            "Networks": [{"Mode": "host", "Device": "eth0", "IP": f"10.0.0.{i}", "MBits": 1000}],
        },
        **extra,
    }


def job(job_id: str, count: int, **extra) -> dict:
    return {
        "ID": job_id,
        "Name": job_id,
        "Namespace": "default",
        "Type": "service",
        "Datacenters": ["dc1"],
        "TaskGroups": [
            {
                "Name": "web",
                "Count": count,
                "Tasks": [
                    {"Name": "t", "Driver": "docker", "Resources": {"CPU": 500, "MemoryMB": 512}}
                ],
            }
        ],
        **extra,
    }


def alloc(i: int, job_id: str, node_i: int, **extra) -> dict:
    return {
        "ID": f"a{i}",
        "JobID": job_id,
        "Namespace": "default",
        "TaskGroup": "web",
        "NodeID": f"00000000-0000-0000-0000-{node_i:012d}",
        "NodeName": f"n{node_i}",
        "ClientStatus": "running",
        "DesiredStatus": "run",
        "AllocatedResources": {
            "Tasks": {"t": {"Cpu": {"CpuShares": 500}, "Memory": {"MemoryMB": 512}}},
            "Shared": {"DiskMB": 300, "Ports": [{"Label": "http", "Value": 8080}]},
        },
        **extra,
    }


def snapshot(tmp_path: Path, nodes, jobs, allocs, name="cluster.json", **extra) -> Path:
    doc = {MARKER: 1, "Region": "global", "Nodes": nodes, "Jobs": jobs, "Allocations": allocs}
    return write_snapshot({**doc, **extra}, tmp_path / name)


def test_detected_by_content_whatever_the_name(tmp_path):
    path = snapshot(tmp_path, [node(1)], [job("web", 1)], [], name="prod.yaml")
    assert is_snapshot(path)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "web/web" in result.stdout
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"name": "x", "NomadSimSnapshot": 1}))
    assert not is_snapshot(scenario)  # the marker must be the first key


def test_running_allocations_count_toward_their_group(tmp_path):
    nodes = [node(i) for i in range(4)]
    path = snapshot(
        tmp_path,
        nodes,
        [job("web", 3)],
        [alloc(1, "web", 2), alloc(2, "web", 3), alloc(3, "web", 1, ClientStatus="complete")],
    )
    resolved = load_snapshot(path)
    assert [(a.node, a.counts_toward_job) for a in resolved.allocations] == [
        ("n2", True),
        ("n3", True),
    ]
    run = run_resolved(resolved)
    group = run.group("web/web")
    assert (group.count, group.placed, group.unplaced) == (3, 3, 0)
    assert group.placements[:2] == ["n2", "n3"]  # kept where they run
    assert len(run.plan.job("web").groups[0].nodes) == 1  # one new placement only


def test_allocations_hold_capacity_and_ports(tmp_path):
    path = snapshot(tmp_path, [node(1)], [job("web", 1)], [alloc(1, "web", 1)])
    [existing] = existing_allocations(load_snapshot(path))
    # The snapshot keeps the allocation ID: a Preemptions block names it as Nomad does.
    assert existing == ExistingAlloc("web", "web", 0, 500, 512, 300, (8080,), 0, alloc_id="a1")


def test_legacy_and_missing_resources():
    legacy = {"Resources": {"CPU": 250, "MemoryMB": 128, "DiskMB": 10,
                            "Networks": [{"ReservedPorts": [{"Value": 22}],
                                          "DynamicPorts": [{"Value": 23456}]}]}}  # fmt: skip
    resources, ports = allocated_resources(legacy)
    assert (resources.cpu, resources.memory_mb, resources.disk_mb) == (250, 128, 10)
    assert ports == [22, 23456]
    assert allocated_resources({}) == (None, [])


def test_real_node_allocations_sample(real):
    allocs = json.loads((real / "api" / "v1-node-ID-allocations.json").read_text())
    resources, _ = allocated_resources(allocs[0])
    assert resources is not None
    assert resources.cpu == allocs[0]["Resources"]["CPU"]


def test_jobs_nomad_would_not_place_are_left_out(tmp_path):
    jobs = [
        job("web", 1),
        job("stopped", 1, Stop=True),
        job("nightly", 1, Periodic={"Enabled": True, "Spec": "@daily"}),
        job("dispatch", 1, ParameterizedJob={"Payload": "optional"}),
        job("done", 1, Type="batch", Status="dead"),
    ]
    resolved = load_snapshot(snapshot(tmp_path, [node(1)], jobs, []))
    assert [j.id for j in resolved.jobs] == ["web"]
    assert any("4 job(s) left out" in w for w in resolved.warnings)


def test_same_job_id_in_two_namespaces(tmp_path):
    jobs = [job("web", 1), job("web", 1, Namespace="prod")]
    allocs = [alloc(1, "web", 1, Namespace="prod")]
    resolved = load_snapshot(snapshot(tmp_path, [node(1)], jobs, allocs))
    assert [j.id for j in resolved.jobs] == ["web", "web@prod"]
    assert resolved.allocations[0].job == "web@prod"


def test_pool_scheduler_configuration(tmp_path):
    pools = [{"Name": "default", "SchedulerConfiguration": {"SchedulerAlgorithm": "spread"}}]
    config = {"SchedulerAlgorithm": "binpack", "MemoryOversubscriptionEnabled": True}
    path = snapshot(
        tmp_path, [node(1)], [job("web", 1)], [], NodePools=pools, SchedulerConfiguration=config
    )
    scheduler = load_snapshot(path).scenario.scheduler
    assert (scheduler.algorithm, scheduler.memory_oversubscription) == ("spread", True)


def test_bad_snapshots_one_line(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"NomadSimSnapshot": 9, "Nodes": [], "Jobs": [], "Allocations": []}')
    with pytest.raises(InputError, match="snapshot format 9"):
        load_snapshot(path)
    path.write_text('{"NomadSimSnapshot": 1, "Nodes": {}, "Jobs": [], "Allocations": []}')
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {path}: Nodes must be a JSON array"


def test_no_variables_on_a_snapshot(tmp_path):
    path = snapshot(tmp_path, [node(1)], [job("web", 1)], [])
    result = runner.invoke(app, ["check", str(path), "--set", "x=1"])
    assert result.exit_code == 2
    assert "a snapshot has no variables" in result.stderr


def test_sweep_says_a_snapshot_has_no_variables_and_fix_adds_nodes(tmp_path):
    path = snapshot(tmp_path, [node(1)], [job("web", 1)], [])
    result = runner.invoke(app, ["sweep", str(path), "--grid", "x=1..2"])
    assert result.exit_code == 2
    assert "a nomad-sim snapshot, not a scenario" in result.stderr
    result = runner.invoke(app, ["fix", str(path)])
    assert result.exit_code == 0, result.output


def test_allocations_on_down_nodes_are_replaced(tmp_path):
    nodes = [node(1, Status="down"), node(2)]
    path = snapshot(tmp_path, nodes, [job("web", 1)], [alloc(1, "web", 1)])
    resolved = load_snapshot(path)
    assert resolved.allocations == []
    assert any("1 allocation(s) on down nodes" in w for w in resolved.warnings)
    assert run_resolved(resolved).group("web/web").placements == ["n2"]
