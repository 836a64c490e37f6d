"""The report's pictures as ``data:`` URIs, so the page needs no file beside it.

The figures are the ones the CLI writes (``graph --output x.svg``, ``sweep --plot``,
``resilience --plot``, ``headroom --plot``): the same drawing functions, written to a
temporary SVG and read back. SVG with text left as text (``svg.fonttype: none``) is a
quarter of the time and a sixth of the bytes of the PNG of a large graph, prints sharp, and
shows names in the reader's fonts. Inside an ``<img>`` an SVG runs no script and cannot
reach the page.
"""

from __future__ import annotations

import base64
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx

from ..planning import HeadroomRow, ResilienceReport
from ..planning.plots import plot_headroom, plot_resilience
from ..whatif import SweepPoint
from ..whatif.heatmap import plot_sweep

MAX_DRAWN_CLASSES = 40
"""Node classes drawn in the graph picture; a larger graph keeps the classes with the most
feasible nodes behind their edges (the tables list every class)."""


def _svg_uri(write: Callable[[Path], object]) -> str:
    import matplotlib  # loaded only when a page is drawn

    with (
        tempfile.TemporaryDirectory(prefix="nomad-sim-report-") as folder,
        warnings.catch_warnings(),
        matplotlib.rc_context({"svg.fonttype": "none"}),
    ):
        # A crowded figure is still worth showing: layout warnings are not the reader's concern.
        warnings.filterwarnings("ignore", "Tight layout not applied", UserWarning)
        # Names in scripts the font lacks: the browser draws the text with its own fonts.
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        path = Path(folder) / "figure.svg"
        write(path)
        data = path.read_bytes()
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def drawn_graph(G: nx.Graph) -> tuple[nx.Graph, int]:
    """The graph to draw and how many node classes it leaves out: every task group, and the
    ``MAX_DRAWN_CLASSES`` classes with the most feasible nodes (unconnected ones last)."""
    classes = [v for v, side in G.nodes(data="bipartite") if side == 1]
    if len(classes) <= MAX_DRAWN_CLASSES:
        return G, 0
    weight = dict(G.degree(classes, weight="weight"))
    chosen = set(sorted(classes, key=lambda v: -weight[v])[:MAX_DRAWN_CLASSES])
    groups = [v for v, side in G.nodes(data="bipartite") if side == 0]
    # Keep the original top-to-bottom order of the vertices (the drawing reads it).
    order = groups + [v for v in classes if v in chosen]
    drawn = nx.Graph(**G.graph)
    drawn.add_nodes_from((v, G.nodes[v]) for v in order)
    drawn.add_edges_from(G.subgraph(order).edges(data=True))
    return drawn, len(classes) - len(chosen)


def graph_picture(G: nx.Graph) -> str:
    from ..graph.draw import save_drawing  # matplotlib, only when a page is drawn

    return _svg_uri(lambda path: save_drawing(G, path, "svg"))


def sweep_picture(points: list[SweepPoint], grid: Sequence[tuple[str, Sequence[int | str]]]) -> str:
    return _svg_uri(lambda path: plot_sweep(points, grid, path))


def resilience_picture(report: ResilienceReport) -> str:
    return _svg_uri(lambda path: plot_resilience(report, path))


def headroom_picture(rows: list[HeadroomRow]) -> str:
    return _svg_uri(lambda path: plot_headroom(rows, path))
