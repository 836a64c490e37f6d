"""Sweeps: the same scenario over a grid of variable values, one outcome row per point."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError
from ..io import load_scenario
from .outcome import ScenarioRun, run_resolved


def parse_grid(spec: str) -> tuple[str, Sequence[int | str]]:
    """``client_count=0..4`` (inclusive range) or ``algorithm=binpack,spread``.

    A range stays a ``range``: its size is known before any of it is built.
    """
    name, sep, values = spec.partition("=")
    if not sep or not name.strip() or not values.strip():
        raise InputError(f"--grid {spec!r}: expected NAME=LOW..HIGH or NAME=A,B,C")
    name, values = name.strip(), values.strip()
    if ".." in values:
        low, _, high = values.partition("..")
        try:
            start, stop = int(low), int(high)
        except ValueError:
            raise InputError(f"--grid {spec!r}: a range needs integers, like 0..4") from None
        if stop < start:
            raise InputError(f"--grid {spec!r}: the range is empty")
        return name, range(start, stop + 1)
    listed = [v.strip() for v in values.split(",") if v.strip()]
    if not listed:
        raise InputError(f"--grid {spec!r}: the list is empty")
    return name, listed


@dataclass
class SweepPoint:
    values: dict[str, int | str]
    run: ScenarioRun

    @property
    def groups_ok(self) -> int:
        """Groups fully placed where every allocation can start."""
        return sum(1 for g in self.run.groups if g.unplaced == 0 and not g.risks)

    @property
    def unplaced(self) -> int:
        return sum(g.unplaced for g in self.run.groups)

    @property
    def risky(self) -> int:
        return len(self.run.risky)


def grid_points(grid: Sequence[tuple[str, Sequence[int | str]]]) -> Iterator[dict[str, int | str]]:
    names = [name for name, _ in grid]
    for combo in itertools.product(*(values for _, values in grid)):
        yield dict(zip(names, combo))


def sweep(
    scenario: Path,
    grid: Sequence[tuple[str, Sequence[int | str]]],
    *,
    sets: dict[str, object] | None = None,
    var_files: list[Path] = (),  # type: ignore[assignment]
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[SweepPoint]:
    """Run ``scenario`` at every grid point (``--set`` values first, grid values over them)."""
    points = []
    for values in grid_points(grid):
        resolved = load_scenario(scenario, {**(sets or {}), **values}, list(var_files))
        points.append(SweepPoint(values, run_resolved(resolved, seed)))
        if progress is not None:
            progress(1)
    return points
