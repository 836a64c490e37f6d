"""A readable picture of the graph: task groups left, node classes (or nodes) right.

Edge width grows with the number of feasible nodes behind the edge; groups with no
feasible node are drawn in red. A bare ``Figure`` renders through Agg without pyplot, so
no display is needed and a notebook's chosen backend is left alone.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from .analyses import unplaceable_groups

_ROW_INCHES = 0.38
_RED, _INK, _EDGE = "#c0392b", "#222222", "#5b7db1"


def _positions(vertices: list, x: float) -> dict:
    """Evenly spaced from top (y = 1) to bottom (y = 0); a lone vertex sits mid-height."""
    n = len(vertices)
    return {v: (x, 1 - (i + 0.5) / n) for i, v in enumerate(vertices)}


def draw_graph(G: nx.Graph) -> Figure:
    """A figure of ``G``; its height grows with the longer side so labels never overlap.

    >>> from sim.graph.examples import hashistack_graph
    >>> fig = draw_graph(hashistack_graph())
    >>> [t.get_text() for t in fig.axes[0].texts][:2]
    ['web/app ×2', 'grafana/app ×1']
    """
    left = [v for v, side in G.nodes(data="bipartite") if side == 0]
    right = [v for v, side in G.nodes(data="bipartite") if side == 1]
    pos = _positions(left, 0.0) | _positions(right, 1.0)
    unplaceable = unplaceable_groups(G)
    rows = max(len(left), len(right), 3)
    fig = Figure(figsize=(11, 1.2 + _ROW_INCHES * rows))
    ax = fig.add_axes((0.3, 0.02, 0.4, 0.9))
    ax.set_axis_off()
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(0, 1)
    widest = max((w for _, _, w in G.edges(data="weight")), default=1)
    edges = list(G.edges(data="weight"))
    ax.add_collection(
        LineCollection(
            [(pos[u], pos[v]) for u, v, _ in edges],
            linewidths=[0.6 + 5.4 * w / widest for *_, w in edges],
            colors=_EDGE,
            alpha=0.6,
        )
    )
    for v in left:
        d, color = G.nodes[v], _RED if v in unplaceable else _INK
        ax.plot(*pos[v], "s", color=color, markersize=7)
        ax.text(
            pos[v][0] - 0.03,
            pos[v][1],
            f"{d['name']} ×{d['count']}",
            color=color,
            ha="right",
            va="center",
            fontsize=9,
        )
    for v in right:
        d = G.nodes[v]
        ax.plot(*pos[v], "o", color=_INK, markersize=7)
        size = f" ({d['nodes']} nodes)" if "nodes" in d else ""
        ax.text(
            pos[v][0] + 0.03,
            pos[v][1],
            f"{d['label']}{size}",
            color=_INK,
            ha="left",
            va="center",
            fontsize=9,
        )
    side = "node classes" if G.graph.get("resolution") == "class" else "nodes"
    fig.suptitle(
        f"task groups × {side}  (edge width: feasible nodes; red: unplaceable)", fontsize=10
    )
    return fig


def save_drawing(G: nx.Graph, path: str | Path, fmt: str = "png") -> None:
    """Render :func:`draw_graph` to a PNG or SVG file."""
    draw_graph(G).savefig(path, format=fmt, dpi=120)
