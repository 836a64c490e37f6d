"""``check --format json``: every placed allocation with Nomad's ``Allocation.Metrics``."""

from __future__ import annotations

import json

from .test_cli import run


def test_check_json_lists_each_allocation_with_its_metrics():
    result = run("check", "--format", "json")
    groups = [g for job in json.loads(result.output)["Jobs"] for g in job["Groups"]]
    placed = [g for g in groups if g["Placed"]]
    assert placed
    for group in placed:
        allocations = group["Allocations"]
        assert len(allocations) == group["Placed"]
        for alloc in allocations:
            metrics = alloc["Metrics"]
            assert alloc["NodeName"] in group["Nodes"]
            assert metrics["NodesEvaluated"] >= 1
            assert metrics["NodesInPool"] >= 1
            chosen = [m for m in metrics["ScoreMetaData"] if m["NodeID"] == alloc["NodeID"]]
            assert chosen, "the chosen node is among the top scores"


def test_check_table_output_is_unchanged_by_metrics():
    assert "Allocations" not in run("check").output
