"""Sweeps: the same scenario over a grid of variable values, one outcome row per point."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError
from ..io import ResolvedScenario, load_scenario
from .edits import Edit, apply_edits
from .outcome import ScenarioRun, run_resolved


def parse_grid(spec: str) -> tuple[str, Sequence[int | str]]:
    """``client_count=0..4`` (inclusive range) or ``algorithm=binpack,spread``.

    A range stays a ``range``: its size is known before any of it is built. A list of
    integers gives integers, as a range does, so the values have one type in every output.
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
    typed: list[int | str] = (
        [int(v) for v in listed] if all(map(_is_integer, listed)) else list(listed)
    )
    repeated = [str(v) for i, v in enumerate(typed) if v in typed[:i]]
    if repeated:
        raise InputError(
            f"--grid {spec!r}: {', '.join(dict.fromkeys(repeated))} given twice: each value "
            "once, or the table repeats a row"
        )
    return name, typed


def _is_integer(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def one_seed_note(seed: int) -> str:
    """The line under a single-seed result: Nomad shuffles the nodes once per evaluation
    (``scheduler/feasible/feasible.go: ShuffleNodes``), so where ties and limits fall, and
    with them a grid point's outcome, can change with the seed."""
    return (
        f"one shuffle seed (--seed {seed}): Nomad shuffles the nodes per evaluation, so "
        "another seed can place differently"
    )


@dataclass
class SweepPoint:
    """One grid point's outcome. The full ``run`` is kept only on request (``keep_runs``):
    a sweep's memory is then its table, however many points it has."""

    values: dict[str, int | str]
    run: ScenarioRun | None
    groups_ok: int = 0
    """Groups fully placed where every allocation can start."""
    groups_total: int = 0
    unplaced: int = 0
    risky: int = 0

    def __post_init__(self) -> None:
        if self.run is not None:
            groups = self.run.groups
            self.groups_ok = sum(1 for g in groups if g.unplaced == 0 and not g.risks)
            self.groups_total = len(groups)
            self.unplaced = sum(g.unplaced for g in groups)
            self.risky = len(self.run.risky)


def _edited(
    resolved: ResolvedScenario, edits: Sequence[Edit], values: dict[str, int | str]
) -> ResolvedScenario:
    """The point's cluster with the edits; an edit naming no node there says which point."""
    try:
        return apply_edits(resolved, list(edits))
    except InputError as exc:
        at = ", ".join(f"{k}={v}" for k, v in values.items())
        raise InputError(f"at {at}: {exc}") from None


def grid_points(grid: Sequence[tuple[str, Sequence[int | str]]]) -> Iterator[dict[str, int | str]]:
    names = [name for name, _ in grid]
    for combo in itertools.product(*(values for _, values in grid)):
        yield dict(zip(names, combo))


def iter_sweep(
    scenario: Path,
    grid: Sequence[tuple[str, Sequence[int | str]]],
    *,
    sets: dict[str, object] | None = None,
    var_files: list[Path] = (),  # type: ignore[assignment]
    seed: int = 0,
    keep_runs: bool = False,
    edits: Sequence[Edit] = (),
) -> Iterator[SweepPoint]:
    """The points of a sweep one at a time, each run dropped once summarised (unless
    ``keep_runs``), so a caller that streams them holds one run at a time. ``edits``
    (drain, add, scale, ...) change every point's cluster after its variable values."""
    for values in grid_points(grid):
        resolved = load_scenario(scenario, {**(sets or {}), **values}, list(var_files))
        point = SweepPoint(values, run_resolved(_edited(resolved, edits, values), seed))
        if not keep_runs:
            point.run = None
        yield point


def sweep(
    scenario: Path,
    grid: Sequence[tuple[str, Sequence[int | str]]],
    *,
    sets: dict[str, object] | None = None,
    var_files: list[Path] = (),  # type: ignore[assignment]
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    keep_runs: bool = False,
    edits: Sequence[Edit] = (),
) -> list[SweepPoint]:
    """Run ``scenario`` at every grid point (``--set`` values first, grid values over them).

    Each point keeps its summary; ``keep_runs=True`` also keeps every full ScenarioRun.
    """
    points = []
    for point in iter_sweep(
        scenario,
        grid,
        sets=sets,
        var_files=var_files,
        seed=seed,
        keep_runs=keep_runs,
        edits=edits,
    ):
        points.append(point)
        if progress is not None:
            progress(1)
    return points
