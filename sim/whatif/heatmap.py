"""A sweep drawn as a heatmap: groups that place and can start, per grid point."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..core.figures import pyplot, save_figure
from .sweep import SweepPoint


def plot_sweep(
    points: list[SweepPoint], grid: Sequence[tuple[str, Sequence[int | str]]], path: Path
) -> Path:
    """Rows = first grid variable, columns = second (or one column); written atomically."""
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
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(cols), 1.0 + 0.6 * len(rows)))
    image = ax.imshow(values, cmap="RdYlGn", vmin=0, vmax=max(total, 1), aspect="auto")
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{int(v)}/{total}", ha="center", va="center", fontsize=9)
    ax.set_xticks(range(len(cols)), [str(c) for c in cols])
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.set_xlabel(cols_name)
    ax.set_ylabel(rows_name)
    ax.set_title("task groups placed and able to start")
    fig.colorbar(image, ax=ax, shrink=0.8)
    fig.tight_layout()
    return save_figure(fig, path)
