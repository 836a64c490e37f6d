"""Pictures of the answers: the resilience heatmap and the headroom bar chart.

matplotlib is imported inside the functions, so importing :mod:`sim.planning` does not.
Files are written whole or not at all (``sim.core.outfile.write_whole``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..core.figures import pyplot, save_figure
from .headroom import DIMENSIONS, HeadroomRow
from .resilience import ResilienceReport

MAX_ROWS, MAX_COLUMNS = 60, 40  # a readable heatmap; the rest is in the table and JSON


def _worst(unplaced: np.ndarray, lost: np.ndarray, axis: int, keep: int) -> np.ndarray:
    """Indices along ``axis`` with the most unplaced, then lost, allocations (at most
    ``keep``), in their original order."""
    other = 1 - axis
    key = np.lexsort((-lost.sum(axis=other), -unplaced.sum(axis=other)))
    return np.sort(key[:keep])


def plot_resilience(report: ResilienceReport, path: Path) -> Path:
    """Heatmap: one row per lost domain value (or pair), one column per group that loses an
    allocation somewhere; colour = allocations that cannot be replaced, text = unplaced/lost.

    Large reports show the cases and groups that lose most (the title says how many)."""
    plt = pyplot()
    labels, groups, unplaced, lost = report.matrix()
    title = f"N-{report.lose} over {report.domain}: " + (
        "survives" if report.survives else f"fails in {len(report.failing)} case(s)"
    )
    rows = _worst(unplaced, lost, 0, MAX_ROWS) if groups else np.arange(len(labels))
    columns = _worst(unplaced, lost, 1, MAX_COLUMNS) if groups else np.arange(0)
    if len(rows) < len(labels) or len(columns) < len(groups):
        title += f"\n(the {len(rows)} of {len(labels)} cases and {len(columns)} of "
        title += f"{len(groups)} groups that lose most)"
    labels = [labels[i] for i in rows.tolist()]
    if groups:
        groups = [groups[j] for j in columns.tolist()]
        unplaced, lost = unplaced[np.ix_(rows, columns)], lost[np.ix_(rows, columns)]
    else:
        groups, unplaced = ["(no allocation lost)"], np.zeros((len(labels), 1))
    fig, ax = plt.subplots(figsize=(2.5 + 0.9 * len(groups), 1.6 + 0.3 * max(len(labels), 1)))
    top = max(int(unplaced.max(initial=0)), 1)
    image = ax.imshow(unplaced, cmap="Reds", vmin=0, vmax=top, aspect="auto")
    if lost.size:
        for (r, c), value in np.ndenumerate(unplaced):
            if lost[r, c]:
                ax.text(
                    c, r, f"{int(value)}/{int(lost[r, c])}", ha="center", va="center", fontsize=8
                )
    ax.set_xticks(range(len(groups)), groups, rotation=40, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("task group")
    ax.set_ylabel(f"lost {report.domain}")
    ax.set_title(title + "\n(unplaced / lost allocations)")
    fig.colorbar(image, ax=ax, shrink=0.8, label="allocations not replaced")
    fig.tight_layout()
    return save_figure(fig, path)


def plot_headroom(rows: list[HeadroomRow], path: Path) -> Path:
    """Grouped bars: per datacenter / pool / class, the share of each dimension allocated,
    with the largest single-node free share marked."""
    plt = pyplot()
    dims = [d for d in DIMENSIONS if any(r.use[d].capacity for r in rows)]
    labels = [f"{r.scope}: {r.value}" if r.scope != "cluster" else "cluster" for r in rows]
    x = np.arange(len(rows))
    width = 0.8 / max(len(dims), 1)
    fig, ax = plt.subplots(figsize=(2.0 + 0.9 * len(rows), 4.2))
    for k, dim in enumerate(dims):
        used = [100 * r.use[dim].used_share for r in rows]
        fit = [
            100 * r.use[dim].largest_free / r.use[dim].capacity if r.use[dim].capacity else 0
            for r in rows
        ]
        offset = x - 0.4 + width * (k + 0.5)
        ax.bar(offset, used, width, label=f"{dim} allocated")
        ax.scatter(offset, fit, marker="_", s=120, color="black")
    ax.scatter([], [], marker="_", color="black", label="largest ask that still fits")
    ax.set_xticks(x, labels, rotation=35, ha="right")
    ax.set_ylabel("% of capacity")
    ax.set_ylim(0, 105)
    ax.set_title("headroom: allocated share per dimension")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    return save_figure(fig, path)
