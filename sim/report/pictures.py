"""The report's pictures as ``data:`` URIs, so the page needs no file beside it.

The figures are the ones the CLI writes (``graph --output x.png``, ``sweep --plot``,
``resilience --plot``, ``headroom --plot``): the same drawing functions, written to a
temporary PNG and read back.
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


GRAPH_DPI = 120  # as ``graph --output x.png`` writes it
TALL_INCHES = 8.0


def _png_uri(write: Callable[[Path], object]) -> str:
    with (
        tempfile.TemporaryDirectory(prefix="nomad-sim-report-") as folder,
        warnings.catch_warnings(),
    ):
        # A crowded figure is still worth showing: layout warnings are not the reader's concern.
        warnings.filterwarnings("ignore", "Tight layout not applied", UserWarning)
        # Names in scripts the font lacks are drawn as boxes; the tables show them whole.
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        path = Path(folder) / "figure.png"
        write(path)
        data = path.read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def drawn_graph(G: nx.Graph) -> tuple[nx.Graph, int]:
    """The graph to draw and how many node classes it leaves out: every task group, and the
    ``MAX_DRAWN_CLASSES`` classes with the most feasible nodes (unconnected ones last)."""
    classes = [v for v, side in G.nodes(data="bipartite") if side == 1]
    if len(classes) <= MAX_DRAWN_CLASSES:
        return G, 0
    weight = dict(G.degree(classes, weight="weight"))
    kept = sorted(classes, key=lambda v: -weight[v])[:MAX_DRAWN_CLASSES]
    groups = [v for v, side in G.nodes(data="bipartite") if side == 0]
    chosen = set(kept)
    order = groups + [v for v in classes if v in chosen]
    sub = nx.Graph(G.subgraph(order))
    # Keep the left-to-right vertex order of the original (the drawing reads it).
    drawn = nx.Graph(**G.graph)
    drawn.add_nodes_from((v, sub.nodes[v]) for v in order)
    drawn.add_edges_from(sub.edges(data=True))
    return drawn, len(classes) - len(kept)


def graph_picture(G: nx.Graph) -> str:
    """``graph --output x.png``'s drawing; a tall one (many groups or classes) at a lower
    resolution, so its PNG stays a few hundred kilobytes."""
    from ..graph.draw import draw_graph  # matplotlib, only when a page is drawn

    figure = draw_graph(G)
    height = figure.get_size_inches()[1]
    dpi = GRAPH_DPI if height <= TALL_INCHES else max(60, int(GRAPH_DPI * TALL_INCHES / height))
    return _png_uri(lambda path: figure.savefig(path, format="png", dpi=dpi))


def sweep_picture(points: list[SweepPoint], grid: Sequence[tuple[str, Sequence[int | str]]]) -> str:
    return _png_uri(lambda path: plot_sweep(points, grid, path))


def resilience_picture(report: ResilienceReport) -> str:
    return _png_uri(lambda path: plot_resilience(report, path))


def headroom_picture(rows: list[HeadroomRow]) -> str:
    return _png_uri(lambda path: plot_headroom(rows, path))
