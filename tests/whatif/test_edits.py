"""Cluster what-ifs: node selection, drain, remove, add, scale, job put; moves reported."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.core.errors import InputError
from sim.io import load_scenario
from sim.io.snapshot import load_snapshot
from sim.whatif import run_resolved
from sim.whatif.edits import (
    add_like,
    apply_edits,
    drain,
    edits_from,
    put_jobs,
    remove,
    scale,
    select_nodes,
)
from sim.whatif.moves import losses, moves
from tests.io.test_snapshot import alloc, job, node, snapshot

runner = CliRunner()
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def cluster(tmp_path):
    """Four nodes in two racks; web runs on n0 and n1, api (one per node) on n2."""
    nodes = [node(i, Meta={"rack": f"r{i // 2}"}) for i in range(4)]
    nodes[3]["NodeClass"] = "batch"
    jobs = [job("web", 2), job("api", 1)]
    allocs = [alloc(1, "web", 0), alloc(2, "web", 1), alloc(3, "api", 2)]
    for a in allocs:
        a["AllocatedResources"]["Shared"]["Ports"] = []
    return load_snapshot(snapshot(tmp_path, nodes, jobs, allocs))


def names(resolved, indices):
    return [resolved.nodes[i].name for i in indices]


def test_select_by_name_id_prefix_and_filters(cluster):
    assert names(cluster, select_nodes(cluster, "n2")) == ["n2"]
    assert names(cluster, select_nodes(cluster, cluster.nodes[1].id)) == ["n1"]
    assert names(cluster, select_nodes(cluster, "meta.rack=r1")) == ["n2", "n3"]
    assert names(cluster, select_nodes(cluster, "node_class=batch")) == ["n3"]
    assert names(cluster, select_nodes(cluster, "datacenter=dc*,meta.rack=r0")) == ["n0", "n1"]
    assert names(cluster, select_nodes(cluster, "attr.unique.hostname=n3")) == ["n3"]
    with pytest.raises(InputError, match="matches 4 nodes"):
        select_nodes(cluster, "00000000")
    with pytest.raises(InputError, match="no node matches"):
        select_nodes(cluster, "meta.rack=r9")
    with pytest.raises(InputError, match="unknown node field 'colour'"):
        select_nodes(cluster, "colour=red")


def test_drain_reschedules_by_the_simulator(cluster):
    original = copy.deepcopy(cluster.nodes)
    drained = drain(cluster, "meta.rack=r0")
    assert cluster.nodes == original  # pure: the input is unchanged
    assert [n.ready() for n in drained.nodes] == [False, False, True, True]
    assert [a.node for a in drained.allocations] == ["n2"]
    before, after = run_resolved(cluster), run_resolved(drained)
    web = after.group("web/web")
    assert (web.placed, web.unplaced) == (2, 0)
    assert set(web.placements) <= {"n2", "n3"}
    [move] = [m for m in moves(before, after) if m.group == "web/web"]
    assert move.left == {"n0": 1, "n1": 1}
    assert sum(move.arrived.values()) == 2
    assert losses(before, after) == []


def test_remove_all_nodes_of_a_group_loses_it(cluster):
    gone = remove(cluster, "datacenter=dc1")
    assert gone.nodes == [] and gone.allocations == [] and gone.node_group_of == []
    after = run_resolved(gone)
    assert {loss.group for loss in losses(run_resolved(cluster), after)} == {"web/web", "api/web"}


def test_add_like_copies_the_node(cluster):
    more = add_like(cluster, "n3", 2)
    added = more.nodes[-2:]
    assert [n.name for n in added] == ["n3-new-0", "n3-new-1"]
    assert all(n.node_class == "batch" and n.meta == {"rack": "r1"} for n in added)
    assert len({n.id for n in more.nodes}) == 6
    assert added[0].attributes["unique.hostname"] == "n3-new-0"
    assert more.node_group_of[-1] == "added like n3"


def test_scale_up_places_more_and_down_stops_the_newest(cluster):
    up = run_resolved(scale(cluster, "web", 4)).group("web/web")
    assert (up.count, up.placed) == (4, 4)
    down = scale(cluster, "web/web", 1)
    assert [a.node for a in down.allocations if a.job == "web"] == ["n0"]
    assert run_resolved(down).group("web/web").placements == ["n0"]
    with pytest.raises(InputError, match="no job 'nope'"):
        scale(cluster, "nope", 1)


def test_put_job_adds_or_replaces(cluster, tmp_path):
    new = tmp_path / "batch.json"
    new.write_text(json.dumps(job("report", 2)))
    added = put_jobs(cluster, new)
    assert [j.id for j in added.jobs] == ["web", "api", "report"]
    same = tmp_path / "web.json"
    same.write_text(json.dumps(job("web", 2)))
    assert put_jobs(cluster, same).allocations == cluster.allocations  # unchanged: kept
    bigger = tmp_path / "web2.json"
    changed = job("web", 2)
    changed["TaskGroups"][0]["Tasks"][0]["Resources"]["MemoryMB"] = 1024
    bigger.write_text(json.dumps(changed))
    replaced = put_jobs(cluster, bigger)
    assert [a.job for a in replaced.allocations] == ["api"]  # destructive update


def test_edits_compose_on_a_scenario():
    resolved = load_scenario(SCENARIOS / "hashistack.yaml")
    first = resolved.nodes[0].name
    edits = edits_from(drains=[first], scales=["grafana=2"])
    assert [e.label for e in edits] == ["scale grafana=2", f"drain {first}"]
    edited = apply_edits(resolved, edits)
    assert not edited.nodes[0].ready()
    assert run_resolved(edited).group("grafana/grafana").count == 2


def test_whatif_cli_drain_on_a_snapshot(tmp_path):
    nodes = [node(i, Meta={"rack": f"r{i // 2}"}) for i in range(4)]
    path = snapshot(tmp_path, nodes, [job("web", 2)], [alloc(1, "web", 0), alloc(2, "web", 1)])
    result = runner.invoke(app, ["whatif", str(path), "--drain", "meta.rack=r0"])
    assert result.exit_code == 0, result.output
    assert "after drain meta.rack=r0" in result.stdout
    assert "Moves:" in result.stdout
    assert "n0, n1" in result.stdout
    lost = runner.invoke(app, ["whatif", str(path), "--remove", "datacenter=dc1"])
    assert lost.exit_code == 3
    assert "No longer places:" in lost.stdout
    bad = runner.invoke(app, ["whatif", str(path), "--add", "two:n1"])
    assert bad.exit_code == 2
    assert "expected COUNT:NODE" in bad.stderr


def test_whatif_json_carries_moves_and_losses(tmp_path):
    nodes = [node(i) for i in range(3)]
    path = snapshot(tmp_path, nodes, [job("web", 3)], [alloc(i, "web", i) for i in range(3)])
    result = runner.invoke(
        app, ["whatif", str(path), "--remove", "n0", "--add", "1:n1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["Moves"] == [{"Group": "web/web", "Left": {"n0": 1}, "PlacedOn": {"n1-new-0": 1}}]
    assert data["NoLongerPlaces"] == []
    assert data["After"]["AllPlaced"] is True
