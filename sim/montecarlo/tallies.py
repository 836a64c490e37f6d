"""Distributions over seeds, accumulated unit by unit: memory grows with the report (groups,
cases, grid points, distinct values), not with the number of seeds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..whatif import SweepPoint
from .units import CapacitySample, CaseSample, GroupSample, RunSample


def spread(values: Counter[int]) -> tuple[int, int, int]:
    """Minimum, (lower) median and maximum of a multiset given as value → how often."""
    if not values:
        return 0, 0, 0
    ordered = sorted(values)
    half, seen, median = (sum(values.values()) - 1) // 2, 0, ordered[0]
    for value in ordered:
        seen += values[value]
        if seen > half:
            median = value
            break
    return ordered[0], median, ordered[-1]


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass
class GroupTally:
    """One group over every seed: how often it places fully, how many place, and where."""

    key: str
    count: int = 0
    seeds: int = 0
    fully: int = 0
    cannot_start: int = 0
    placed: Counter[int] = field(default_factory=Counter)
    classes: Counter[str] = field(default_factory=Counter)

    def add(self, group: GroupSample) -> None:
        self.count = max(self.count, group.count)
        self.seeds += 1
        self.fully += group.unplaced == 0
        self.cannot_start += group.cannot_start
        self.placed[group.placed] += 1
        self.classes.update(dict(group.classes))

    @property
    def probability(self) -> float:
        """P(the group places fully): the share of seeds with nothing left unplaced."""
        return share(self.fully, self.seeds)

    def class_shares(self) -> list[tuple[str, float]]:
        """Each node class's share of the group's allocations over all seeds, largest first."""
        total = sum(self.classes.values())
        ranked = sorted(self.classes.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(label, share(n, total)) for label, n in ranked]

    def to_json(self) -> dict[str, Any]:
        low, median, high = spread(self.placed)
        return {
            "group": self.key,
            "count": self.count,
            "seeds": self.seeds,
            "places_fully": self.fully,
            "p_places_fully": round(self.probability, 6),
            "placed": {"min": low, "median": median, "max": high},
            "placed_counts": {str(k): v for k, v in sorted(self.placed.items())},
            "cannot_start_seeds": self.cannot_start,
            "class_share": {label: round(s, 6) for label, s in self.class_shares()},
        }


@dataclass
class CheckTally:
    """Every group of a scenario over the seeds run so far, in the scenario's group order."""

    seeds: int = 0
    always: int = 0  # seeds in which every group places fully
    groups: dict[str, GroupTally] = field(default_factory=dict)

    def add(self, sample: RunSample) -> None:
        self.seeds += 1
        self.always += all(g.unplaced == 0 for g in sample.groups)
        for group in sample.groups:
            self.groups.setdefault(group.key, GroupTally(group.key)).add(group)


@dataclass
class ChangeTally:
    """One group before and after a what-if, seed by seed."""

    key: str
    seeds: int = 0
    before_fully: int = 0
    after_fully: int = 0
    changed: int = 0  # seeds in which placed/unplaced/cannot-start differ

    @property
    def probability(self) -> float:
        """P(the what-if changes this group's outcome)."""
        return share(self.changed, self.seeds)


def _outcome(group: GroupSample | None) -> tuple[int, int, bool] | None:
    return None if group is None else group.outcome


@dataclass
class WhatifTally:
    seeds: int = 0
    any_changed: int = 0  # seeds in which some group's outcome changes
    after: CheckTally = field(default_factory=CheckTally)
    changes: dict[str, ChangeTally] = field(default_factory=dict)

    def add(self, pair: tuple[RunSample, RunSample]) -> None:
        before, after = pair
        self.seeds += 1
        self.after.add(after)
        old = {g.key: g for g in before.groups}
        new = {g.key: g for g in after.groups}
        changed = False
        for key in [*old, *(k for k in new if k not in old)]:
            tally = self.changes.setdefault(key, ChangeTally(key))
            tally.seeds += 1
            tally.before_fully += key in old and old[key].unplaced == 0
            tally.after_fully += key in new and new[key].unplaced == 0
            differs = _outcome(old.get(key)) != _outcome(new.get(key))
            tally.changed += differs
            changed |= differs
        self.any_changed += changed

    @property
    def probability(self) -> float:
        return share(self.any_changed, self.seeds)


@dataclass
class CapacityTally:
    key: str = ""
    seeds: int = 0
    more: Counter[int] = field(default_factory=Counter)
    bound: int = 0
    cannot_start: int = 0  # seeds in which some of the ``more`` cannot start
    limited_by: Counter[str] = field(default_factory=Counter)

    def add(self, sample: CapacitySample) -> None:
        self.key = sample.key
        self.seeds += 1
        self.more[sample.more] += 1
        self.bound = max(self.bound, sample.bound)
        self.cannot_start += sample.cannot_start > 0
        self.limited_by[sample.limited_by] += 1

    def at_least(self, more: int) -> float:
        """P(at least ``more`` more allocations place)."""
        return share(sum(n for value, n in self.more.items() if value >= more), self.seeds)


@dataclass
class CaseTally:
    label: str
    nodes: int
    seeds: int = 0
    survives: int = 0
    cannot_start: int = 0
    unplaced: Counter[int] = field(default_factory=Counter)

    @property
    def probability(self) -> float:
        """P(every allocation lost in this case is placed again)."""
        return share(self.survives, self.seeds)


@dataclass
class ResilienceTally:
    seeds: int = 0
    always: int = 0  # seeds in which every case survives
    cases: dict[str, CaseTally] = field(default_factory=dict)

    def add(self, cases: Sequence[CaseSample]) -> None:
        self.seeds += 1
        self.always += all(case.unplaced == 0 for case in cases)
        for case in cases:
            tally = self.cases.setdefault(case.label, CaseTally(case.label, case.nodes))
            tally.seeds += 1
            tally.survives += case.unplaced == 0
            tally.cannot_start += case.cannot_start > 0
            tally.unplaced[case.unplaced] += 1


@dataclass
class SweepRow:
    """One grid point over every seed."""

    values: dict[str, int | str]
    seeds: int
    all_ok: int  # seeds in which every group places and can start
    groups_total: int
    groups_ok: tuple[int, int, int]
    unplaced: tuple[int, int, int]

    @property
    def probability(self) -> float:
        return share(self.all_ok, self.seeds)


def sweep_row(points: Sequence[SweepPoint]) -> SweepRow:
    """The seeds of one grid point folded into its row."""
    ok = Counter(p.groups_ok for p in points)
    unplaced = Counter(p.unplaced for p in points)
    total = points[0].groups_total
    return SweepRow(
        dict(points[0].values),
        len(points),
        sum(1 for p in points if p.groups_ok == p.groups_total),
        total,
        spread(ok),
        spread(unplaced),
    )
