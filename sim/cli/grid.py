"""Search spaces refused before any work when they repeat an axis or multiply too far:
``sweep --grid`` axes and ``fix``'s count assignments, each point one simulation."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..core.errors import InputError

DEFAULT_MAX_POINTS = 10_000


def parse_axes(
    specs: Sequence[str], max_points: int = DEFAULT_MAX_POINTS
) -> list[tuple[str, Sequence[int | str]]]:
    """Each ``NAME=LOW..HIGH`` / ``NAME=A,B`` once; at most ``max_points`` combinations.

    Ranges stay lazy (``range``), so an absurd ``n=0..100000000`` costs nothing to refuse.
    """
    from ..whatif.sweep import parse_grid  # the sweep machinery loads only for a sweep

    if not specs:
        raise InputError("sweep needs at least one --grid NAME=LOW..HIGH")
    axes = [parse_grid(spec) for spec in specs]
    seen: set[str] = set()
    for name, _ in axes:
        if name in seen:
            raise InputError(f"--grid {name!r} is given twice: one axis per variable")
        seen.add(name)
    within_bound("the grid", grid_size(axes), max_points)
    return axes


def grid_size(axes: Sequence[tuple[str, Sequence[int | str]]]) -> int:
    """How many points (simulations) the grid has."""
    return math.prod(len(values) for _, values in axes)


def within_bound(what: str, points: int, max_points: int) -> None:
    if points > max_points:
        raise InputError(
            f"{what} has {points:,} points, more than --max-points {max_points:,}: "
            "narrow it or raise --max-points"
        )
