"""A graph small enough to read: right-hand vertices (computed classes or nodes) merged by a
key the operator knows (datacenter, node pool, OS, node class, a meta or attribute value).

A 10,000-node fleet has hundreds of computed classes: drawn one per row they make a picture
nobody can read. Merged by a key, each edge keeps what a planner reads off it: the feasible
nodes behind it (``weight``), the allocations that fit (``fit``), and how many of those
nodes would take a placement that never starts (``cannot_start_nodes``, Bug #17), so the
risk survives the merge. A key with more values than fit on the canvas keeps its largest
values and lumps the rest as ``other``.

>>> from sim.graph.examples import hashistack_graph, hashistack_nodes
>>> from sim.core.nodetable import NodeTable
>>> G = hashistack_graph(linux=2, windows=1)
>>> H, how = aggregate(G, NodeTable(hashistack_nodes(linux=2, windows=1)), "os")
>>> how.describe()
'2 computed classes drawn as 2 groups by os (attr.kernel.name)'
>>> sorted(H.nodes[v]["label"] for v in H if v[0] == "aggregate")
['os=linux', 'os=windows']
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from models import Node

from ..core.group_keys import AUTO, MAX_GROUPS, NONE, key_reader
from ..core.nodetable import NodeTable

AGGREGATE = "aggregate"
MAX_RIGHT_VERTICES = MAX_GROUPS
# The keys ``auto`` tries, in order: the first that splits the fleet into 2..MAX groups.
AUTO_KEYS = ("class", "node_pool", "datacenter", "os")
OTHER = "other"
_MAX_PROBLEMS = 3


@dataclass(frozen=True)
class Aggregation:
    """What was merged: ``before`` right-hand vertices became ``after`` groups by ``key``;
    ``lumped`` of the key's values went into ``other``."""

    key: str
    caption: str
    before: int
    after: int
    resolution: str
    lumped: int = 0

    def describe(self) -> str:
        what = "computed classes" if self.resolution == "class" else "nodes"
        text = f"{self.before:,} {what} drawn as {self.after:,} groups by {self.caption}"
        if self.lumped:
            text += f" (the {self.lumped:,} smallest values as '{OTHER}')"
        return text


def _right(G: nx.Graph) -> list:
    return [v for v, side in G.nodes(data="bipartite") if side == 1]


def _node_of(table: NodeTable, vertex: tuple) -> Node:
    kind, index = vertex
    if kind == "class":
        return table.nodes[int(table.class_representatives[index])]
    return table.nodes[int(index)]


def choose_key(G: nx.Graph, table: NodeTable, max_vertices: int = MAX_RIGHT_VERTICES) -> str:
    """``auto``: the first of node class, pool, datacenter, OS that splits the right side
    into 2..``max_vertices`` groups; else the one with the most groups up to that; else
    node class (its smallest values then lumped)."""
    nodes = [_node_of(table, v) for v in _right(G)]
    counts = {key: len({key_reader(key)[1](n) for n in nodes}) for key in AUTO_KEYS}
    for key in AUTO_KEYS:
        if 2 <= counts[key] <= max_vertices:
            return key
    fitting = [key for key in AUTO_KEYS if counts[key] <= max_vertices]
    return max(fitting, key=lambda k: counts[k]) if fitting else AUTO_KEYS[0]


def aggregate(
    G: nx.Graph, table: NodeTable, key: str, max_vertices: int = MAX_RIGHT_VERTICES
) -> tuple[nx.Graph, Aggregation]:
    """``G`` with its right-hand vertices merged by ``key`` (at most ``max_vertices``)."""
    caption, read = key_reader(key)
    right = _right(G)
    value_of = {v: read(_node_of(table, v)) for v in right}
    size = {v: G.nodes[v].get("nodes", 1) for v in right}
    totals: dict[str, int] = {}
    for v in right:
        totals[value_of[v]] = totals.get(value_of[v], 0) + size[v]
    ranked = sorted(totals, key=lambda value: (-totals[value], value))
    lumped = ranked[max_vertices - 1 :] if len(ranked) > max_vertices else []
    if lumped:
        folded = set(lumped)
        value_of = {v: OTHER if x in folded else x for v, x in value_of.items()}
        ranked = [*ranked[: max_vertices - 1], OTHER]
    H = nx.Graph(**G.graph)
    H.add_nodes_from((v, d) for v, d in G.nodes(data=True) if d["bipartite"] == 0)
    for value in ranked:
        H.add_node(
            (AGGREGATE, value),
            bipartite=1,
            kind=AGGREGATE,
            key=key,
            value=value,
            label=f"{key}={value}" if value != OTHER else f"{key}: {len(lumped)} other values",
            nodes=0,
            classes=0,
            slots=0,
            free_cpu=0,
            free_memory_mb=0,
            free_disk_mb=0,
        )
    for v in right:
        merged, d = H.nodes[(AGGREGATE, value_of[v])], G.nodes[v]
        merged["nodes"] += size[v]
        merged["classes"] += 1
        for field in ("slots", "free_cpu", "free_memory_mb", "free_disk_mb"):
            merged[field] += d.get(field, 0)
    for u, v, d in G.edges(data=True):
        group, end = (u, v) if G.nodes[u]["bipartite"] == 0 else (v, u)
        _merge_edge(H, group, (AGGREGATE, value_of[end]), d)
    for *_, e in H.edges(data=True):
        e["start_problem"] = "; ".join(e.pop("problems"))
    resolution = G.graph.get("resolution", "")
    how = Aggregation(key, caption, len(right), len(ranked), resolution, len(lumped))
    H.graph["aggregation"] = how.describe()
    return H, how


def _merge_edge(H: nx.Graph, group: tuple, target: tuple, d: dict) -> None:
    """Add one original edge's numbers to the merged edge, the start risk kept per node."""
    risky = bool(d.get("cannot_start"))
    if not H.has_edge(group, target):
        H.add_edge(
            group, target, weight=0, fit=0, cannot_start=False, cannot_start_nodes=0, problems=[]
        )
    e = H.edges[group, target]
    e["weight"] += d["weight"]
    e["fit"] += d.get("fit", 0)
    if risky:
        e["cannot_start"] = True
        e["cannot_start_nodes"] += d.get("cannot_start_nodes", d["weight"])
        problem = d.get("start_problem", "")
        if problem and problem not in e["problems"] and len(e["problems"]) < _MAX_PROBLEMS:
            e["problems"].append(problem)


def readable(
    G: nx.Graph,
    table: NodeTable,
    group_by: str = AUTO,
    max_vertices: int = MAX_RIGHT_VERTICES,
) -> tuple[nx.Graph, Aggregation | None]:
    """The graph to draw: ``G`` itself while it has at most ``max_vertices`` right-hand
    vertices (``auto``) or with ``none``; otherwise merged by ``group_by`` (``auto`` picks
    the key, :func:`choose_key`). An explicit key always merges."""
    if group_by == NONE:
        return G, None
    if group_by == AUTO:
        if len(_right(G)) <= max_vertices:
            return G, None
        group_by = choose_key(G, table, max_vertices)
    return aggregate(G, table, group_by, max_vertices)
