"""The rank iterators' scores: fit, job anti-affinity, node affinity, spread.

Fit is ``nomad/structs/funcs.go: ScoreFitBinPack``/``ScoreFitSpread``; the others are
``scheduler/feasible/rank.go: JobAntiAffinityIterator.Next``, ``NodeAffinityIterator.Next``
and ``scheduler/feasible/spread.go: SpreadIterator.Next``.

Each scorer works on a vector of candidate nodes at once. Scores are appended only when
Nomad appends them, and the final score is the mean of the appended ones
(``ScoreNormalizationIterator``, scheduler/feasible/rank.go).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from models import Affinity, Job, Spread, TaskGroup

from ..core.nodetable import NodeTable
from ..core.operators import check_constraint

BINPACK_MAX_FIT = 18.0
IMPLICIT_TARGET = "*"


def score_fit_binpack(free_cpu: np.ndarray | float, free_mem: np.ndarray | float) -> np.ndarray:
    """``ScoreFitBinPack`` (nomad/structs/funcs.go): 20 − (10^freeCPU + 10^freeMem), in [0, 18]."""
    total = np.power(10.0, free_cpu) + np.power(10.0, free_mem)
    return np.minimum(np.maximum(20.0 - total, 0.0), 18.0)


def score_fit_spread(free_cpu: np.ndarray | float, free_mem: np.ndarray | float) -> np.ndarray:
    """``ScoreFitSpread`` (funcs.go): (10^freeCPU + 10^freeMem) − 2, in [0, 18]."""
    total = np.power(10.0, free_cpu) + np.power(10.0, free_mem)
    return np.minimum(np.maximum(total - 2.0, 0.0), 18.0)


FIT_FUNCTIONS = {"binpack": score_fit_binpack, "spread": score_fit_spread}


def fit_score(
    algorithm: str,
    used_cpu: np.ndarray,
    cpu: np.ndarray,
    used_mem: np.ndarray,
    memory: np.ndarray,
) -> np.ndarray:
    """The appended ``binpack`` score: fit / 18; utilisation includes the new allocation
    (``computeFreePercentage``, funcs.go: 1 − used / capacity; capacity +inf where a node has
    none)."""
    free_cpu = 1.0 - used_cpu / cpu
    free_mem = 1.0 - used_mem / memory
    return FIT_FUNCTIONS[algorithm](free_cpu, free_mem) / BINPACK_MAX_FIT


def anti_affinity(collisions, count: int):
    """``JobAntiAffinityIterator``: −(collisions + 1)/count, appended only when collisions > 0."""
    return -(collisions + 1.0) / max(count, 1)


def group_affinities(job: Job, group: TaskGroup) -> list[Affinity]:
    """Job, then group, then each task's affinities (``NodeAffinityIterator.SetTaskGroup``)."""
    affinities = list(job.affinities) + list(group.affinities)
    for task in group.tasks:
        affinities.extend(task.affinities)
    return affinities


def affinity_scores(table: NodeTable, affinities: list[Affinity]) -> np.ndarray | None:
    """Per node Σ matching weights / Σ |weights|; None when the group has no affinity.

    Evaluated with ``check_constraint`` on the distinct (left, right) value pairs and
    broadcast, so regexp/version affinities cost O(distinct values).
    """
    if not affinities:
        return None
    total = sum(abs(a.weight) for a in affinities)
    score = np.zeros(table.n)
    for affinity in affinities:
        left, right = table.column(affinity.l_target), table.column(affinity.r_target)
        pairs = left.codes.astype(np.int64) * len(right.values) + right.codes
        distinct, inverse = np.unique(pairs, return_inverse=True)
        hits = np.array(
            [
                check_constraint(
                    affinity.operand,
                    left.values[p // len(right.values)],
                    right.values[p % len(right.values)],
                    left.found[p // len(right.values)],
                    right.found[p % len(right.values)],
                )
                for p in distinct.tolist()
            ],
            dtype=bool,
        )
        score += np.where(hits[inverse], float(affinity.weight), 0.0)
    return score / total


@dataclass
class SpreadSet:
    """One spread block's property set for one group (``propertySet`` used by spread.go).

    Node values not named by a target collapse into ``*`` when targets exist
    (``targetedPropertyValue``); counts are this group's existing + placed allocations.
    """

    attribute: str
    codes: np.ndarray  # per table node: slot index, -1 = attribute missing
    slots: list[str]
    counts: np.ndarray  # per slot
    weight: int
    desired: dict[str, float]  # per slot value; empty = even spread

    even: tuple[np.ndarray, int, int, int] | None = None  # table, low, high, values at low
    # The ``*`` slot when the set has targets: ``evenSpreadScoreBoost`` looks the node's raw
    # value up in the targeted use map, so a value outside the targets counts 0 used.
    untargeted: int = -1

    def used(self) -> dict[str, int]:
        return {self.slots[i]: int(c) for i, c in enumerate(self.counts) if c}

    def even_table(self) -> np.ndarray:
        """``even_spread_table`` of the current counts, kept up to date by ``add``."""
        if self.even is None:
            self.even = _even_state(self.counts, self.untargeted)
        return self.even[0]

    def add(self, slot: int) -> None:
        """One more allocation on the value at ``slot``.

        The even-spread table changes in that value's entry only, unless the lowest or
        highest count moves (then every entry may change and it is computed again).
        """
        before = int(self.counts[slot])
        self.counts[slot] = before + 1
        if self.even is None:
            return
        table, low, high, at_low = self.even
        after = before + 1
        if before == 0 and low == 1:
            table[slot] = -1.0 if low == high else (high - low) / low
            self.even = (table, low, high, at_low + 1)
        elif before == 0 or after > high or (before == low and at_low == 1):
            self.even = None
        else:
            table[slot] = (low - after) / low
            self.even = (table, low, high, at_low - (before == low))
        if self.even is not None and self.untargeted >= 0:
            self.even[0][self.untargeted] = 1.0

    @cached_property
    def desired_by_slot(self) -> np.ndarray:
        """Desired count per slot: the value's own, else the implicit target's (spread.go
        falls back to ``*``), NaN without either and for a missing value."""
        implicit = self.desired.get(IMPLICIT_TARGET, np.nan)
        return np.array([self.desired.get(v, implicit) for v in self.slots] + [np.nan])


def _spread_set(table: NodeTable, spread: Spread, info: Spread, count: int) -> SpreadSet:
    column = table.column(spread.attribute) if spread.attribute else None
    targets = [t.value for t in spread.spread_target]
    slots: list[str] = []
    index: dict[str, int] = {}
    slot_of_value = []
    for value, found in zip(column.values, column.found, strict=True) if column else []:
        if not found:
            slot_of_value.append(-1)
            continue
        key = value if not targets or value in targets else IMPLICIT_TARGET
        slot_of_value.append(index.setdefault(key, len(index)))
    for key in [*targets, IMPLICIT_TARGET]:
        index.setdefault(key, len(index))
    slots = list(index)
    codes = (
        np.array(slot_of_value, dtype=np.int64)[column.codes]
        if column
        else np.full(table.n, -1, dtype=np.int64)
    )
    desired = {t.value: t.percent / 100 * count for t in info.spread_target}
    total = sum(desired.values())
    if 0 < total < count:
        desired[IMPLICIT_TARGET] = count - total
    return SpreadSet(
        spread.attribute,
        codes,
        slots,
        np.zeros(len(slots), dtype=np.int64),
        info.weight,
        desired,
        untargeted=index[IMPLICIT_TARGET] if targets else -1,
    )


@dataclass
class SpreadScorer:
    """``SpreadIterator`` for one job evaluation; shared by the job's groups.

    Reproduced quirks (scheduler/feasible/spread.go): the per-attribute info is keyed by
    attribute, so a job spread on the same attribute as a group spread overrides the group's
    targets and weight; ``sumSpreadWeights`` grows with every group set up in the evaluation;
    ``lowestSpreadBoost`` is a running minimum over every boost computed so far and is what a
    target with desired count 0 receives.
    """

    sum_weights: int = 0
    lowest: float = -1.0
    sets: dict[str, list[SpreadSet]] = field(default_factory=dict)

    def setup(self, table: NodeTable, job: Job, group: TaskGroup) -> list[SpreadSet]:
        if group.name in self.sets:
            return self.sets[group.name]
        info: dict[str, Spread] = {}
        for spread in [*group.spreads, *job.spreads]:
            info[spread.attribute] = spread
            self.sum_weights += spread.weight
        sets = [
            _spread_set(table, s, info[s.attribute], group.count)
            for s in [*job.spreads, *group.spreads]
        ]
        self.sets[group.name] = sets
        return sets

    def scores(
        self, sets: list[SpreadSet], slots: list[np.ndarray], options: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Total spread boost per node, given each node's slot in every set, and the boosts
        that move the running minimum.

        The second array (one row per node, one column per spread, +inf where no boost was
        computed or the node is not among ``options``) lets the caller advance ``lowest``
        only over options Nomad actually scored.
        """
        if not any(s.desired for s in sets):  # even spreads never move the running minimum
            total = sets[0].even_table()[slots[0]]
            for s, slot in zip(sets[1:], slots[1:]):
                total += s.even_table()[slot]
            return total, NO_MOVES
        total = np.zeros(len(slots[0]))
        moving = np.full((len(total), len(sets)), np.inf)
        for k, (s, slot) in enumerate(zip(sets, slots)):
            if not s.desired:
                total += s.even_table()[slot]
                continue
            # Per attribute value (the last entry: the node lacks the attribute), then gathered.
            weight = s.weight / self.sum_weights if self.sum_weights else 0.0
            want = s.desired_by_slot
            used = np.append(s.counts, 0) + 1
            with np.errstate(divide="ignore", invalid="ignore"):
                boost = (want - used) / want * weight
            positive = ~np.isnan(want) & (want != 0)
            moving[:, k] = np.where(positive, boost, np.inf)[slot]
            total += np.where(np.isnan(want), -1.0, np.where(positive, boost, 0.0))[slot]
        if options is not None:
            moving[~options] = np.inf
        zero_desired = [
            k for k, s in enumerate(sets) if s.desired and any(v == 0 for v in s.desired.values())
        ]
        if zero_desired:
            total += self._zero_desired_boosts(sets, slots, moving, zero_desired)
        return total, moving

    def _zero_desired_boosts(
        self, sets: list[SpreadSet], slots: list[np.ndarray], moving: np.ndarray, ks: list[int]
    ) -> np.ndarray:
        """A target with desired 0 gets the running minimum at the moment it is scored."""
        flat = moving.ravel()
        before = np.minimum.accumulate(np.concatenate(([self.lowest], flat)))[:-1]
        before = before.reshape(moving.shape)
        out = np.zeros(len(moving))
        for k in ks:
            slot = slots[k]
            want = sets[k].desired_by_slot[slot]
            out += np.where((slot >= 0) & (want == 0), before[:, k], 0.0)
        return out

    def advance(self, moving: np.ndarray) -> None:
        """Lower the running minimum by the boosts of options that were actually scored."""
        if moving.size:
            self.lowest = min(self.lowest, float(moving.min()))


NO_MOVES = np.empty((0, 0))  # spread scored without targets: nothing moves the minimum


def even_spread_boost(counts: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """``evenSpreadScoreBoost``: boost from the node value's count against the min and max.

    The current count is the value's use so far (without this placement); nothing placed yet
    scores 0; a node on the least used value gets (max−min)/min, or −1 when all are equal.
    """
    return even_spread_table(counts)[slot]


def even_spread_table(counts: np.ndarray) -> np.ndarray:
    """``evenSpreadScoreBoost`` per attribute value, plus a last entry (-1) for a node that
    lacks the attribute, so a window of nodes needs one gather."""
    return _even_state(counts)[0]


def _even_state(counts: np.ndarray, untargeted: int = -1) -> tuple[np.ndarray, int, int, int]:
    """The even-spread table with the lowest and highest used count and how many values are
    at the lowest (0, 0, 0 when nothing is used yet); ``untargeted`` (see ``SpreadSet``)
    counts as a value used 0 times, whose boost is then 1.

    Computed on a Python list: there are few values.
    """
    values = counts.tolist()
    used = [c for c in values if c > 0]
    if not used:
        return np.array([0.0] * len(values) + [-1.0]), 0, 0, 0
    low, high = min(used), max(used)
    at_min = -1.0 if low == high else (high - low) / low
    table = np.array([at_min if c == low else (low - c) / low for c in values] + [-1.0])
    if untargeted >= 0:
        table[untargeted] = 1.0
    return table, low, high, used.count(low)


def limit_for(job_type: str, candidates: int) -> int:
    """``GenericStack.SetNodes``: batch 2; service max(2, ceil(log2 n))."""
    if job_type == "batch" or candidates <= 0:
        return 2
    return max(2, math.ceil(math.log2(candidates)))


DEFAULT_NODE_LIMIT = 100  # structs.DefaultNodeLimitForFeasibilityChecks


def scored_limit(count: int, feasibility_node_limit: int = DEFAULT_NODE_LIMIT) -> int:
    """With any affinity or spread: the node limit (100) when count is below it, else count."""
    return feasibility_node_limit if count < feasibility_node_limit else count
