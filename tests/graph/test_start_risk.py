"""The graph shows where placements cannot start (Bug #17) and a system job's real count."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from matplotlib.colors import to_rgba

from sim.core.nodetable import NodeTable
from sim.feasibility import evaluate_job
from sim.graph import export_graph, group_class_graph, group_node_graph, to_dot
from sim.graph.draw import draw_graph
from sim.graph.export import RISK_COLOR
from sim.io import load_scenario

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "hashistack.yaml"


def _graph(build=group_class_graph) -> nx.Graph:
    scenario = load_scenario(SCENARIO)
    table = NodeTable(scenario.nodes)
    return build(table, [evaluate_job(table, job, 0) for job in scenario.jobs])


def _risky_ends(G: nx.Graph) -> set[str]:
    """The node classes at the right-hand end of every edge marked ``cannot_start``."""
    return {
        G.nodes[v if u[0] == "group" else u]["node_class"]
        for u, v, d in G.edges(data=True)
        if d["cannot_start"]
    }


@pytest.mark.parametrize("build", [group_class_graph, group_node_graph])
def test_only_edges_to_the_windows_docker_nodes_cannot_start(build):
    G = _graph(build)
    assert _risky_ends(G) == {"hashistack-windows"}
    for _, _, d in G.edges(data=True):
        assert d["cannot_start"] == ("Windows Docker node" in d["start_problem"])


def test_the_system_job_is_labelled_with_the_allocations_check_places():
    G = _graph()
    traefik = G.nodes[("group", "traefik/traefik")]
    assert traefik["count"] == 1 and traefik["allocations"] == 2
    assert G.nodes[("group", "grafana/grafana")]["allocations"] == 1
    assert '"traefik/traefik\\ncount 2"' in to_dot(G)
    texts = [t.get_text() for t in draw_graph(G).axes[0].texts]
    assert "traefik/traefik ×2" in texts


def test_the_drawing_colours_risky_edges_and_says_so_in_a_legend():
    fig = draw_graph(_graph())
    risky = [
        c
        for c in fig.axes[0].collections
        if len(c.get_segments()) and tuple(c.get_edgecolor()[0][:3]) == to_rgba(RISK_COLOR)[:3]
    ]
    assert sum(len(c.get_segments()) for c in risky) == 4
    (legend,) = fig.legends
    assert "feasible, placements cannot start" in [t.get_text() for t in legend.get_texts()]


def test_dot_json_and_graphml_mark_the_risky_edges(tmp_path):
    G = _graph()
    dot = to_dot(G)
    assert dot.count('class="cannot_start"') == 4 and dot.count(RISK_COLOR) == 4
    back = nx.read_graphml(export_graph(G, tmp_path / "g.graphml"))
    assert sum(d["cannot_start"] for *_, d in back.edges(data=True)) == 4
    text = export_graph(G, tmp_path / "g.json").read_text()
    assert text.count('"cannot_start": true') == 4
