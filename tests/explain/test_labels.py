"""Class labels: unique, readable, and the same in graph, explain and nodes."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

from hypothesis import given, settings
from typer.testing import CliRunner

import sim.core.class_labels
from sim.cli import app
from sim.core.nodetable import NodeTable
from sim.explain import explain_group, table_class_labels
from sim.feasibility import evaluate_job
from sim.graph import group_class_graph
from sim.io import load_scenario
from sim.synth.strategies import nodes_strategy

POOLS = Path(__file__).resolve().parents[2] / "scenarios" / "multi-dc-pools.yaml"


def test_docstring_examples():
    assert doctest.testmod(sim.core.class_labels).failed == 0


def test_namesake_classes_in_multi_dc_pools_are_told_apart_by_what_differs():
    table = NodeTable(load_scenario(POOLS).nodes)
    labels = table_class_labels(table)
    assert len(set(labels)) == len(labels) == table.class_count
    m5_dc1 = [label for label in labels if label.startswith("m5-xlarge · dc1 · linux")]
    assert sorted(m5_dc1) == [
        "m5-xlarge · dc1 · linux · meta.rack=r1",
        "m5-xlarge · dc1 · linux · meta.rack=r2",
    ]
    # A class without namesakes keeps the short name.
    assert "t3-medium · dc1 · linux" in labels


def test_graph_explain_and_nodes_use_the_same_labels():
    scenario = load_scenario(POOLS)
    table = NodeTable(scenario.nodes)
    labels = table_class_labels(table)
    jobs = [evaluate_job(table, job, 0) for job in scenario.jobs]
    G = group_class_graph(table, jobs)
    assert [G.nodes[("class", c)]["label"] for c in range(table.class_count)] == labels
    for group in jobs[0].groups:
        for item in explain_group(table, group):
            assert item.label == labels[item.class_code]
    result = CliRunner().invoke(app, ["nodes", str(POOLS), "--format", "json"])
    rows = json.loads(result.output)
    assert {(r["computed_class"], r["class_label"]) for r in rows} == {
        (f"#{c}", label) for c, label in enumerate(labels)
    }


@settings(max_examples=40, deadline=None)
@given(nodes=nodes_strategy(max_size=30))
def test_every_computed_class_gets_its_own_label(nodes):
    table = NodeTable(nodes)
    labels = table_class_labels(table)
    assert len(labels) == table.class_count == len(set(labels))
