"""``nodes``: per computed class, status counts and capacity/reserved/allocated/free."""

from __future__ import annotations

import json
from pathlib import Path

from models import Node
from sim.io import load_scenario
from sim.io.snapshot import load_snapshot
from sim.planning.inventory import node_inventory
from sim.whatif import drain
from tests.io.test_snapshot import alloc, job, node, snapshot

from .helpers import DEFAULT, SCENARIOS

# grafana's one task asks for 100 MHz and 64 MiB; its group has Nomad's 300 MB disk.
BUSY = """\
name: busy
extends: {base}
allocations:
  - {{job: grafana, node: linux-0}}
  - {{job: batch-report, node: windows-0, count: 2,
      resources: {{cpu: 1500, memory_mb: 2048, disk_mb: 1000}}}}
"""


def _busy(tmp_path: Path) -> Path:
    path = tmp_path / "busy.yaml"
    path.write_text(BUSY.format(base=DEFAULT))
    return path


def _amounts(row) -> dict:
    return {key: a.to_json() for key, a in row.amounts().items()}


def test_running_allocations_are_allocated_and_leave_the_rest_free(tmp_path: Path):
    rows = node_inventory(load_scenario(_busy(tmp_path)))
    assert [(r.node_group, r.class_code, r.nodes, r.allocations) for r in rows] == [
        ("linux", 0, 1, 1),
        ("windows", 1, 1, 2),
    ]
    assert _amounts(rows[0]) == {
        "cpu_mhz": {"capacity": 5000, "reserved": 0, "allocated": 100, "free": 4900},
        "memory_mib": {"capacity": 3851, "reserved": 0, "allocated": 64, "free": 3787},
        "disk_mib": {"capacity": 10240, "reserved": 0, "allocated": 300, "free": 9940},
    }
    assert _amounts(rows[1])["cpu_mhz"] == {
        "capacity": 10000,
        "reserved": 0,
        "allocated": 3000,
        "free": 7000,
    }


def test_drained_and_reserved_nodes_on_the_bundled_scenario():
    resolved = drain(load_scenario(DEFAULT, {"client_count": 3}), "linux-1")
    reserved = {"Cpu": {"CpuShares": 500}, "Memory": {"MemoryMB": 256}, "Disk": {"DiskMB": 1024}}
    nodes = list(resolved.nodes)
    nodes[0] = Node.model_validate(
        {**nodes[0].model_dump(by_alias=True), "ReservedResources": reserved}
    )
    nodes[2] = nodes[2].model_copy(update={"status": "down"})
    resolved.nodes = nodes
    rows = node_inventory(resolved)
    linux = [r for r in rows if r.node_group == "linux"]
    # linux-0 reserves resources: its own computed class stays the same (reserved is not hashed)
    assert [(r.nodes, r.ready, r.eligible, r.draining) for r in linux] == [(3, 2, 1, 1)]
    assert linux[0].cpu_mhz.to_json() == {
        "capacity": 15000,
        "reserved": 500,
        "allocated": 0,
        "free": 14500,
    }
    assert (linux[0].memory_mib.reserved, linux[0].disk_mib.free) == (256, 3 * 10240 - 1024)


def test_snapshot_allocations_count_as_allocated(tmp_path: Path):
    allocs = [alloc(i, "web", 0) for i in range(3)]
    path = snapshot(tmp_path, [node(i) for i in range(2)], [job("web", 3)], allocs)
    rows = node_inventory(load_snapshot(path))
    assert sum(r.allocations for r in rows) == 3
    assert sum(r.cpu_mhz.allocated for r in rows) == 3 * 500


def test_nodes_command_table_and_json(cli, tmp_path: Path):
    busy = _busy(tmp_path)
    table = cli("nodes", busy)
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert "READY  ELIGIBLE  DRAINING  ALLOCS  CPU MHZ CAP/RSV/ALLOC/FREE" in lines[0]
    assert lines[2].split()[-3:] == ["5000/0/100/4900", "3851/0/64/3787", "10240/0/300/9940"]
    assert lines[-1].startswith("CPU MHz, memory MiB, disk MiB: capacity/reserved/allocated/free")
    rows = json.loads(cli("nodes", busy, "--format", "json").stdout)
    assert rows[1]["allocations"] == 2
    assert rows[1]["memory_mib"] == {
        "capacity": 16384,
        "reserved": 0,
        "allocated": 4096,
        "free": 12288,
    }
    assert (rows[1]["ready"], rows[1]["eligible"], rows[1]["draining"]) == (1, 1, 0)


def test_nodes_on_every_bundled_scenario(cli):
    for scenario in sorted(SCENARIOS.glob("*.yaml")):
        result = cli("nodes", scenario, "--format", "json")
        assert result.exit_code == 0, (scenario, result.output)
        rows = json.loads(result.stdout)
        total = load_scenario(scenario).nodes
        assert sum(r["nodes"] for r in rows) == len(total)
        assert sum(r["cpu_mhz"]["capacity"] for r in rows) == sum(
            n.node_resources.cpu.cpu_shares for n in total
        )
        for row in rows:
            for key in ("cpu_mhz", "memory_mib", "disk_mib"):
                a = row[key]
                assert a["free"] == a["capacity"] - a["reserved"] - a["allocated"]
        assert sum(r["allocations"] for r in rows) == sum(
            a.count for a in load_scenario(scenario).allocations
        )
