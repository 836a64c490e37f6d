"""Capacity, resilience and headroom on a captured cluster: running allocations hold room."""

from __future__ import annotations

from pathlib import Path

from sim import capacity, headroom, resilience
from sim.io.snapshot import load_snapshot
from tests.io.test_snapshot import alloc, job, node, snapshot


def _cluster(tmp_path: Path, running: int) -> Path:
    """Four 4000 MHz nodes; `running` allocations of web (500 MHz each) already on n0."""
    allocs = [alloc(i, "web", 0) for i in range(running)]
    for i, a in enumerate(allocs):  # distinct static ports: colliding ones exhaust the node
        a["AllocatedResources"]["Shared"]["Ports"] = [{"Label": "http", "Value": 8080 + i}]
    tmp_path.mkdir(exist_ok=True)
    return snapshot(tmp_path, [node(i) for i in range(4)], [job("web", running)], allocs)


def test_capacity_counts_what_runs_on_the_captured_nodes(tmp_path):
    empty = capacity(load_snapshot(_cluster(tmp_path / "a", 0)), "web", "web")
    busy = capacity(load_snapshot(_cluster(tmp_path / "b", 3)), "web", "web")
    assert (empty.running, busy.running) == (0, 3)
    assert empty.more == 32  # 4 nodes × 8 allocations of 500 MHz
    assert busy.more == empty.more - 3
    assert busy.more <= busy.bound


def test_losing_the_node_that_runs_them_reschedules_them(tmp_path):
    report = resilience(load_snapshot(_cluster(tmp_path, 3)), "node")
    by_node = {case.values: case for case in report.cases}
    lost = by_node[("n0",)].losses
    assert [(g.job, g.group, g.lost, g.unplaced) for g in lost] == [("web", "web", 3, 0)]
    assert all(name != "n0" for name in lost[0].placed_on)
    assert all(not case.losses for values, case in by_node.items() if values != ("n0",))


def test_headroom_shows_the_running_allocations(tmp_path):
    rows = headroom(load_snapshot(_cluster(tmp_path, 3)))
    cluster = next(row for row in rows if row.scope == "cluster")
    assert cluster.use["cpu"].allocated == 1500
