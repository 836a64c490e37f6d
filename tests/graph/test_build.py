"""The graph is the feasibility engine's verdicts, reshaped: properties and attributes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.nodetable import NodeTable
from sim.feasibility import PASS, evaluate_job
from sim.graph import group_class_graph, group_node_graph

from .strategies import jobs, nodes

SETTINGS = settings(max_examples=60, deadline=None)


def _evaluate(cluster, workload, seed):
    table = NodeTable(cluster)
    return table, [evaluate_job(table, job, seed) for job in workload]


@SETTINGS
@given(nodes(), jobs(), st.integers(0, 3))
def test_node_edge_exists_iff_engine_accepts(cluster, workload, seed):
    table, feasibilities = _evaluate(cluster, workload, seed)
    G = group_node_graph(table, feasibilities)
    for jf in feasibilities:
        for gf in jf.groups:
            g = ("group", f"{gf.job.id}/{gf.group.name}")
            accepted = {int(i) for i in gf.order[gf.verdicts == PASS]}
            assert {v[1] for v in G[g]} == accepted


@SETTINGS
@given(nodes(), jobs(), st.integers(0, 3))
def test_class_edges_aggregate_node_edges(cluster, workload, seed):
    """Class edge weight = feasible nodes of the class; fit = Σ of the node edges' fit."""
    table, feasibilities = _evaluate(cluster, workload, seed)
    nodes_graph = group_node_graph(table, feasibilities)
    classes = group_class_graph(table, feasibilities)
    for g in (v for v, side in classes.nodes(data="bipartite") if side == 0):
        expected: dict = {}
        for _, (_, i), d in nodes_graph.edges(g, data=True):
            key = ("class", int(table.class_codes[i]))
            weight, fit = expected.get(key, (0, 0))
            expected[key] = (weight + 1, fit + d["fit"])
        got = {v: (d["weight"], d["fit"]) for _, v, d in classes.edges(g, data=True)}
        assert got == expected


def _edges_by_label(G) -> dict:
    """``(group, class label) → (weight, fit)``: class codes renumber, labels do not."""
    out = {}
    for u, v, d in G.edges(data=True):
        g, c = (u, v) if u[0] == "group" else (v, u)
        out[(g, G.nodes[c]["label"])] = (d["weight"], d["fit"])
    return out


@SETTINGS
@given(nodes(), jobs(), st.integers(0, 3), st.data())
def test_removing_a_class_removes_exactly_its_edges(cluster, workload, seed, data):
    """Rebuilt without one class's nodes, the graph loses that class's edges and no other."""
    table, feasibilities = _evaluate(cluster, workload, seed)
    G = group_class_graph(table, feasibilities)
    code = data.draw(st.integers(0, table.class_count - 1))
    label = G.nodes[("class", code)]["label"]
    keep = [n for i, n in enumerate(cluster) if table.class_codes[i] != code]
    H = group_class_graph(*_evaluate(keep, workload, seed))
    expected = {k: v for k, v in _edges_by_label(G).items() if k[1] != label}
    assert _edges_by_label(H) == expected
