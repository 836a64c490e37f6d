"""The work units: one simulation each, reduced on the worker to the few numbers a
distribution needs, so what travels back (and what the report keeps) stays small.

Each unit is ``function(shared, item)`` (see :mod:`.executor`): module-level functions,
pickled by reference, so a remote worker runs the same code as the client.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import msgspec

from ..core.class_labels import base_label
from ..io import ResolvedScenario, load_scenario
from ..planning import capacity_of, current_cluster, resilience_of
from ..whatif import ScenarioRun, SweepPoint, run_resolved
from ..whatif.edits import Edit
from ..whatif.sweep import _edited


class GroupSample(msgspec.Struct, frozen=True):
    """One group in one seed's run: how much placed, and on which node classes."""

    key: str
    count: int
    placed: int
    unplaced: int
    cannot_start: bool
    classes: tuple[tuple[str, int], ...]  # allocations per node class (class · dc · kernel)

    @property
    def outcome(self) -> tuple[int, int, bool]:
        """What a what-if compares: placed, unplaced, and whether some cannot start."""
        return self.placed, self.unplaced, self.cannot_start


class RunSample(msgspec.Struct, frozen=True):
    seed: int
    groups: tuple[GroupSample, ...]


def sample_of(run: ScenarioRun, seed: int) -> RunSample:
    nodes = run.table.nodes
    index = run.table.name_index
    groups = []
    for g in run.groups:
        classes = Counter(base_label(nodes[index[name]]) for name in g.placements)
        groups.append(
            GroupSample(
                g.key, g.count, g.placed, g.unplaced, bool(g.risks), tuple(sorted(classes.items()))
            )
        )
    return RunSample(seed, tuple(groups))


def check_unit(resolved: ResolvedScenario, seed: int) -> RunSample:
    return sample_of(run_resolved(resolved, seed), seed)


def whatif_unit(
    scenarios: tuple[ResolvedScenario, ResolvedScenario], seed: int
) -> tuple[RunSample, RunSample]:
    """The same seed before and after the change."""
    before, after = scenarios
    return check_unit(before, seed), check_unit(after, seed)


class CapacityInputs(msgspec.Struct, frozen=True):
    resolved: ResolvedScenario
    target: str | None
    ask: dict[str, int] | None


class CapacitySample(msgspec.Struct, frozen=True):
    seed: int
    key: str
    more: int
    bound: int
    cannot_start: int
    limited_by: str


def capacity_unit(inputs: CapacityInputs, seed: int) -> CapacitySample:
    result = capacity_of(current_cluster(inputs.resolved, seed), inputs.target, ask=inputs.ask)
    return CapacitySample(
        seed,
        f"{result.job}/{result.group}",
        result.more,
        result.bound,
        result.cannot_start,
        result.limited_by,
    )


class ResilienceInputs(msgspec.Struct, frozen=True):
    resolved: ResolvedScenario
    domain: str
    lose: int


class CaseSample(msgspec.Struct, frozen=True):
    label: str
    nodes: int
    lost: int
    unplaced: int
    cannot_start: int


def resilience_unit(inputs: ResilienceInputs, seed: int) -> tuple[CaseSample, ...]:
    report = resilience_of(current_cluster(inputs.resolved, seed), inputs.domain, inputs.lose)
    return tuple(
        CaseSample(case.label, case.nodes, case.lost, case.unplaced, case.cannot_start)
        for case in report.cases
    )


class SweepInputs(msgspec.Struct, frozen=True):
    """A sweep's scenario file with its fixed ``--set`` values and var files; a worker reads
    the files itself, so a remote cluster needs them at the same path."""

    scenario: Path
    sets: Mapping[str, object]
    var_files: tuple[Path, ...]
    seeds: Sequence[int]
    edits: tuple[Edit, ...] = ()


def sweep_unit(inputs: SweepInputs, values: dict[str, int | str]) -> list[SweepPoint]:
    """One grid point, loaded (and edited) once and run with every seed (one summary per
    seed)."""
    loaded = load_scenario(inputs.scenario, {**inputs.sets, **values}, list(inputs.var_files))
    resolved = _edited(loaded, inputs.edits, values)  # as a one-seed sweep edits each point
    points = []
    for seed in inputs.seeds:
        point = SweepPoint(values, run_resolved(resolved, seed))
        point.run = None
        points.append(point)
    return points
