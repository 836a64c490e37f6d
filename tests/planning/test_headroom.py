"""headroom: allocated vs capacity per scope, and the largest ask that still fits."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.io import load_scenario
from sim.planning import current_cluster, headroom, headroom_of

from .clusters import job, node, scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_allocated_and_free_per_scope():
    nodes = [
        node("a", cpu=4000, memory=8192, dc="dc1"),
        node("b", cpu=4000, memory=8192, dc="dc1"),
        node("c", cpu=2000, memory=4096, dc="dc2", node_class="small"),
    ]
    allocations = [{"job": "web", "group": "g", "node": "a", "count": 3}]
    rows = headroom(scenario(nodes, [job("web", count=0, cpu=1000, memory=2048)], allocations))
    by = {(r.scope, r.value): r for r in rows}
    cluster = by["cluster", "all"]
    assert (cluster.nodes, cluster.use["cpu"].allocated, cluster.use["cpu"].capacity) == (
        3,
        3000,
        10000,
    )
    assert cluster.use["memory"].free == 20480 - 6144
    # The most CPU free on one node is b's 4000, of 7000 free in the cluster.
    assert cluster.use["cpu"].largest_free == 4000
    assert cluster.use["cpu"].fragmentation == pytest.approx(1 - 4000 / 7000)
    dc1 = by["datacenter", "dc1"]
    assert (dc1.nodes, dc1.use["cpu"].allocated, dc1.use["cpu"].used_share) == (2, 3000, 0.375)
    assert by["node_class", "small"].use["cpu"].allocated == 0
    assert set(by) >= {("node_pool", "default"), ("datacenter", "dc2")}


def test_placed_jobs_and_devices_count_as_allocated():
    cluster = current_cluster(load_scenario(SCENARIOS / "gpu-pool.yaml"))
    rows = headroom_of(cluster)
    total = rows[0]
    placed_cpu = sum(a.cpu for a in cluster.running)
    assert total.use["cpu"].allocated == pytest.approx(placed_cpu)
    assert 0 < total.use["devices"].allocated <= total.use["devices"].capacity
    held = sum(count for _, _, count in cluster.device_use)
    assert total.use["devices"].allocated == held
