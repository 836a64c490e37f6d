"""Monte Carlo questions: one unit per seed (or per grid point), run on an executor and
folded into a tally in the units' order, so serial and distributed runs report the same."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from ..io import ResolvedScenario
from ..whatif import SweepPoint, grid_points
from ..whatif.edits import Edit
from .executor import Executor, Progress, SerialExecutor
from .tallies import CapacityTally, CheckTally, ResilienceTally, WhatifTally
from .units import (
    CapacityInputs,
    ResilienceInputs,
    SweepInputs,
    capacity_unit,
    check_unit,
    resilience_unit,
    sweep_unit,
    whatif_unit,
)


def check_seeds(
    resolved: ResolvedScenario,
    seeds: Sequence[int],
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> CheckTally:
    """Per group: P(places fully), the spread of placed counts, node-class usage."""
    tally = CheckTally()
    for sample in (executor or SerialExecutor()).map(check_unit, resolved, seeds, progress):
        tally.add(sample)
    return tally


def whatif_seeds(
    before: ResolvedScenario,
    after: ResolvedScenario,
    seeds: Sequence[int],
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> WhatifTally:
    """Per group: P(the change alters its outcome), seed by seed, and the after-distribution."""
    tally = WhatifTally()
    runner = executor or SerialExecutor()
    for pair in runner.map(whatif_unit, (before, after), seeds, progress):
        tally.add(pair)
    return tally


def capacity_seeds(
    resolved: ResolvedScenario,
    target: str | None,
    ask: dict[str, int] | None,
    seeds: Sequence[int],
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> CapacityTally:
    """How many more allocations place, as a distribution over seeds."""
    tally = CapacityTally()
    inputs = CapacityInputs(resolved, target, ask)
    for sample in (executor or SerialExecutor()).map(capacity_unit, inputs, seeds, progress):
        tally.add(sample)
    return tally


def resilience_seeds(
    resolved: ResolvedScenario,
    domain: str,
    lose: int,
    seeds: Sequence[int],
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> ResilienceTally:
    """Per failure case: P(every lost allocation is placed again)."""
    tally = ResilienceTally()
    inputs = ResilienceInputs(resolved, domain, lose)
    for cases in (executor or SerialExecutor()).map(resilience_unit, inputs, seeds, progress):
        tally.add(cases)
    return tally


def sweep_seeds(
    scenario: Path,
    grid: Sequence[tuple[str, Sequence[int | str]]],
    seeds: Sequence[int],
    *,
    sets: dict[str, object] | None = None,
    var_files: Sequence[Path] = (),
    executor: Executor | None = None,
    progress: Progress | None = None,
    edits: Sequence[Edit] = (),
) -> Iterator[list[SweepPoint]]:
    """Grid point by grid point (in ``grid_points`` order), one summary per seed; each point
    is one unit (the scenario is loaded once for all its seeds); ``edits`` change every
    point's cluster after its variable values."""
    inputs = SweepInputs(
        Path(scenario), dict(sets or {}), tuple(var_files), tuple(seeds), tuple(edits)
    )
    runner = executor or SerialExecutor()
    yield from runner.map(sweep_unit, inputs, grid_points(grid), progress)
