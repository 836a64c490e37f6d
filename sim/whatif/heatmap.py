"""A sweep drawn as a heatmap: groups that place and can start, per grid point."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from textwrap import fill
from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..core.figures import pyplot, save_figure
from .sweep import SweepPoint

_MIN_WIDTH = 5.6  # inches: the title and a caption line fit at their font sizes
_CAPTION_CHARS = 90


def plot_sweep(
    points: list[SweepPoint],
    grid: Sequence[tuple[str, Sequence[int | str]]],
    path: Path,
    note: str = "",
) -> Path:
    """:func:`sweep_figure` written atomically to ``path`` (PNG or SVG)."""
    return save_figure(sweep_figure(points, grid, note), path)


def sweep_figure(
    points: list[SweepPoint], grid: Sequence[tuple[str, Sequence[int | str]]], note: str = ""
) -> Any:
    """Rows = first grid variable, columns = second (or one column).

    ``note`` is a caption under the plot (what the result rests on: one shuffle seed). The
    figure is never narrower than its title and caption, however few columns it has.
    """
    plt = pyplot()
    rows_name, rows = grid[0]
    no_columns: tuple[str, Sequence[int | str]] = ("", [""])
    cols_name, cols = grid[1] if len(grid) > 1 else no_columns
    values = np.zeros((len(rows), len(cols)))
    total = points[0].groups_total if points else 0
    for point in points:
        r = rows.index(point.values[rows_name])
        c = cols.index(point.values[cols_name]) if cols_name else 0
        values[r, c] = point.groups_ok
    fig, ax = plt.subplots(
        figsize=(max(_MIN_WIDTH, 1.2 + 1.1 * len(cols)), 1.4 + 0.6 * len(rows)),
        layout="constrained",
    )
    image = ax.imshow(values, cmap="RdYlGn", vmin=0, vmax=max(total, 1), aspect="auto")
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{int(v)}/{total}", ha="center", va="center", fontsize=9)
    shown_cols = cols if cols_name else []
    ax.set_xticks(range(len(shown_cols)), [str(c) for c in shown_cols])
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.set_xlabel(cols_name)
    ax.set_ylabel(rows_name)
    ax.set_title("task groups placed and able to start")
    fig.colorbar(image, ax=ax, shrink=0.8, ticks=MaxNLocator(integer=True))
    if note:
        fig.supxlabel(fill(note, _CAPTION_CHARS), fontsize=8, color="#555555")
    return fig
