"""A readable picture of the graph: task groups left, node classes (or nodes) right.

Edge width grows with the number of feasible nodes behind the edge; edges to nodes where the
group's placements cannot start (Bug #17) are drawn in orange, dashed, with a legend; groups
with no feasible node are drawn in red. A bare ``Figure`` renders through Agg without pyplot, so
no display is needed and a notebook's chosen backend is left alone.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .analyses import unplaceable_groups
from .export import RISK_COLOR

_ROW_INCHES = 0.38
_RED, _INK, _EDGE = "#c0392b", "#222222", "#5b7db1"


def _positions(vertices: list, x: float) -> dict:
    """Evenly spaced from top (y = 1) to bottom (y = 0); a lone vertex sits mid-height."""
    n = len(vertices)
    return {v: (x, 1 - (i + 0.5) / n) for i, v in enumerate(vertices)}


def _legend(fig: Figure) -> None:
    handles = [
        Line2D([], [], color=_EDGE, lw=2, label="feasible"),
        Line2D([], [], color=RISK_COLOR, lw=2, ls="--", label="feasible, placements cannot start"),
        Line2D([], [], color=_RED, marker="s", lw=0, label="unplaceable group"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)


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
    edges = list(G.edges(data=True))
    for risky in (False, True):
        chosen = [(u, v, d) for u, v, d in edges if bool(d.get("cannot_start")) is risky]
        ax.add_collection(
            LineCollection(
                [(pos[u], pos[v]) for u, v, _ in chosen],
                linewidths=[0.6 + 5.4 * d["weight"] / widest for *_, d in chosen],
                colors=RISK_COLOR if risky else _EDGE,
                linestyles="dashed" if risky else "solid",
                alpha=0.9 if risky else 0.6,
            )
        )
    _legend(fig)
    for v in left:
        d, color = G.nodes[v], _RED if v in unplaceable else _INK
        ax.plot(*pos[v], "s", color=color, markersize=7)
        ax.text(
            pos[v][0] - 0.03,
            pos[v][1],
            f"{d['name']} ×{d.get('allocations', d['count'])}",
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
    fig.suptitle(f"task groups × {side}  (edge width: feasible nodes)", fontsize=10)
    return fig


def save_drawing(G: nx.Graph, path: str | Path, fmt: str = "png") -> None:
    """Render :func:`draw_graph` to a PNG or SVG file."""
    draw_graph(G).savefig(path, format=fmt, dpi=120)
