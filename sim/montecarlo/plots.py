"""Monte Carlo results drawn: one horizontal bar per row (group, case, grid point), its
probability over the seeds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..core.figures import pyplot, save_figure


def plot_probabilities(
    labels: Sequence[str], probabilities: Sequence[float], title: str, path: Path
) -> Path:
    """Bars from 0 to 1, red to green, each labelled with its percentage; written whole."""
    plt = pyplot()
    height = 1.0 + 0.35 * max(len(labels), 1)
    fig, ax = plt.subplots(figsize=(7.5, height))
    rows = range(len(labels))
    colours = plt.get_cmap("RdYlGn")([p for p in probabilities])
    ax.barh(rows, probabilities, color=colours, edgecolor="black", linewidth=0.4)
    for row, p in zip(rows, probabilities):
        ax.text(min(p, 0.86) + 0.01, row, f"{100 * p:.0f}%", va="center", fontsize=8)
    ax.set_yticks(list(rows), list(labels), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability over the seeds")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path)
