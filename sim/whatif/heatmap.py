"""A sweep drawn as a heatmap: groups that place and can start, per grid point."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from .sweep import SweepPoint


def plot_sweep(points: list[SweepPoint], grid: list[tuple[str, list]], path: Path) -> Path:
    """Rows = first grid variable, columns = second (or one column); written atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows_name, rows = grid[0]
    cols_name, cols = grid[1] if len(grid) > 1 else ("", [""])
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
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", suffix=path.suffix)
    os.close(fd)
    try:
        fig.savefig(tmp, format=path.suffix.lstrip(".") or "png", dpi=120)
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
