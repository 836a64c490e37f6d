"""Figures written the project's way: matplotlib loaded only when a picture is asked for,
headless (Agg), and the file written whole or not at all in the format its suffix names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .outfile import write_whole


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, imported on first use (it costs ~0.5 s)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, path: Path) -> Path:
    """Write ``fig`` whole (PNG or SVG by the suffix) and release it."""
    path = Path(path)
    image_format = path.suffix.lstrip(".").lower() or "png"
    try:
        return write_whole(
            path, lambda tmp: fig.savefig(tmp, format=image_format, dpi=120), suffix=path.suffix
        )
    finally:
        pyplot().close(fig)
