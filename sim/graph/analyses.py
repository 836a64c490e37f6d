"""Questions the bipartite graph answers, as plain functions (networkx style).

Every function takes a graph from :mod:`sim.graph.build` at either resolution (group ×
class or group × node) unless it says otherwise. *Scopes* are what an operator can lose
at once: a computed node class, a datacenter, or a scenario node group (when the graph
was built with ``node_groups``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator
from typing import Any, NamedTuple

import msgspec
import networkx as nx

from .build import CLASS, NODE

Vertex = tuple[str, Hashable]
Scope = tuple[str, Hashable]

SCOPE_WORDS = {"class": "node class", "datacenter": "datacenter", "node_group": "node group"}


def group_vertices(G: nx.Graph) -> list[Vertex]:
    """The task-group side (``bipartite == 0``), in insertion order."""
    return [v for v, side in G.nodes(data="bipartite") if side == 0]


def _edge_scopes(G: nx.Graph, v: Vertex, data: dict) -> Iterator[tuple[Scope, int]]:
    """Feasible nodes per scope behind one edge (a class edge may span node groups)."""
    right = G.nodes[v]
    weight = data["weight"]
    yield ("class", right["class_code"]), weight
    yield ("datacenter", right["datacenter"]), weight
    if G.graph.get("node_groups"):
        if right["kind"] == NODE:
            yield ("node_group", right["node_group"]), 1
        else:
            yield from (
                (("node_group", name), n) for name, n in data.get("node_groups", {}).items()
            )


def _vertex_scopes(G: nx.Graph, v: Vertex) -> Iterator[tuple[Scope, int, str]]:
    """Nodes per scope behind one right-side vertex, with the scope's readable name."""
    right = G.nodes[v]
    size = right["nodes"] if right["kind"] == CLASS else 1
    yield ("class", right["class_code"]), size, right["class_label"]
    yield ("datacenter", right["datacenter"]), size, right["datacenter"]
    if G.graph.get("node_groups"):
        if right["kind"] == NODE:
            yield ("node_group", right["node_group"]), 1, right["node_group"]
        else:
            for name, n in right["node_groups"].items():
                yield ("node_group", name), n, name


class ScopeInfo(NamedTuple):
    nodes: int
    label: str


def cluster_scopes(G: nx.Graph) -> dict[Scope, ScopeInfo]:
    """Every scope of the cluster with its node count and readable name.

    >>> from sim.graph.examples import hashistack_graph
    >>> cluster_scopes(hashistack_graph())[("datacenter", "dc1")]
    ScopeInfo(nodes=3, label='dc1')
    """
    sizes: Counter[Scope] = Counter()
    labels: dict[Scope, str] = {}
    for v, side in G.nodes(data="bipartite"):
        if side == 1:
            for scope, n, label in _vertex_scopes(G, v):
                sizes[scope] += n
                labels[scope] = label
    return {scope: ScopeInfo(n, labels[scope]) for scope, n in sizes.items()}


def feasible_by_scope(G: nx.Graph, group: Vertex) -> Counter[Scope]:
    """Feasible nodes of ``group`` per scope.

    >>> from sim.graph.examples import hashistack_graph
    >>> G = hashistack_graph()
    >>> feasible_by_scope(G, ("group", "grafana/app"))[("node_group", "windows")]
    1
    """
    counts: Counter[Scope] = Counter()
    for _, v, data in G.edges(group, data=True):
        for scope, n in _edge_scopes(G, v, data):
            counts[scope] += n
    return counts


def feasible_nodes(G: nx.Graph, group: Vertex) -> int:
    """How many nodes the feasibility engine accepts for ``group``."""
    return sum(weight for _, _, weight in G.edges(group, data="weight"))


def unplaceable_groups(G: nx.Graph) -> dict[Vertex, str]:
    """Groups with no feasible node at all, with the reason Nomad would give.

    >>> from sim.graph.examples import hashistack_graph
    >>> unplaceable_groups(hashistack_graph())
    {('group', 'legacy/app'): 'all 3 candidate nodes filtered: ${node.class} = hashistack: 2; computed class ineligible: 1'}
    """  # noqa: E501
    out = {}
    for g in group_vertices(G):
        if G.degree(g):
            continue
        attrs = G.nodes[g]
        if attrs["candidates"]:
            out[g] = f"all {attrs['candidates']} candidate nodes filtered: {attrs['filtered']}"
        else:
            out[g] = (
                f"no candidate node: none ready in node pool {attrs['node_pool']!r} "
                f"and datacenters {attrs['datacenters']!r}"
            )
    return out


def fragile_groups(G: nx.Graph) -> dict[Vertex, list[str]]:
    """Placeable groups one failure away from unplaceable, with every reason that applies.

    A group is fragile when all its feasible nodes sit in one computed class, one
    datacenter or one node group — counted only where the cluster has more than one, since
    a one-datacenter cluster makes every group trivially "fragile" — or when
    ``distinct_hosts`` needs more nodes (``count``) than are feasible.

    >>> from sim.graph.examples import hashistack_graph
    >>> fragile_groups(hashistack_graph())[("group", "web/app")]
    ['every feasible node is in one node class: hashistack-linux · dc1 · linux', 'every feasible node is in one node group: linux']
    """  # noqa: E501
    scopes = cluster_scopes(G)
    kinds = Counter(kind for kind, _ in scopes)
    out = {}
    for g in group_vertices(G):
        if not G.degree(g):
            continue
        by_scope = feasible_by_scope(G, g)
        reasons = []
        for kind, word in SCOPE_WORDS.items():
            mine = [s for s in by_scope if s[0] == kind]
            if kinds[kind] > 1 and len(mine) == 1:
                reasons.append(f"every feasible node is in one {word}: {scopes[mine[0]].label}")
        attrs, total = G.nodes[g], feasible_nodes(G, g)
        if attrs["distinct_hosts"] and total < attrs["count"]:
            reasons.append(f"distinct_hosts needs {attrs['count']} nodes, only {total} feasible")
        if reasons:
            out[g] = reasons
    return out


class Criticality(NamedTuple):
    """``table``: one record per (scope, group it breaks); ``ranking``: one per scope."""

    table: list[dict]
    ranking: list[dict]


def criticality(G: nx.Graph) -> Criticality:
    """What losing each class, datacenter or node group breaks: ``client_count = 0`` for all.

    A group *breaks* when a scope's loss leaves it no feasible node, or leaves a
    ``distinct_hosts`` group that had enough nodes for ``count`` with too few. The ranking
    lists every scope, the most groups broken first.

    >>> from sim.graph.examples import hashistack_graph
    >>> for row in criticality(hashistack_graph()).ranking[:2]:
    ...     print(row["label"], row["groups"])
    dc1 ['web/app', 'grafana/app', 'consul/app']
    hashistack-linux · dc1 · linux ['web/app', 'consul/app']

    Losing every Linux client leaves ``grafana`` placeable: on the Windows node (Bug #17).
    """
    scopes = cluster_scopes(G)
    broken: dict[Scope, list[str]] = {scope: [] for scope in scopes}
    table = []
    for g in group_vertices(G):
        attrs = G.nodes[g]
        total = feasible_nodes(G, g)
        need = attrs["count"] if attrs["distinct_hosts"] else 1
        for scope, n in feasible_by_scope(G, g).items():
            remaining = total - n
            if remaining == 0:
                effect = "no feasible node left"
            elif total >= need > remaining:
                effect = f"distinct_hosts needs {need} nodes"
            else:
                continue
            broken[scope].append(attrs["name"])
            table.append(
                {
                    "kind": scope[0],
                    "scope": scope[1],
                    "label": scopes[scope].label,
                    "group": attrs["name"],
                    "effect": effect,
                    "feasible": total,
                    "remaining": remaining,
                }
            )
    ranking: list[dict[str, Any]] = [
        {
            "kind": scope[0],
            "scope": scope[1],
            "label": scopes[scope].label,
            "nodes": scopes[scope].nodes,
            "groups_broken": len(groups),
            "groups": groups,
        }
        for scope, groups in broken.items()
    ]
    order = list(SCOPE_WORDS)
    ranking.sort(key=lambda r: (-r["groups_broken"], order.index(r["kind"]), r["label"]))
    return Criticality(table, ranking)


class CapacityBound(msgspec.Struct, frozen=True):
    """Upper bounds on the allocations any placement can make (see :func:`capacity_bound`)."""

    per_group: dict[Vertex, int]
    joint: int
    asked: int

    @property
    def shortfall(self) -> int:
        """At least this many of the asked allocations cannot be placed, by anyone."""
        return self.asked - self.joint


def capacity_bound(G: nx.Graph) -> CapacityBound:
    """How many allocations could fit at most: per group alone, and all groups together.

    The bound is over every placement that puts each allocation on a node the feasibility
    engine accepts for its group, with the allocations on each node fitting its free CPU,
    memory and disk (node resources minus reserved; no running allocations) and its
    ``max_allocs``, one per node per group under ``distinct_hosts``. For any such
    placement P with p_g allocations of group g:

    - ``per_group[g] = min(count_g, Σ_nodes fit_g(node)) ≥ p_g``, where ``fit_g`` is how
      many allocations of g alone fit the node (1 at most under distinct_hosts);
    - ``joint ≥ Σ_g p_g``: ``joint`` is the max flow of source → group (capacity count) →
      class or node (capacity = the edge's ``fit``) → sink (capacity = the vertex's
      ``slots``, Σ over its nodes of ``fit(free, element-wise minimum ask of its groups)``).
      P's per-(group, class) allocation counts form a feasible flow: they respect each
      group's fit alone, and any allocations sharing a node fit the element-wise minimum
      ask at least as often as their own asks.

    Both are *upper* bounds, not what Nomad achieves: dimensions are checked per node but
    mixed asks on a shared node are relaxed to the minimum ask, ports, devices, cores,
    spreads and ``distinct_property`` are not counted. A bound below ``count`` proves the
    group cannot be fully placed.

    >>> from sim.graph.examples import hashistack_graph
    >>> bound = capacity_bound(hashistack_graph())
    >>> bound.per_group[("group", "consul/app")], bound.joint, bound.asked
    (2, 5, 7)
    """
    per_group = {
        g: min(G.nodes[g]["count"], sum(f for _, _, f in G.edges(g, data="fit")))
        for g in group_vertices(G)
    }
    asked = sum(G.nodes[g]["count"] for g in per_group)
    source, sink = ("flow", "source"), ("flow", "sink")
    F = nx.DiGraph()
    F.add_edges_from((source, g, {"capacity": G.nodes[g]["count"]}) for g in per_group)
    for g in per_group:
        F.add_edges_from((g, v, {"capacity": f}) for _, v, f in G.edges(g, data="fit") if f)
    F.add_edges_from(
        (v, sink, {"capacity": slots})
        for v, slots in G.nodes(data="slots")
        if G.nodes[v]["bipartite"] == 1 and v in F
    )
    joint = int(nx.maximum_flow_value(F, source, sink)) if sink in F else 0
    return CapacityBound(per_group, joint, asked)


def distinct_hosts_matching(G: nx.Graph) -> dict[Vertex, list[Vertex]]:
    """Give each allocation of every ``distinct_hosts`` group its own node, if possible.

    Needs the group × node graph. Allocations of one group (job-level ``distinct_hosts``:
    of one job) must sit on different nodes; a maximum bipartite matching (Hopcroft–Karp)
    of allocation slots × nodes that fit one allocation answers whether they can. Returns,
    per distinct_hosts group, the nodes its allocations get (sorted: slots are
    interchangeable); fewer than ``count`` means no placement gives every allocation its
    own node.

    >>> from sim.graph.examples import hashistack_graph
    >>> distinct_hosts_matching(hashistack_graph(resolution="node"))
    {('group', 'consul/app'): [('node', 0), ('node', 1)]}
    """
    if G.graph.get("resolution") != NODE:
        raise ValueError("distinct_hosts_matching needs a group × node graph (group_node_graph)")
    domains: dict[tuple[str, str], list[Vertex]] = {}
    for g in group_vertices(G):
        attrs = G.nodes[g]
        if attrs["distinct_hosts"]:
            key = attrs["job"] if attrs["distinct_hosts_scope"] == "job" else attrs["name"]
            domains.setdefault((attrs["distinct_hosts_scope"], key), []).append(g)
    out: dict[Vertex, list[Vertex]] = {}
    for groups in domains.values():
        out.update(_match_domain(G, groups))
    return out


def _match_domain(G: nx.Graph, groups: list[Vertex]) -> dict[Vertex, list[Vertex]]:
    """One matching over groups that must not share a node.

    A group with at least as many usable nodes as the domain has slots can always be
    matched (the others use at most that many nodes), so its candidates are truncated to
    that many: the matching stays exact and the slot × node graph stays small.
    """
    total = sum(G.nodes[g]["count"] for g in groups)
    B = nx.Graph()
    slots = []
    for g in groups:
        usable = sorted(v for _, v, f in G.edges(g, data="fit") if f >= 1)[:total]
        for j in range(G.nodes[g]["count"]):
            slot = ("slot", g, j)
            slots.append(slot)
            B.add_node(slot)
            B.add_edges_from((slot, v) for v in usable)
    matching = nx.bipartite.hopcroft_karp_matching(B, top_nodes=slots)
    return {g: sorted(matching[s] for s in slots if s[1] == g and s in matching) for g in groups}
