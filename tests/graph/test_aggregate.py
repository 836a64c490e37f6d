"""Graphs readable at any size: right-hand vertices merged by a key beyond a threshold, the
canvas sized to its content and at most 3,000 px a side, the merge reported, the start risk
kept through it."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import networkx as nx
import pytest
from matplotlib.colors import to_rgba
from typer.testing import CliRunner

from sim.cli import app
from sim.core.errors import InputError
from sim.core.nodetable import NodeTable
from sim.feasibility import evaluate_job
from sim.graph import export_graph, group_class_graph, group_node_graph, to_dot
from sim.graph.aggregate import AGGREGATE, JOB, aggregate, choose_key, readable
from sim.graph.draw import DPI, MAX_SIDE_PX, draw_graph
from sim.graph.export import RISK_COLOR
from sim.io import load_scenario
from sim.synth import generate_jobs, generate_nodes

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _built(nodes, jobs, build=group_class_graph) -> tuple[nx.Graph, NodeTable]:
    table = NodeTable(nodes)
    return build(table, [evaluate_job(table, job, 0) for job in jobs]), table


def _scenario_graph(name: str, build=group_class_graph, **sets) -> tuple[nx.Graph, NodeTable]:
    scenario = load_scenario(SCENARIOS / name, sets)
    return _built(scenario.nodes, scenario.jobs, build)


@pytest.fixture(scope="module")
def fleet() -> tuple[nx.Graph, NodeTable]:
    """10,000 generated nodes (sim.synth, seed 0) and 20 jobs, at class resolution."""
    nodes = generate_nodes(10_000, 0)
    return _built(nodes, generate_jobs(20, 0, nodes))


def _png_dimensions(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (it follows the 8-byte signature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _png_size(G: nx.Graph) -> tuple[int, int]:
    buffer = io.BytesIO()
    draw_graph(G).savefig(buffer, format="png", dpi=DPI)
    return _png_dimensions(buffer.getvalue())


def test_a_10000_node_fleet_draws_under_3000_px_and_says_what_was_merged(fleet, tmp_path: Path):
    G, table = fleet
    classes = sum(1 for _, side in G.nodes(data="bipartite") if side == 1)
    assert classes > 40
    H, merged = readable(G, table)
    (how,) = merged
    assert how.key == "class"  # node class splits this fleet readably
    assert how.before == classes and 2 <= how.after <= 40
    assert how.describe() == f"{classes} computed classes drawn as {how.after} groups by node class"
    out = export_graph(H, tmp_path / "fleet.png")
    width, height = _png_dimensions(out.read_bytes())
    assert width <= MAX_SIDE_PX and height <= MAX_SIDE_PX
    texts = [t.get_text() for t in draw_graph(H).texts]
    assert f"aggregated: {how.describe()}; edge width: feasible nodes" in texts
    # Every node and every feasible edge is still counted after the merge.
    merged = [v for v in H if v[0] == AGGREGATE]
    assert sum(H.nodes[v]["nodes"] for v in merged) == table.n
    for g in (v for v in G if v[0] == "group"):
        assert H.degree(g, weight="weight") == G.degree(g, weight="weight")


def test_start_risk_survives_the_merge_node_by_node(fleet):
    G, table = fleet
    H, _ = aggregate(G, table, "datacenter")
    risky_before = sum(d["weight"] for *_, d in G.edges(data=True) if d["cannot_start"])
    assert risky_before > 0
    assert sum(d["cannot_start_nodes"] for *_, d in H.edges(data=True)) == risky_before
    assert all(d["start_problem"] for *_, d in H.edges(data=True) if d["cannot_start"])
    fig = draw_graph(H)
    orange = to_rgba(RISK_COLOR)[:3]
    risky = [c for c in fig.axes[0].collections if tuple(c.get_edgecolor()[0][:3]) == orange]
    assert sum(len(c.get_segments()) for c in risky) == sum(
        1 for *_, d in H.edges(data=True) if d["cannot_start"]
    )
    (legend,) = fig.legends
    assert "feasible, placements cannot start" in [t.get_text() for t in legend.get_texts()]


def test_the_bundled_default_merged_by_os_keeps_the_windows_risk():
    G, table = _scenario_graph("hashistack.yaml", client_count=3, windows_client_count=2)
    H, how = aggregate(G, table, "os")
    assert how.describe() == "2 computed classes drawn as 2 groups by os (attr.kernel.name)"
    windows = (AGGREGATE, "windows")
    assert H.nodes[windows]["nodes"] == 2
    traefik = H.edges[("group", "traefik/traefik"), windows]
    assert traefik["cannot_start"] and traefik["cannot_start_nodes"] == 2
    assert "Windows Docker node" in traefik["start_problem"]
    assert not H.edges[("group", "traefik/traefik"), (AGGREGATE, "linux")]["cannot_start"]


def test_a_small_graph_is_drawn_as_it_is_and_sized_to_its_content():
    G, table = _scenario_graph("hashistack.yaml")
    assert readable(G, table) == (G, [])
    width, height = _png_size(G)
    assert width < 1400 and height < 500  # two classes, four groups: no blank band


def test_too_many_values_keep_the_largest_and_lump_the_rest(fleet):
    G, table = fleet
    H, how = aggregate(G, table, "meta.rack", max_vertices=5)
    assert how.after == 5 and how.lumped > 0
    assert f"(the {how.lumped} smallest values as 'other')" in how.describe()
    assert sum(H.nodes[v]["nodes"] for v in H if v[0] == AGGREGATE) == table.n


def test_node_resolution_merges_too():
    G, table = _scenario_graph("multi-dc-pools.yaml", build=group_node_graph)
    H, (how,) = readable(G, table, "datacenter")
    assert how.describe() == "23 nodes drawn as 3 groups by datacenter"
    assert sorted(H.nodes[v]["label"] for v in H if v[0] == AGGREGATE) == [
        "datacenter=dc1",
        "datacenter=dc2",
        "datacenter=dc3",
    ]


def test_auto_picks_a_key_that_splits(fleet):
    G, table = fleet
    assert choose_key(G, table) == "class"
    with pytest.raises(InputError, match="--group-by 'rack': expected auto\\|none\\|datacenter"):
        aggregate(G, table, "rack")


def _cli(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="nomad-sim")


def test_graph_command_group_by_reports_on_stderr(tmp_path: Path):
    out = tmp_path / "g.png"
    result = _cli("graph", SCENARIOS / "multi-dc-pools.yaml", "-o", out, "--group-by", "datacenter")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "note: 6 computed classes drawn as 3 groups by datacenter (--group-by datacenter)"
    )
    width, height = _png_dimensions(out.read_bytes())
    assert width <= MAX_SIDE_PX and height <= MAX_SIDE_PX
    # Data formats stay whole unless a key is asked for.
    data = tmp_path / "g.json"
    assert _cli("graph", SCENARIOS / "multi-dc-pools.yaml", "-o", data).stderr == ""
    kinds = {n["id"].split(":")[0] for n in json.loads(data.read_text())["nodes"]}
    assert "class" in kinds and AGGREGATE not in kinds


def test_graph_command_refuses_an_unknown_key_before_work(tmp_path: Path):
    result = _cli("graph", "-o", tmp_path / "g.png", "--group-by", "rack")
    assert result.exit_code == 2
    assert "--group-by 'rack': expected" in result.output
    assert not (tmp_path / "g.png").exists()


def test_many_task_groups_are_merged_per_job_and_still_fit():
    nodes = generate_nodes(600, 1)
    G, table = _built(nodes, generate_jobs(100, 1, nodes))
    groups = [v for v in G if v[0] == "group"]
    assert len(groups) > 80
    H, merged = readable(G, table)
    assert [how.key for how in merged] == ["class", "job"]
    jobs = merged[1]
    assert (jobs.before, jobs.after) == (len(groups), 80) and jobs.lumped == 100 - 79
    assert sum(H.nodes[v]["allocations"] for v in H if v[0] == JOB) == sum(
        G.nodes[g]["allocations"] for g in groups
    )
    assert sum(d["weight"] for *_, d in H.edges(data=True)) == sum(
        d["weight"] for *_, d in G.edges(data=True)
    )
    fig = draw_graph(H)
    assert max(fig.get_size_inches()) * DPI <= MAX_SIDE_PX  # the PNG is this size at DPI
    footnote = fig.texts[0].get_text().replace("\n", " ")
    assert merged[0].describe() in footnote and "task groups drawn as 80 groups by job" in footnote


def test_dot_says_what_was_merged():
    G, table = _scenario_graph("multi-dc-pools.yaml")
    H, _ = aggregate(G, table, "node_pool")
    dot = to_dot(H)
    assert 'label="aggregated: 6 computed classes drawn as 3 groups by node_pool"' in dot
    assert '"aggregate:prod" [label="node_pool=prod\\n11 nodes", shape=ellipse];' in dot
    assert "aggregated" not in to_dot(G)
