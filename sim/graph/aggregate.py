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

import msgspec
import networkx as nx

from models import Node

from ..core.group_keys import AUTO, MAX_GROUPS, NONE, key_reader
from ..core.nodetable import NodeTable

AGGREGATE, JOB = "aggregate", "job"
MAX_RIGHT_VERTICES = MAX_GROUPS
# Task groups drawn one per row before they are merged per job: at this many rows the font
# is still 7 pt on a 3,000 px canvas.
MAX_LEFT_VERTICES = 80
# The keys ``auto`` tries, in order: the first that splits the fleet into 2..MAX groups.
AUTO_KEYS = ("class", "node_pool", "datacenter", "os")
OTHER = "other"
_MAX_PROBLEMS = 3


class Aggregation(msgspec.Struct, frozen=True):
    """What was merged: ``before`` vertices (``what``) became ``after`` groups by ``key``;
    ``lumped`` of the key's smallest values went into ``other``."""

    key: str
    caption: str
    what: str
    before: int
    after: int
    lumped: int = 0

    def describe(self) -> str:
        text = f"{self.before:,} {self.what} drawn as {self.after:,} groups by {self.caption}"
        if self.lumped:
            text += f" (the {self.lumped:,} smallest values as '{OTHER}')"
        return text


def _side(G: nx.Graph, side: int) -> list:
    return [v for v, s in G.nodes(data="bipartite") if s == side]


def _node_of(table: NodeTable, vertex: tuple) -> Node:
    kind, index = vertex
    if kind == "class":
        return table.nodes[int(table.class_representatives[index])]
    return table.nodes[int(index)]


def choose_key(G: nx.Graph, table: NodeTable, max_vertices: int = MAX_RIGHT_VERTICES) -> str:
    """``auto``: the first of node class, pool, datacenter, OS that splits the right side
    into 2..``max_vertices`` groups; else the one with the most groups up to that; else
    node class (its smallest values then lumped)."""
    nodes = [_node_of(table, v) for v in _side(G, 1)]
    counts = {key: len({key_reader(key)[1](n) for n in nodes}) for key in AUTO_KEYS}
    for key in AUTO_KEYS:
        if 2 <= counts[key] <= max_vertices:
            return key
    fitting = [key for key in AUTO_KEYS if counts[key] <= max_vertices]
    return max(fitting, key=lambda k: counts[k]) if fitting else AUTO_KEYS[0]


def _ranked(value_of: dict, size: dict, max_vertices: int) -> tuple[dict, list[str], int]:
    """Values largest first; beyond ``max_vertices`` the smallest become ``other``."""
    totals: dict[str, int] = {}
    for v, value in value_of.items():
        totals[value] = totals.get(value, 0) + size[v]
    ranked = sorted(totals, key=lambda value: (-totals[value], value))
    if len(ranked) <= max_vertices:
        return value_of, ranked, 0
    folded = set(ranked[max_vertices - 1 :])
    value_of = {v: OTHER if x in folded else x for v, x in value_of.items()}
    return value_of, [*ranked[: max_vertices - 1], OTHER], len(folded)


def _merge_edges(G: nx.Graph, H: nx.Graph, end_of: dict) -> None:
    """Every edge of ``G`` added to the edge of ``H`` between its ends' new vertices (a
    vertex not in ``end_of`` stays itself), the start risk kept per node."""
    for u, v, d in G.edges(data=True):
        left, right = (u, v) if G.nodes[u]["bipartite"] == 0 else (v, u)
        left, right = end_of.get(left, left), end_of.get(right, right)
        if not H.has_edge(left, right):
            H.add_edge(
                left, right, weight=0, fit=0, cannot_start=False, cannot_start_nodes=0, problems=[]
            )
        e = H.edges[left, right]
        e["weight"] += d["weight"]
        e["fit"] += d.get("fit", 0)
        if d.get("cannot_start"):
            e["cannot_start"] = True
            e["cannot_start_nodes"] += d.get("cannot_start_nodes", d["weight"])
            problem = d.get("start_problem", "")
            if problem and problem not in e["problems"] and len(e["problems"]) < _MAX_PROBLEMS:
                e["problems"].append(problem)
    for *_, e in H.edges(data=True):
        e["start_problem"] = "; ".join(e.pop("problems"))


def _noted(H: nx.Graph, how: Aggregation) -> Aggregation:
    H.graph["aggregation"] = "; ".join(filter(None, (H.graph.get("aggregation"), how.describe())))
    return how


def aggregate(
    G: nx.Graph, table: NodeTable, key: str, max_vertices: int = MAX_RIGHT_VERTICES
) -> tuple[nx.Graph, Aggregation]:
    """``G`` with its right-hand vertices merged by ``key`` (at most ``max_vertices``)."""
    caption, read = key_reader(key)
    right = _side(G, 1)
    size = {v: G.nodes[v].get("nodes", 1) for v in right}
    value_of, ranked, lumped = _ranked(
        {v: read(_node_of(table, v)) for v in right}, size, max_vertices
    )
    H = nx.Graph(**G.graph)
    H.add_nodes_from((v, d) for v, d in G.nodes(data=True) if d["bipartite"] == 0)
    for value in ranked:
        H.add_node(
            (AGGREGATE, value),
            bipartite=1,
            kind=AGGREGATE,
            key=key,
            value=value,
            label=f"{key}={value}" if value != OTHER else f"{key}: {lumped} other values",
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
    _merge_edges(G, H, {v: (AGGREGATE, value) for v, value in value_of.items()})
    what = "computed classes" if G.graph.get("resolution") == "class" else "nodes"
    return H, _noted(H, Aggregation(key, caption, what, len(right), len(ranked), lumped))


def merge_task_groups(
    G: nx.Graph, max_vertices: int = MAX_LEFT_VERTICES
) -> tuple[nx.Graph, Aggregation]:
    """``G`` with its task groups merged per job (the jobs with the fewest allocations lumped
    as ``other`` beyond ``max_vertices``). A job is drawn unplaceable (red) when none of
    its groups has a feasible node."""
    left = _side(G, 0)
    size = {g: G.nodes[g].get("allocations", G.nodes[g]["count"]) for g in left}
    job_of, ranked, lumped = _ranked({g: G.nodes[g]["job"] for g in left}, size, max_vertices)
    H = nx.Graph(**G.graph)
    for job in ranked:
        members = [G.nodes[g] for g in left if job_of[g] == job]
        H.add_node(
            (JOB, job),
            bipartite=0,
            kind=JOB,
            name=f"{job} ({len(members)} groups)" if job != OTHER else f"{lumped} other jobs",
            job=job,
            count=sum(d["count"] for d in members),
            allocations=sum(size[g] for g in left if job_of[g] == job),
            candidates=sum(d["candidates"] for d in members),
            filtered="; ".join(dict.fromkeys(d["filtered"] for d in members if d["filtered"])),
            groups=len(members),
            node_pool=",".join(dict.fromkeys(d["node_pool"] for d in members)),
            datacenters=",".join(dict.fromkeys(d["datacenters"] for d in members)),
        )
    H.add_nodes_from((v, d) for v, d in G.nodes(data=True) if d["bipartite"] == 1)
    _merge_edges(G, H, {g: (JOB, job) for g, job in job_of.items()})
    how = Aggregation("job", "job", "task groups", len(left), len(ranked), lumped)
    return H, _noted(H, how)


def readable(
    G: nx.Graph,
    table: NodeTable,
    group_by: str = AUTO,
    max_vertices: int = MAX_RIGHT_VERTICES,
) -> tuple[nx.Graph, list[Aggregation]]:
    """The graph to draw, and what was merged to get it.

    Right-hand vertices: as they are while at most ``max_vertices`` (``auto``) or with
    ``none``; otherwise merged by ``group_by`` (``auto`` picks the key, :func:`choose_key`);
    an explicit key always merges. Task groups: merged per job beyond
    ``MAX_LEFT_VERTICES`` (unless ``none``), so the rows fit the canvas too.
    """
    if group_by == NONE:
        return G, []
    merged = []
    if group_by != AUTO or len(_side(G, 1)) > max_vertices:
        key = choose_key(G, table, max_vertices) if group_by == AUTO else group_by
        G, how = aggregate(G, table, key, max_vertices)
        merged.append(how)
    if len(_side(G, 0)) > MAX_LEFT_VERTICES:
        G, how = merge_task_groups(G)
        merged.append(how)
    return G, merged
