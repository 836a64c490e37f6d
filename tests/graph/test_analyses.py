"""Each analysis on the hashistack demo cluster, where the right answers are known."""

from __future__ import annotations

import pytest

from models import Job, TaskGroup
from sim.core.nodetable import NodeTable
from sim.feasibility import evaluate_job
from sim.graph import (
    capacity_bound,
    criticality,
    distinct_hosts_matching,
    distinct_hosts_scope,
    fragile_groups,
    group_ask,
    group_class_graph,
    group_node_graph,
    hashistack_graph,
    hashistack_jobs,
    unplaceable_groups,
)
from sim.graph.examples import hashistack_node

WEB, GRAFANA, CONSUL, LEGACY = (
    ("group", f"{job}/app") for job in ("web", "grafana", "consul", "legacy")
)


def test_unplaceable_names_the_filtering_constraint():
    found = unplaceable_groups(hashistack_graph())
    assert list(found) == [LEGACY]
    assert "${node.class} = hashistack: 2" in found[LEGACY]


def test_client_count_zero_leaves_grafana_placeable_on_windows():
    """Bug #17: without Linux clients only the unconstrained group still has a node."""
    G = hashistack_graph(linux=0, windows=1)
    assert set(unplaceable_groups(G)) == {WEB, CONSUL, LEGACY}
    assert [G.nodes[c]["node_class"] for c in G[GRAFANA]] == ["hashistack-windows"]


def test_unplaceable_without_candidates_says_so():
    job = Job.model_validate(
        {"id": "far", "datacenters": ["dc9"], "task_groups": [{"name": "app"}]}
    )
    table = NodeTable([hashistack_node("linux", 0)])
    G = group_class_graph(table, [evaluate_job(table, job)])
    assert unplaceable_groups(G)[("group", "far/app")].startswith("no candidate node")


def test_linux_only_group_is_fragile_on_the_linux_class():
    fragile = fragile_groups(hashistack_graph())
    assert set(fragile) == {WEB, CONSUL}
    assert any("node class: hashistack-linux" in r for r in fragile[WEB])
    assert "distinct_hosts needs 3 nodes, only 2 feasible" in fragile[CONSUL]


def test_single_datacenter_does_not_make_everything_fragile():
    reasons = [r for rs in fragile_groups(hashistack_graph()).values() for r in rs]
    assert not any("datacenter" in r for r in reasons)


def test_criticality_of_the_linux_class():
    result = criticality(hashistack_graph())
    by_scope = {(r["kind"], r["label"]): r["groups"] for r in result.ranking}
    assert by_scope[("class", "hashistack-linux · dc1 · linux")] == ["web/app", "consul/app"]
    assert by_scope[("class", "hashistack-windows · dc1 · windows")] == []
    assert by_scope[("node_group", "linux")] == ["web/app", "consul/app"]
    assert by_scope[("datacenter", "dc1")] == ["web/app", "grafana/app", "consul/app"]
    counts = [r["groups_broken"] for r in result.ranking]
    assert counts == sorted(counts, reverse=True)
    assert {r["group"] for r in result.table if r["kind"] == "class"} == {"web/app", "consul/app"}


def test_criticality_counts_distinct_hosts_shortfalls():
    """consul needs 3 distinct Linux nodes: losing dc1 (3 of its 4) leaves too few."""
    nodes = [hashistack_node("linux", i) for i in range(3)] + [hashistack_node("linux", 3, "dc2")]
    table = NodeTable(nodes)
    G = group_class_graph(table, [evaluate_job(table, job) for job in hashistack_jobs()])
    rows = {(r["label"], r["group"]): r for r in criticality(G).table}
    assert rows[("dc1", "consul/app")]["effect"] == "distinct_hosts needs 3 nodes"
    assert rows[("dc1", "consul/app")]["remaining"] == 1
    assert ("dc2", "consul/app") not in rows


def test_capacity_bound_on_hashistack():
    bound = capacity_bound(hashistack_graph())
    assert bound.per_group == {WEB: 2, GRAFANA: 1, CONSUL: 2, LEGACY: 0}
    assert (bound.joint, bound.asked, bound.shortfall) == (5, 7, 2)


def test_capacity_bound_is_the_same_at_both_resolutions_when_classes_are_uniform():
    classes, nodes = hashistack_graph(), hashistack_graph(resolution="node")
    assert capacity_bound(classes).per_group == capacity_bound(nodes).per_group


def test_distinct_hosts_matching_per_group_and_per_job():
    assert distinct_hosts_matching(hashistack_graph(resolution="node")) == {
        CONSUL: [("node", 0), ("node", 1)]
    }
    job = Job.model_validate(
        {
            "id": "pair",
            "constraints": [{"operator": "distinct_hosts", "value": ""}],
            "task_groups": [
                {"name": "a", "count": 1, "tasks": [{"name": "t", "driver": "docker"}]},
                {"name": "b", "count": 2, "tasks": [{"name": "t", "driver": "docker"}]},
            ],
        }
    )
    table = NodeTable([hashistack_node("linux", 0), hashistack_node("linux", 1)])
    matched = distinct_hosts_matching(group_node_graph(table, [evaluate_job(table, job)]))
    assert sum(len(v) for v in matched.values()) == 2  # one allocation of the job per node
    assert len({n for v in matched.values() for n in v}) == 2


def test_distinct_hosts_matching_needs_the_node_graph():
    with pytest.raises(ValueError, match="group × node"):
        distinct_hosts_matching(hashistack_graph())


@pytest.mark.parametrize(
    ("r_target", "scope"), [("", "group"), ("true", "group"), ("junk", "group"), ("false", "")]
)
def test_distinct_hosts_scope_parses_like_go(r_target, scope):
    group = TaskGroup.model_validate(
        {"constraints": [{"operator": "distinct_hosts", "value": r_target}]}
    )
    assert distinct_hosts_scope(Job(), group) == scope


def test_task_level_distinct_hosts_is_ignored():
    group = TaskGroup.model_validate(
        {"tasks": [{"constraints": [{"operator": "distinct_hosts", "value": "true"}]}]}
    )
    assert distinct_hosts_scope(Job(), group) == ""


def test_group_ask_takes_the_largest_lifecycle_phase():
    group = TaskGroup.model_validate(
        {
            "ephemeral_disk": {"size": 500},
            "tasks": [
                {"resources": {"cpu": 200, "memory": 100, "secrets": 20}},
                {"lifecycle": {"hook": "prestart", "sidecar": True}, "resources": {"cpu": 100}},
                {"lifecycle": {"hook": "prestart"}, "resources": {"cpu": 1000, "memory": 50}},
                {"lifecycle": {"hook": "poststop"}, "resources": {"cpu": 10, "memory": 900}},
            ],
        }
    )
    # main phase = 200 + 100 (sidecar) MHz, 120 + 300 MB; prestart 1000 MHz; poststop 900 MB
    assert group_ask(group).tolist() == [1000, 900, 500, 1]
