"""Every export format: readable back, well-formed, written whole or not at all."""

from __future__ import annotations

import json
import os
import re

import networkx as nx
import pytest

from sim.graph import FORMATS, export_graph, hashistack_graph, to_dot


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    return hashistack_graph()


def test_graphml_reads_back_with_networkx(graph, tmp_path):
    H = nx.read_graphml(export_graph(graph, tmp_path / "g.graphml"))
    assert H.number_of_nodes() == graph.number_of_nodes()
    assert H.number_of_edges() == graph.number_of_edges()
    assert H.nodes["class:0"]["node_class"] == "hashistack-linux"
    assert json.loads(H.nodes["class:0"]["node_groups"]) == {"linux": 2}
    assert H.edges["group:web/app", "class:0"]["weight"] == 2
    assert H.nodes["group:consul/app"]["distinct_hosts"] is True


def test_node_link_json_reads_back(graph, tmp_path):
    data = json.loads(export_graph(graph, tmp_path / "g.json").read_text())
    H = nx.node_link_graph(data, edges="edges")
    assert sorted(H) == sorted(f"{k}:{v}" for k, v in graph)
    assert H.edges["group:grafana/app", "class:1"]["node_groups"] == {"windows": 1}


def test_dot_is_well_formed(graph, tmp_path):
    text = export_graph(graph, tmp_path / "g.dot").read_text()
    assert text == to_dot(graph)
    assert text.startswith('graph "nomad-sim" {\n') and text.endswith("}\n")
    assert text.count("{") == text.count("}")
    declared = set(re.findall(r'^\s+("[^"]+") \[label=', text, re.M))
    edges = re.findall(r'^\s+("[^"]+") -- ("[^"]+") \[label="(\d+)"', text, re.M)
    assert len(edges) == graph.number_of_edges()
    assert all(a in declared and b in declared for a, b, _ in edges)
    assert '"group:legacy/app" [label="legacy/app\\ncount 1", shape=box, color="red"' in text


def test_dot_escapes_quotes():
    G = nx.Graph(resolution="class")
    G.add_node(
        ("group", 'say "hi"/app'),
        bipartite=0,
        name='say "hi"/app',
        count=1,
        candidates=0,
        node_pool="default",
        datacenters="*",
        filtered="",
    )
    assert '"group:say \\"hi\\"/app"' in to_dot(G)


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG\r\n\x1a\n"), ("svg", b"<svg")])
def test_images_are_non_empty_with_the_right_magic(graph, tmp_path, fmt, magic):
    data = export_graph(graph, tmp_path / f"g.{fmt}").read_bytes()
    assert len(data) > 1000
    assert data.startswith(magic) if fmt == "png" else magic in data[:1000]


def test_node_graph_draws_too(tmp_path):
    path = export_graph(hashistack_graph(resolution="node"), tmp_path / "nodes", "svg")
    assert b"linux-0" in path.read_bytes()


def test_format_defaults_to_the_suffix_and_unknown_formats_write_nothing(graph, tmp_path):
    assert export_graph(graph, tmp_path / "g.DOT").read_text().startswith("graph")
    with pytest.raises(ValueError, match="graphml, json, dot, png, svg"):
        export_graph(graph, tmp_path / "g.gexf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.DOT"]
    assert FORMATS == ("graphml", "json", "dot", "png", "svg")


def test_written_files_get_the_usual_mode(graph, tmp_path):
    mask = os.umask(0o022)
    try:
        mode = export_graph(graph, tmp_path / "g.json").stat().st_mode & 0o777
    finally:
        os.umask(mask)
    assert mode == 0o644


def test_a_failing_writer_leaves_the_old_file_untouched(tmp_path):
    target = tmp_path / "g.dot"
    target.write_text("old")
    broken = nx.Graph(resolution="class")
    broken.add_node(("group", "x/y"), bipartite=0)  # no name, count ...: the writer fails
    with pytest.raises(KeyError):
        export_graph(broken, target)
    assert [p.name for p in tmp_path.iterdir()] == ["g.dot"]
    assert target.read_text() == "old"
