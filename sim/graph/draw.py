"""A readable picture of the graph: task groups left, node classes (or nodes, or groups of
them) right.

Edge width grows with the number of feasible nodes behind the edge; the part of an edge
whose nodes would take placements that cannot start (Bug #17) is drawn in orange, dashed,
with a legend; groups with no feasible node are drawn in red. The canvas is sized to its
content (rows, label lengths) and never exceeds 3,000 px on a side: a graph with many
right-hand vertices is merged first (:func:`sim.graph.aggregate.readable`), and the footnote
says what was merged. A bare ``Figure`` renders through Agg without pyplot, so no display is
needed and a notebook's chosen backend is left alone.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import fill

import msgspec
import networkx as nx
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .analyses import unplaceable_groups
from .export import RISK_COLOR

DPI = 120
MAX_SIDE_PX = 3000
_MAX_INCHES = MAX_SIDE_PX / DPI
_FONT, _MIN_FONT = 9.0, 6.0
_ROW_PER_POINT = 1 / 28  # inches of row per point of font: a 9 pt label gets a 0.32 in row
_CHAR_PER_POINT = 0.0078  # inches per character per point (DejaVu Sans, average)
_MAX_LABEL_CHARS = 64
_FOOTNOTE_FONT = 8.0
_FOOTNOTE_LINE = 0.16  # inches per extra footnote line
_TOP, _BOTTOM = 0.55, 0.75  # inches: the title; the legend and the footnote
_MIDDLE = 3.6  # inches between the two columns of vertices
_PAD = 0.35  # inches beside each column of labels
_RED, _INK, _EDGE = "#c0392b", "#222222", "#5b7db1"


def _positions(vertices: list, x: float) -> dict:
    """Evenly spaced from top (y = 1) to bottom (y = 0); a lone vertex sits mid-height."""
    n = len(vertices)
    return {v: (x, 1 - (i + 0.5) / n) for i, v in enumerate(vertices)}


def _legend(fig: Figure, fontsize: float, y: float) -> None:
    handles = [
        Line2D([], [], color=_EDGE, lw=2, label="feasible"),
        Line2D([], [], color=RISK_COLOR, lw=2, ls="--", label="feasible, placements cannot start"),
        Line2D([], [], color=_RED, marker="s", lw=0, label="unplaceable group"),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, y),
        ncol=3,
        fontsize=fontsize,
        frameon=False,
    )


def _short(text: str) -> str:
    return text if len(text) <= _MAX_LABEL_CHARS else text[: _MAX_LABEL_CHARS - 1] + "…"


def _left_label(d: dict) -> str:
    return _short(f"{d['name']} ×{d.get('allocations', d['count'])}")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}{'es' if noun.endswith('s') else 's'}"


def _right_label(d: dict) -> str:
    if "classes" in d:  # a merged vertex (sim.graph.aggregate)
        nodes, classes = _count(d["nodes"], "node"), _count(d["classes"], "class")
        return _short(f"{d['label']} ({nodes}, {classes})")
    size = f" ({_count(d['nodes'], 'node')})" if "nodes" in d else ""
    return _short(f"{d['label']}{size}")


class _Layout(msgspec.Struct, frozen=True):
    """Canvas size (inches) and where the drawing sits in it, from what is drawn."""

    width: float
    height: float
    fontsize: float
    left_inches: float
    right_inches: float
    bottom: float
    footnote: str

    @classmethod
    def of(cls, rows: int, left_chars: int, right_chars: int, footnote: str) -> _Layout:
        char = _CHAR_PER_POINT * _FOOTNOTE_FONT
        width = 6.0
        for _ in range(2):  # the footnote's lines need the width, the fonts need the lines
            lines = fill(footnote, max(int((width - 2 * _PAD) / char), 40))
            bottom = _BOTTOM + _FOOTNOTE_LINE * lines.count("\n")
            room = _MAX_INCHES - _TOP - bottom
            fontsize = max(_MIN_FONT, min(_FONT, room / (rows * _ROW_PER_POINT)))
            left = left_chars * _CHAR_PER_POINT * fontsize + _PAD
            right = right_chars * _CHAR_PER_POINT * fontsize + _PAD
            width = min(max(left + _MIDDLE + right, 6.0), _MAX_INCHES)
        height = min(_TOP + bottom + rows * fontsize * _ROW_PER_POINT, _MAX_INCHES)
        return cls(width, height, fontsize, left, right, bottom, lines)

    def axes_box(self) -> tuple[float, float, float, float]:
        x0 = self.left_inches / self.width
        x1 = 1 - self.right_inches / self.width
        y0 = self.bottom / self.height
        return (x0, y0, max(x1 - x0, 0.05), 1 - _TOP / self.height - y0)


def _edge_parts(G: nx.Graph) -> tuple[list, list]:
    """(u, v, nodes) that can start and (u, v, nodes) whose placements cannot start: a merged
    edge may carry both (``cannot_start_nodes`` of its ``weight``)."""
    safe, risky = [], []
    for u, v, d in G.edges(data=True):
        weight = d["weight"]
        bad = d.get("cannot_start_nodes", weight if d.get("cannot_start") else 0)
        if weight - bad > 0:
            safe.append((u, v, weight - bad))
        if bad > 0:
            risky.append((u, v, bad))
    return safe, risky


def _footnote(G: nx.Graph) -> str:
    merged = G.graph.get("aggregation")
    width = "edge width: feasible nodes"
    return f"aggregated: {merged}; {width}" if merged else width


def draw_graph(G: nx.Graph) -> Figure:
    """A figure of ``G`` sized to its rows and labels, at most 3,000 px on each side.

    >>> from sim.graph.examples import hashistack_graph
    >>> fig = draw_graph(hashistack_graph())
    >>> [t.get_text() for t in fig.axes[0].texts][:2]
    ['web/app ×2', 'grafana/app ×1']
    """
    left = [v for v, side in G.nodes(data="bipartite") if side == 0]
    right = [v for v, side in G.nodes(data="bipartite") if side == 1]
    left_text = {v: _left_label(G.nodes[v]) for v in left}
    right_text = {v: _right_label(G.nodes[v]) for v in right}
    layout = _Layout.of(
        max(len(left), len(right), 3),
        max(map(len, left_text.values()), default=0),
        max(map(len, right_text.values()), default=0),
        _footnote(G),
    )
    pos = _positions(left, 0.0) | _positions(right, 1.0)
    unplaceable = unplaceable_groups(G)
    fig = Figure(figsize=(layout.width, layout.height))
    ax = fig.add_axes(layout.axes_box())
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    safe, risky = _edge_parts(G)
    widest = max((w for *_, w in (*safe, *risky)), default=1)
    for chosen, is_risky in ((safe, False), (risky, True)):
        ax.add_collection(
            LineCollection(
                [(pos[u], pos[v]) for u, v, _ in chosen],
                linewidths=[0.6 + 5.4 * w / widest for *_, w in chosen],
                colors=RISK_COLOR if is_risky else _EDGE,
                linestyles="dashed" if is_risky else "solid",
                alpha=1.0 if is_risky else 0.6,
                zorder=3 if is_risky else 2,
            )
        )
    size, marker = layout.fontsize, layout.fontsize * 0.75
    gap = 0.12 / (layout.width * ax.get_position().width)  # 0.12 in, in axes units
    for v in left:
        color = _RED if v in unplaceable else _INK
        ax.plot(*pos[v], "s", color=color, markersize=marker, clip_on=False, zorder=4)
        x, y = pos[v]
        ax.text(x - gap, y, left_text[v], color=color, ha="right", va="center", fontsize=size)
    for v in right:
        ax.plot(*pos[v], "o", color=_INK, markersize=marker, clip_on=False, zorder=4)
        x, y = pos[v]
        ax.text(x + gap, y, right_text[v], color=_INK, ha="left", va="center", fontsize=size)
    _legend(fig, min(size, 8), (layout.bottom - 0.43) / layout.height)
    fig.text(
        0.5,
        0.1 / layout.height,
        layout.footnote,
        ha="center",
        va="bottom",
        fontsize=_FOOTNOTE_FONT,
        linespacing=1.3,
    )
    side = "node classes" if G.graph.get("resolution") == "class" else "nodes"
    if G.graph.get("aggregation"):
        side = f"{side}, aggregated"
    fig.suptitle(f"task groups × {side}", fontsize=10, y=1 - 0.12 / layout.height, va="top")
    return fig


def save_drawing(G: nx.Graph, path: str | Path, fmt: str = "png") -> None:
    """Render :func:`draw_graph` to a PNG or SVG file."""
    draw_graph(G).savefig(path, format=fmt, dpi=DPI)
