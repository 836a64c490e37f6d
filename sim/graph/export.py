"""Write the graph in conventional formats: GraphML, node-link JSON, DOT, PNG and SVG.

Outputs are written whole or not at all: each format renders into a temporary file
beside the target, which then replaces it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from ..core.outfile import write_whole
from .analyses import unplaceable_groups

FORMATS = ("graphml", "json", "dot", "png", "svg")
# Edges where the group's placements cannot start (Bug #17); draw.py uses the same colour.
RISK_COLOR = "#e67e22"


def vertex_id(v: tuple) -> str:
    """``("group", "web/app")`` → ``"group:web/app"``: a string id every format accepts."""
    return f"{v[0]}:{v[1]}"


def _scalar(value: Any) -> str | int | float | bool:
    """GraphML holds str/int/float/bool only: maps and lists become sorted JSON text."""
    if isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def with_string_ids(G: nx.Graph, flat: bool = False) -> nx.Graph:
    """A copy with ``"kind:value"`` vertex ids; ``flat`` also makes every attribute scalar.

    >>> from sim.graph.examples import hashistack_graph
    >>> H = with_string_ids(hashistack_graph(), flat=True)
    >>> H.nodes["class:0"]["node_groups"]
    '{"linux": 2}'
    """
    conv = _scalar if flat else (lambda value: value)
    H = nx.Graph(**{k: conv(v) for k, v in G.graph.items()})
    H.add_nodes_from(
        (vertex_id(v), {k: conv(x) for k, x in d.items()}) for v, d in G.nodes(data=True)
    )
    H.add_edges_from(
        (vertex_id(u), vertex_id(v), {k: conv(x) for k, x in d.items()})
        for u, v, d in G.edges(data=True)
    )
    return H


def _quote(text: object) -> str:
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(G: nx.Graph) -> str:
    """Graphviz DOT text: groups left, classes or nodes right, pen width by feasible nodes.

    >>> from sim.graph.examples import hashistack_graph
    >>> print(to_dot(hashistack_graph()).splitlines()[0])
    graph "nomad-sim" {
    """
    unplaceable = unplaceable_groups(G)
    widest = max((w for _, _, w in G.edges(data="weight")), default=1)
    lines = ['graph "nomad-sim" {', "  rankdir=LR;", '  node [fontname="Helvetica"];']
    if G.graph.get("aggregation"):  # say what was merged, as the drawing's footnote does
        lines.append(f"  label={_quote('aggregated: ' + G.graph['aggregation'])}; labelloc=b;")
    for side in (0, 1):
        lines.append("  { rank=same;")
        for v, d in G.nodes(data=True):
            if d["bipartite"] != side:
                continue
            if side == 0:
                label = f"{d['name']}\ncount {d.get('allocations', d['count'])}"
                style = (
                    'shape=box, color="red", fontcolor="red"' if v in unplaceable else ("shape=box")
                )
            else:
                label = f"{d['label']}\n{d.get('nodes', 1)} nodes"
                style = "shape=ellipse"
            lines.append(f"    {_quote(vertex_id(v))} [label={_quote(label)}, {style}];")
        lines.append("  }")
    for u, v, d in G.edges(data=True):
        a, b = (u, v) if G.nodes[u]["bipartite"] == 0 else (v, u)
        w = d["weight"]
        pen = 1 + 4 * w / widest
        risk = (
            f', color="{RISK_COLOR}", style=dashed, class="cannot_start", '
            f"tooltip={_quote(d['start_problem'])}"
            if d.get("cannot_start")
            else ""
        )
        lines.append(
            f"  {_quote(vertex_id(a))} -- {_quote(vertex_id(b))} "
            f'[label="{w}", penwidth={pen:.2f}{risk}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _write_graphml(G: nx.Graph, path: Path, _fmt: str) -> None:
    nx.write_graphml(with_string_ids(G, flat=True), path)


def _write_json(G: nx.Graph, path: Path, _fmt: str) -> None:
    data = nx.node_link_data(with_string_ids(G), edges="edges")
    path.write_text(json.dumps(data, indent=1, sort_keys=True, default=str) + "\n")


def _write_dot(G: nx.Graph, path: Path, _fmt: str) -> None:
    path.write_text(to_dot(G))


def _write_image(G: nx.Graph, path: Path, fmt: str) -> None:
    from .draw import save_drawing

    save_drawing(G, path, fmt)


_WRITERS: dict[str, Callable[[nx.Graph, Path, str], None]] = {
    "graphml": _write_graphml,
    "json": _write_json,
    "dot": _write_dot,
    "png": _write_image,
    "svg": _write_image,
}


def export_graph(G: nx.Graph, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``G`` to ``path`` as graphml, json (node-link), dot, png or svg.

    ``fmt`` defaults to the file suffix. The file appears complete or not at all.

    >>> import tempfile, pathlib
    >>> from sim.graph.examples import hashistack_graph
    >>> out = export_graph(hashistack_graph(), pathlib.Path(tempfile.mkdtemp()) / "g.dot")
    >>> out.read_text().startswith('graph "nomad-sim"')
    True
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in _WRITERS:
        raise ValueError(f"unknown graph format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return write_whole(path, lambda tmp: _WRITERS[fmt](G, tmp, fmt), suffix=f".{fmt}")
