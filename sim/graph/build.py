"""The bipartite task-group × node graph, at node or computed-class resolution.

Both builders read the feasibility engine's verdict arrays (never re-check a constraint)
and aggregate them with numpy: a group's edges come from one ``np.bincount`` of its
feasible nodes' capacity rows, so 1,000 groups over 100,000 nodes build in well under a
second at class resolution.

Vertices are ``("group", "job/group")`` (``bipartite=0``) and ``("class", code)`` or
``("node", index)`` (``bipartite=1``). Every edge carries ``weight`` (feasible nodes) and
``fit`` (allocations of the group that fit on those nodes, alone) and ``cannot_start`` with
``start_problem`` (the group placed there never starts: Bug #17); every right vertex
carries ``slots`` (allocations of *any* mix of its groups that fit), which
:func:`sim.graph.capacity_bound` needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import msgspec
import networkx as nx
import numpy as np

from models import Node

from ..core.class_labels import table_class_labels
from ..core.nodetable import NodeTable, intern
from ..feasibility import PASS, GroupFeasibility, JobFeasibility
from ..placement.deployment import start_problems_per_node
from .capacity import UNLIMITED, allocations_fit, distinct_hosts_scope, group_ask, node_capacity

GROUP, CLASS, NODE = "group", "class", "node"


def group_vertex(job_id: str, group: str) -> tuple[str, str]:
    return (GROUP, f"{job_id}/{group}")


class _Rows(msgspec.Struct, frozen=True):
    """Nodes interned by (computed class, free vector, scenario node group)."""

    codes: np.ndarray
    free: np.ndarray
    klass: np.ndarray
    node_group: np.ndarray | None
    node_group_names: list[str]

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=len(self.klass))


def _rows(table: NodeTable, node_groups: Sequence[str] | None) -> _Rows:
    cap = node_capacity(table)
    if node_groups is None:
        return _Rows(cap.codes, cap.free, cap.klass, None, [])
    if len(node_groups) != table.n:
        raise ValueError(f"node_groups has {len(node_groups)} names for {table.n} nodes")
    ng_codes, names = intern(list(node_groups))
    combined = cap.codes.astype(np.int64) * len(names) + ng_codes
    unique, codes = np.unique(combined, return_inverse=True)
    base = unique // len(names)
    return _Rows(codes, cap.free[base], cap.klass[base], unique % len(names), names)


class _RowsInOrder:
    """Capacity rows in a visit order, gathered once per distinct order.

    Jobs with the same candidates and seed visit nodes in the same order (as separate
    arrays), so the 100,000-element gather runs once, not once per job.
    """

    def __init__(self, codes: np.ndarray):
        self.codes = codes
        self._seen: dict[tuple, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._counts: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def __call__(self, order: np.ndarray) -> np.ndarray:
        bucket = self._seen.setdefault((len(order), *order[:4].tolist()), [])
        for known, rows in bucket:
            if known is order or np.array_equal(known, order):
                return rows
        rows = self.codes[order]
        bucket.append((order, rows))
        return rows

    def counts(self, order: np.ndarray, n_rows: int) -> np.ndarray:
        """Nodes of ``order`` per capacity row, once per distinct order."""
        key = ("counts", id(order))
        cached = self._counts.get(key)
        if cached is None or cached[0] is not order:
            cached = self._counts[key] = (order, np.bincount(self(order), minlength=n_rows))
        return cached[1]


class _Group(msgspec.Struct, frozen=True):
    """One task group's verdicts reduced to what the graph needs."""

    vertex: tuple[str, str]
    attrs: dict
    feasibility: GroupFeasibility
    ask: np.ndarray
    row_fit: np.ndarray


def _groups(feasibilities: Iterable[JobFeasibility], rows: _Rows) -> list[_Group]:
    out: dict[tuple[str, str], _Group] = {}
    for jf in feasibilities:
        for gf in jf.groups:
            job, group = gf.job, gf.group
            vertex = group_vertex(job.id or job.name, group.name)
            if vertex in out:
                raise ValueError(f"task group {vertex[1]!r} appears twice")
            scope = distinct_hosts_scope(job, group)
            ask = group_ask(group)
            per_node_cap = 1 if scope else group.count
            attrs = {
                "bipartite": 0,
                "kind": GROUP,
                "name": vertex[1],
                "job": job.id or job.name,
                "group": group.name,
                "type": job.type,
                "count": group.count,
                "distinct_hosts": bool(scope),
                "distinct_hosts_scope": scope,
                "cpu": int(ask[0]),
                "memory_mb": int(ask[1]),
                "disk_mb": int(ask[2]),
                "node_pool": job.node_pool,
                "datacenters": ",".join(job.datacenters),
                "candidates": len(gf.order),
                "filtered": _filtered_summary(gf),
            }
            row_fit = allocations_fit(rows.free, ask, per_node_cap)
            attrs["allocations"] = _allocations(job.type, group.count, gf, rows, row_fit)
            out[vertex] = _Group(vertex, attrs, gf, ask, row_fit)
    return list(out.values())


def _allocations(
    job_type: str, count: int, gf: GroupFeasibility, rows: _Rows, row_fit: np.ndarray
) -> int:
    """How many allocations the group asks for: ``count``, except a system or sysbatch job,
    which Nomad places once on every feasible node with room (scheduler/scheduler_system.go),
    as ``check`` counts them."""
    if job_type not in ("system", "sysbatch"):
        return count
    return int(np.count_nonzero(row_fit[rows.codes[gf.feasible]]))


def _mark_start_risks(
    G: nx.Graph, table: NodeTable, groups: list[_Group], node_of: Callable[[tuple], Node]
) -> None:
    """Set ``cannot_start``/``start_problem`` on every edge: whether the group, placed on
    the right vertex (its first node speaks for a class), could ever start there."""
    for g in groups:
        adjacent = G.adj[g.vertex]  # the edge dicts themselves, shared with the other end
        ends = list(adjacent)
        problems = start_problems_per_node(g.feasibility.group, [node_of(v) for v in ends])
        for v, found in zip(ends, problems, strict=True):
            adjacent[v]["cannot_start"] = bool(found)
            adjacent[v]["start_problem"] = "; ".join(found)


def _filtered_summary(gf: GroupFeasibility) -> str:
    """The metric's filter reasons, most frequent first, as ``nomad job plan`` counts them."""
    ranked = sorted(gf.metric.constraint_filtered.items(), key=lambda kv: (-kv[1], kv[0]))
    return "; ".join(f"{reason}: {n}" for reason, n in ranked)


def _node_attrs(node: Node, code: int, labels: list[str]) -> dict:
    return {
        "class_label": labels[code],
        "node_class": node.node_class,
        "datacenter": node.datacenter,
        "pool": node.node_pool,
        "kernel": node.attributes.get("kernel.name", ""),
        "class_code": code,
    }


def _joint_slots(
    rows: _Rows,
    row_vertex: np.ndarray,
    n_vertices: int,
    edge_vertex: np.ndarray,
    edge_group: np.ndarray,
    groups: list[_Group],
) -> np.ndarray:
    """Per right vertex, how many allocations of any mix of its adjacent groups can fit.

    Any set of allocations on a node fits the element-wise minimum ask of their groups at
    least as well as their own asks, so ``fit(free, min ask)`` bounds how many can share
    the node; capped by the adjacent groups' total count.
    """
    asks = np.array([g.ask for g in groups], dtype=np.int64).reshape(-1, 4)
    counts = np.array([g.attrs["count"] for g in groups], dtype=np.int64)
    min_ask = np.full((n_vertices, 4), UNLIMITED, dtype=np.int64)
    np.minimum.at(min_ask, edge_vertex, asks[edge_group])
    total = np.zeros(n_vertices, dtype=np.int64)
    np.add.at(total, edge_vertex, counts[edge_group])
    per_row = allocations_fit(rows.free, min_ask[row_vertex], total[row_vertex])
    return np.bincount(row_vertex, weights=per_row * rows.sizes, minlength=n_vertices)


def _new_graph(resolution: str, rows: _Rows, groups: list[_Group]) -> nx.Graph:
    G = nx.Graph(resolution=resolution, node_groups=rows.node_group is not None)
    G.add_nodes_from((g.vertex, g.attrs) for g in groups)
    return G


def group_class_graph(
    table: NodeTable,
    feasibilities: Iterable[JobFeasibility],
    node_groups: Sequence[str] | None = None,
) -> nx.Graph:
    """Task groups × computed node classes; edge weight = feasible nodes of the class.

    ``node_groups[i]`` names node i's scenario node group; edges then carry
    ``node_groups`` = feasible nodes per node group, and classes the node groups present.

    >>> from sim.graph.examples import hashistack_graph
    >>> G = hashistack_graph(linux=2, windows=1)
    >>> edges = G.edges(("group", "web/app"), data="weight")
    >>> [(G.nodes[c]["node_class"], weight) for _, c, weight in edges]
    [('hashistack-linux', 2)]
    """
    rows = _rows(table, node_groups)
    groups = _groups(feasibilities, rows)
    n_classes = table.class_count
    sizes = rows.sizes
    edge_group, edge_class, edge_weight, edge_fit, edge_ng = [], [], [], [], []
    in_order = _RowsInOrder(rows.codes)
    for gi, g in enumerate(groups):
        gf = g.feasibility
        if gf.feasible_classes is not None:
            # Every candidate of a feasible class is feasible: count candidates per row.
            row_count = in_order.counts(gf.order, len(sizes)) * gf.feasible_classes[rows.klass]
        else:
            passed = gf.verdicts == PASS
            row_count = np.bincount(in_order(gf.order), weights=passed, minlength=len(sizes))
        weight = np.bincount(rows.klass, weights=row_count, minlength=n_classes)
        fit = np.bincount(rows.klass, weights=row_count * g.row_fit, minlength=n_classes)
        hit = np.flatnonzero(weight)
        edge_group.append(np.full(len(hit), gi))
        edge_class.append(hit)
        edge_weight.append(weight[hit].astype(np.int64))
        edge_fit.append(fit[hit].astype(np.int64))
        if rows.node_group is not None:
            edge_ng.append(_by_node_group(rows, row_count, hit))
    G = _new_graph(CLASS, rows, groups)
    _add_class_vertices(G, table, rows)
    if not groups:
        return G
    eg, ec = np.concatenate(edge_group), np.concatenate(edge_class)
    slots = _joint_slots(rows, rows.klass, n_classes, ec, eg, groups)
    for code in range(n_classes):
        G.nodes[(CLASS, code)]["slots"] = int(slots[code])
    vertices = [g.vertex for g in groups]
    columns = (
        eg.tolist(),
        ec.tolist(),
        np.concatenate(edge_weight).tolist(),
        np.concatenate(edge_fit).tolist(),
    )
    G.add_edges_from(
        (vertices[gi], (CLASS, c), {"weight": w, "fit": f})
        for gi, c, w, f in zip(*columns, strict=True)
    )
    if edge_ng:
        per_ng = (d for chunk in edge_ng for d in chunk)
        for gi, c, counts in zip(columns[0], columns[1], per_ng, strict=True):
            G.edges[vertices[gi], (CLASS, c)]["node_groups"] = counts
    representatives = table.class_representatives
    _mark_start_risks(G, table, groups, lambda v: table.nodes[int(representatives[v[1]])])
    return G


def _by_node_group(rows: _Rows, row_count: np.ndarray, classes: np.ndarray) -> list[dict]:
    """For each class in ``classes``, the group's feasible nodes per scenario node group."""
    out: list[dict[str, int]] = [{} for _ in classes]
    where = {int(c): k for k, c in enumerate(classes)}
    for r in np.flatnonzero(row_count).tolist():
        entry = out[where[int(rows.klass[r])]]
        name = rows.node_group_names[int(rows.node_group[r])]  # type: ignore[index]
        entry[name] = entry.get(name, 0) + int(row_count[r])
    return out


def _add_class_vertices(G: nx.Graph, table: NodeTable, rows: _Rows) -> None:
    n_classes = table.class_count
    counts = np.bincount(rows.klass, weights=rows.sizes, minlength=n_classes).astype(int)
    free = [
        np.bincount(rows.klass, weights=rows.free[:, d] * rows.sizes, minlength=n_classes)
        for d in range(3)
    ]
    present: list[dict[str, int]] = [{} for _ in range(n_classes)]
    if rows.node_group is not None:
        pairs = zip(rows.klass.tolist(), rows.node_group.tolist(), rows.sizes.tolist(), strict=True)
        for c, ng, size in pairs:
            name = rows.node_group_names[ng]
            present[c][name] = present[c].get(name, 0) + size
    labels = table_class_labels(table)
    for code, first in enumerate(table.class_representatives.tolist()):
        attrs = _node_attrs(table.nodes[first], code, labels)
        G.add_node(
            (CLASS, code),
            bipartite=1,
            kind=CLASS,
            label=labels[code],
            nodes=int(counts[code]),
            free_cpu=int(free[0][code]),
            free_memory_mb=int(free[1][code]),
            free_disk_mb=int(free[2][code]),
            node_groups=present[code],
            slots=0,
            **attrs,
        )


def group_node_graph(
    table: NodeTable,
    feasibilities: Iterable[JobFeasibility],
    node_groups: Sequence[str] | None = None,
) -> nx.Graph:
    """Task groups × nodes: an edge for every node the feasibility engine accepts.

    >>> from sim.graph.examples import hashistack_graph
    >>> G = hashistack_graph(linux=2, windows=1, resolution="node")
    >>> sorted(v for _, v in G.edges(("group", "web/app")))
    [('node', 0), ('node', 1)]
    """
    rows = _rows(table, node_groups)
    groups = _groups(feasibilities, rows)
    G = _new_graph(NODE, rows, groups)
    labels = table_class_labels(table)
    for i, node in enumerate(table.nodes):
        attrs = _node_attrs(node, int(table.class_codes[i]), labels)
        free = rows.free[rows.codes[i]]
        G.add_node(
            (NODE, i),
            bipartite=1,
            kind=NODE,
            label=node.name or node.id or str(i),
            free_cpu=int(free[0]),
            free_memory_mb=int(free[1]),
            free_disk_mb=int(free[2]),
            node_group="" if node_groups is None else node_groups[i],
            slots=0,
            **attrs,
        )
    edge_group, edge_node = [], []
    for gi, g in enumerate(groups):
        feasible = np.sort(g.feasibility.feasible)
        fits = g.row_fit[rows.codes[feasible]]
        G.add_edges_from(
            (g.vertex, (NODE, i), {"weight": 1, "fit": f})
            for i, f in zip(feasible.tolist(), fits.tolist(), strict=True)
        )
        edge_group.append(np.full(len(feasible), gi))
        edge_node.append(feasible)
    if groups:
        node_rows = _Rows(np.arange(table.n), rows.free[rows.codes], np.arange(table.n), None, [])
        slots = _joint_slots(
            node_rows,
            np.arange(table.n),
            table.n,
            np.concatenate(edge_node),
            np.concatenate(edge_group),
            groups,
        )
        for i in range(table.n):
            G.nodes[(NODE, i)]["slots"] = int(slots[i])
    _mark_start_risks(G, table, groups, lambda v: table.nodes[v[1]])
    return G
