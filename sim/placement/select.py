"""One ``GenericStack.Select``: walk the shuffled nodes, score, limit, keep the max.

The limit and its value are ``scheduler/feasible/stack.go: GenericStack.SetNodes`` and
``GenericStack.Select``; skipping and keeping the max are
``scheduler/feasible/select.go: LimitIterator.Next`` and ``MaxScoreIterator.Next``.

Nomad pulls nodes one at a time through its iterator chain. Here the same walk is done a
window at a time: verdicts, distinct rules, fit and scores for the whole window are vector
operations, then the limit iterator's rule picks how far into the window Nomad would have
pulled. Only that prefix counts (NodesEvaluated, the spread running minimum, the static
iterator position), so the result is the node-by-node one, at O(limit) work per Select.
Fit and the scores of ``chain.REMEMBERED`` are kept per visit position (``Memo``), and
Selects that cannot see each other's placements are made together (``batch.select_many``).

Reproduced from scheduler/feasible/select.go and feasible.go:
- ``StaticIterator`` keeps its offset between Selects and wraps; each Select pulls every
  node at most once; the class cache is warm on the second visit of a node.
- ``LimitIterator``: returns ``limit`` options; the first 3 options with a final score ≤ 0
  are set aside and only come back after the source runs dry (in Nomad's slightly odd
  order, reproduced in ``_Limit.drain_skipped``).
- ``MaxScoreIterator``: highest final score, ties to the first returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, overload

import msgspec
import numpy as np

from models import Job, TaskGroup

from ..core.metrics import AllocMetric
from ..core.nodetable import Column, NodeTable, first_positions
from ..feasibility import PASS, ReasonTable
from .chain import (
    GENERIC_CHAIN,
    PER_SELECT,
    REMEMBERED,
    Inputs,
    Parts,
    Picked,
    RankScorer,
    Scoring,
    assemble,
    normalized,
)
from .distinct import DistinctRules, distinct_mask, distinct_verdicts
from .resources import NUMERIC_DIMS, GroupAsk, Ledger, at
from .scoring import NO_MOVES, SpreadScorer, SpreadSet, fit_score

MAX_SKIP = 3
SKIP_THRESHOLD = 0.0
TOP_SCORES = 5  # MaxRetainedNodeScores


@dataclass
class Cursor:
    """The static iterator of one evaluation: visit order, offset, pulls so far."""

    order: np.ndarray
    offset: int = 0
    pulls: int = 0

    @property
    def n(self) -> int:
        return len(self.order)


@dataclass
class AllocCounts:
    """Allocations per table node, by job and by (job, group): anti-affinity and distinct_hosts."""

    n: int
    by_job: dict[str, np.ndarray] = field(default_factory=dict)
    by_group: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    def job(self, job_id: str) -> np.ndarray:
        counts = self.by_job.get(job_id)
        if counts is None:
            counts = self.by_job[job_id] = np.zeros(self.n, dtype=np.int64)
        return counts

    def group(self, job_id: str, group: str) -> np.ndarray:
        counts = self.by_group.get((job_id, group))
        if counts is None:
            counts = self.by_group[job_id, group] = np.zeros(self.n, dtype=np.int64)
        return counts

    def add(self, job_id: str, group: str, node: int) -> None:
        self.job(job_id)[node] += 1
        self.group(job_id, group)[node] += 1


@dataclass
class Memo:
    """What a group's Selects know of each visit position, kept twice round the visit order
    so that a window that wraps is still one slice.

    Within one group's Selects only its own placements change a node's fit and its scores
    other than spread (binpack, job anti-affinity, node affinity), so each is computed the
    first time the node is pulled and again only after the node receives an allocation
    (``forget``). Spread boosts change with every placement and are added per Select.
    """

    ring: np.ndarray  # node per position, the visit order twice
    position: np.ndarray  # per table node: its position in the visit order, -1 if absent
    # Rows: fits (1 yes, 0 no, -1 not known yet), sum of the appended scores other than
    # spread, how many were appended, the binpack score.
    values: np.ndarray
    slots: list[np.ndarray]  # per spread set: the node's slot
    # At least the number of positions whose fit is not known: 0 lets a window skip looking.
    unknown: int

    @classmethod
    def of(cls, table_n: int, order: np.ndarray, spreads: list[SpreadSet]) -> Memo:
        ring = np.concatenate([order, order])
        position = np.full(table_n, -1, dtype=np.int64)
        position[order] = np.arange(len(order))
        values = np.zeros((4, len(ring)))
        values[0] = -1.0
        # Where a node is not known to fit, the sum of scores is -inf: its final score is
        # then already what a non-option gets.
        values[1] = -np.inf
        values[2] = 1.0
        return cls(ring, position, values, [s.codes[ring] for s in spreads], len(order))

    @property
    def fit(self) -> np.ndarray:
        return self.values[0]

    @property
    def total(self) -> np.ndarray:
        return self.values[1]

    @property
    def appended(self) -> np.ndarray:
        return self.values[2]

    @property
    def binpack(self) -> np.ndarray:
        return self.values[3]

    def store(self, positions: np.ndarray | int, fits, scores: tuple) -> None:
        """Record fit and scores at positions of the first round (and so of the second)."""
        n = len(self.ring) // 2
        total, appended, binpack = scores
        total = (
            np.where(fits, total, -np.inf)
            if isinstance(fits, np.ndarray)
            else (total if fits else -np.inf)
        )
        if isinstance(positions, int):
            for row, value in enumerate((fits, total, appended, binpack)):
                self.values[row, positions] = self.values[row, positions + n] = value
            return
        rounds = self.values.reshape(4, 2, n)
        for row, value in enumerate((fits, total, appended, binpack)):
            rounds[row][:, positions] = value

    def forget(self, position: int) -> None:
        """Not known to fit any more (fit -1, scores -inf) until computed again."""
        second = position + len(self.ring) // 2
        self.unknown += 1
        self.values[0, position] = self.values[0, second] = -1.0
        self.values[1, position] = self.values[1, second] = -np.inf


@dataclass
class GroupState:
    """Everything a Select of one group needs; built once per group per evaluation."""

    table: NodeTable
    job: Job
    group: TaskGroup
    ask: GroupAsk
    cold: np.ndarray  # verdict per visit position, first visit by this group
    warm: np.ndarray  # verdict per visit position, class cache already filled
    reasons: ReasonTable
    rules: DistinctRules
    ledger: Ledger
    counts: AllocCounts
    algorithm: str
    limit: int
    affinity: np.ndarray | None
    spreads: list[SpreadSet]
    spread: SpreadScorer
    first_pull: int = 0  # the cursor's pull count when this group's first Select began
    memo: Memo | None = None  # set by ``remember`` before the group's Selects
    batch_from: int = 0  # cursor pulls from which ``select_many`` looks for a batch again
    penalty_nodes: frozenset[int] = frozenset()  # see ``set_penalty``
    _penalty_array: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # Per table node: the dimension it was found exhausted on (index into _dimension_names),
    # -1 when not known; only this group's placements change a node, and those reset it.
    _dimensions: np.ndarray | None = None
    _dimension_names: list[str] = field(default_factory=lambda: list(NUMERIC_DIMS))
    # The exhaustion codes the Selects made since the last ``settle`` read theirs from.
    _unsettled: ExhaustionCodes | None = None
    # The group's pulls: ``pulled_before`` (one node per computed class, in pull order) until
    # the cursor last restarted (see ``prefer``), then a run from visit position ``run_start``
    # that began at pull ``first_pull``.
    run_start: int = 0
    pulled_before: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # Given the nodes pulled so far (the class cache they filled), their verdicts and the cold
    # and warm verdicts of a run from the first visit position (``_group_verdicts``).
    reverdict: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None

    def remember(self, order: np.ndarray) -> None:
        """Start the per-position memo of the group's Selects over visit ``order``."""
        self.memo = Memo.of(self.table.n, order, self.spreads)

    @property
    def started(self) -> Memo:
        """The memo, which ``select`` and ``select_many`` start before anything reads it."""
        if self.memo is None:
            raise RuntimeError("GroupState.remember must run before the group's Selects")
        return self.memo

    @cached_property
    def _open_rings(self) -> tuple[np.ndarray, np.ndarray]:
        """Cold and warm PASS masks, twice round the visit order."""
        cold, warm = self.cold == PASS, self.warm == PASS
        return np.concatenate([cold, cold]), np.concatenate([warm, warm])

    @overload
    def fits(self, nodes: int) -> bool: ...
    @overload
    def fits(self, nodes: np.ndarray) -> np.ndarray: ...
    def fits(self, nodes: np.ndarray | int) -> np.ndarray | bool:
        """Whether one more allocation fits each node (or the one node), now."""
        sets = self.ask.has_ports or bool(self.ask.devices)
        if isinstance(nodes, int):
            fit = self.ledger.fits(nodes, self.ask, self.cpu_ask(nodes))
            return fit and (not sets or self.extra_failure(nodes) is None)
        ok = self.ledger.fits(nodes, self.ask, self.cpu_ask(nodes))
        if sets:
            for i in np.flatnonzero(ok).tolist():
                ok[i] = self.extra_failure(int(nodes[i])) is None
        return ok

    def base_scores(self, nodes: np.ndarray | int) -> tuple:
        """Sum and number of the scores the ``REMEMBERED`` scorers append to ``nodes`` now,
        and the binpack score."""
        binpack = self.binpack(nodes)
        inputs = Inputs(
            binpack,
            at(self.group_count, nodes),
            self.group.count,
            None if self.affinity is None else at(self.affinity, nodes),
        )
        remembered = self._scorers[False][0]  # the same with or without penalty nodes
        total, appended = add_scores(remembered, inputs, 0.0, 0.0)
        return total, appended, binpack

    @property
    def per_select(self) -> tuple[RankScorer, ...]:
        """The scorers scored each Select (``PER_SELECT``) that apply to the next one."""
        return self._scorers[bool(self.penalty_nodes)][1]

    def batchable(self) -> bool:
        """Whether consecutive Selects may be made together (``batch.select_many``): no
        scorer that applies says otherwise (``RankScorer.batchable``)."""
        return self._scorers[bool(self.penalty_nodes)][2]

    @cached_property
    def _scorers(self) -> dict[bool, tuple[tuple[RankScorer, ...], tuple[RankScorer, ...], bool]]:
        """Per whether a Select has reschedule penalty nodes: of the scorers of
        ``GENERIC_CHAIN`` that apply to the group's Selects, those the memo keeps, those
        scored per Select, and whether all are batchable (an input that is not None is one
        the group has)."""
        out = {}
        for penalty in (False, True):
            present = Inputs(
                0.0,
                0,
                self.group.count,
                self.affinity,
                True if penalty else None,
                0.0 if self.spreads else None,
            )
            applying = [s for s in GENERIC_CHAIN if s.applies(present)]
            out[penalty] = (
                tuple(s for s in applying if s in REMEMBERED),
                tuple(s for s in applying if s in PER_SELECT),
                all(s.batchable for s in applying),
            )
        return out

    def fitting(self, start: int, stop: int, ok: np.ndarray | None) -> np.ndarray:
        """``ok`` narrowed to the positions where one more allocation fits (memoised);
        ``ok`` None: every position passes the feasibility checks."""
        memo = self.started
        fit = memo.fit[start:stop]
        if memo.unknown and fit.min() < 0:
            unknown = fit < 0
            fresh = np.flatnonzero(unknown if ok is None else unknown & ok)
            if len(fresh):
                n = len(self.cold)
                positions = (fresh + start) % n
                memo.unknown -= len(positions)
                if len(positions) == 1:  # typically the node just placed on: scalar is cheaper
                    position = int(positions[0])
                    node = int(memo.ring[position])
                    memo.store(position, self.fits(node), self.base_scores(node))
                else:
                    nodes = memo.ring[positions]
                    memo.store(positions, self.fits(nodes), self.base_scores(nodes))
        return fit == 1 if ok is None else ok & (fit == 1)

    @cached_property
    def all_open(self) -> bool:
        """Every node passes the feasibility checks, cold and warm."""
        return bool((self.cold == PASS).all() and (self.warm == PASS).all())

    def exhausted_codes(self, nodes: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """The dimension each of ``nodes`` (none fits) is exhausted on, as codes into the
        returned names; each node's is worked out once until it gets an allocation."""
        if self._dimensions is None:
            self._dimensions = np.full(self.table.n, -1, dtype=np.int16)
        codes = self._dimensions[nodes]
        unknown = codes < 0
        if unknown.any():
            fresh = nodes[unknown]
            if self.ask.has_ports or self.ask.devices or self.ledger.broken:
                # Network and devices come first and need the node's own sets.
                names = self._dimension_names
                distinct, back = np.unique(fresh, return_inverse=True)
                found = []
                for node in distinct.tolist():
                    name = exhausted_dimension(self, node)
                    if name not in names:
                        names.append(name)
                    found.append(names.index(name))
                new = np.array(found, dtype=np.int16)[back]
            else:
                new = self.ledger.numeric_failures(fresh, self.ask, self.cpu_ask(fresh))
            self._dimensions[fresh] = new
            codes[unknown] = new
        return codes, self._dimension_names

    def exhaustion(self) -> ExhaustionCodes:
        """The codes a Select made now reads its exhausted nodes' dimensions from (filled
        by the next ``settle``)."""
        if self._unsettled is None:
            self._unsettled = ExhaustionCodes(self._dimension_names)
        return self._unsettled

    def settle(self) -> None:
        """Work out the dimension of every node the Selects since the last call found
        exhausted, in one go, into the codes those Selects read (``exhaustion``).

        Only the group's own placements change a node it has seen, and a node that does not
        fit gets none until something is evicted from it: the nodes that do not fit now
        include every one those Selects found exhausted, each exhausted on what it was at
        its Select, until the group's Selects end or evict (the scheduler settles before
        either).
        """
        codes, self._unsettled = self._unsettled, None
        if codes is None:
            return
        memo = self.started
        n = len(self.cold)
        self.exhausted_codes(memo.ring[:n][memo.fit[:n] == 0])
        if self._dimensions is None:
            self._dimensions = np.full(self.table.n, -1, dtype=np.int16)
        codes.codes = self._dimensions.copy()

    def forget(self, node: int) -> None:
        """``node`` got an allocation: its fit and scores are computed again.

        With spreads every Select looks at most of the visit order, so the node is soon seen
        again and is computed now; otherwise when (and if) it is next seen.
        """
        if self._dimensions is not None:
            self._dimensions[node] = -1
        memo = self.memo
        if memo is None:
            return
        position = int(memo.position[node])
        if position < 0:
            return
        if self.spreads:
            memo.store(position, self.fits(node), self.base_scores(node))
        else:
            memo.forget(position)

    def pulled(self, cursor: Cursor) -> np.ndarray:
        """Table nodes the group's Selects have pulled (those before the last restart, one per
        computed class), in pull order."""
        n = cursor.n
        laps = min(cursor.pulls - self.first_pull, n)
        run = cursor.order[(self.run_start + np.arange(laps)) % n] if n else cursor.order
        return np.concatenate([self.pulled_before, run])

    def prefer(self, cursor: Cursor, node: int) -> int:
        """Pull ``node`` alone, as a Select with ``PreferredNodes`` first does, then restart
        the cursor at the first visit position; return the node's verdict.

        ``GenericStack.Select`` (stack.go) points the static iterator at the preferred nodes
        and back with ``SetNodes``, which sets its offset to 0 whether or not the preferred
        Select found a node: the next Select starts from the top of the shuffled order, not
        where the last one stopped. The preferred node goes through the same class cache
        (a node outside the job's pool or datacenters too), so the verdicts of the run that
        follows are worked out again from every class pulled so far.
        """
        if self.reverdict is None:
            raise RuntimeError("GroupState.reverdict must be set for Selects with a preferred node")
        pulled = self.pulled(cursor)
        first = first_positions(self.table.class_codes[pulled], self.table.class_count)
        seen = np.append(pulled[np.sort(first[first >= 0])], node)
        verdicts, self.cold, self.warm = self.reverdict(seen)
        for cached in ("_open_rings", "all_open"):
            self.__dict__.pop(cached, None)
        self.pulled_before = seen
        cursor.offset = 0
        cursor.pulls += 1
        self.first_pull, self.run_start = cursor.pulls, 0
        return int(verdicts[-1])

    def pulled_inputs(self, node: int, binpack: float, preemption: float | None = None) -> Inputs:
        """The chain's inputs of ``node`` pulled as an option now, scored ``binpack``: its
        spread boost is computed as ``SpreadIterator`` does, moving the running minimum."""
        boost = None
        if self.spreads:
            slots = [np.array([s.codes.item(node)]) for s in self.spreads]
            boosts, moving = self.spread.scores(self.spreads, slots)
            self.spread.advance(moving)
            boost = float(boosts[0])
        return Inputs(
            binpack,
            self.group_count.item(node),
            self.group.count,
            None if self.affinity is None else self.affinity.item(node),
            (node in self.penalty_nodes) if self.penalty_nodes else None,
            boost,
            preemption,
        )

    def lone_option(self, node: int, keep_top: bool) -> Choice:
        """The Select over ``node`` alone, which fits: with one option, ``LimitIterator``
        returns it (set aside or not) and ``MaxScoreIterator`` keeps it."""
        parts = self.pulled_inputs(node, float(self.binpack(node)))
        final = normalized(assemble(parts))
        if not keep_top:
            return Choice(node, final, parts, 1, None)
        top = TopScores(
            np.array([final]),
            np.array([node]),
            np.array([parts.binpack]),
            np.array([parts.collisions]),
            None if parts.boost is None else np.array([parts.boost]),
            self.group.count,
            self.penalty_nodes,
            self.affinity,
        )
        return Choice(node, final, parts, 1, top, Misses(1))

    def set_penalty(self, nodes: frozenset[int]) -> None:
        """The reschedule penalty nodes of the next Select (``SelectOptions.PenaltyNodeIDs``)."""
        self.penalty_nodes = nodes
        self._penalty_array = np.fromiter(nodes, dtype=np.int64, count=len(nodes))

    @cached_property
    def job_count(self) -> np.ndarray:
        return self.counts.job(self.job.id)

    @cached_property
    def group_count(self) -> np.ndarray:
        return self.counts.group(self.job.id, self.group.name)

    @overload
    def cpu_ask(self, nodes: int) -> float: ...
    @overload
    def cpu_ask(self, nodes: np.ndarray) -> np.ndarray | float: ...
    def cpu_ask(self, nodes: np.ndarray | int) -> np.ndarray | float:
        if not self.ask.cores:
            return self.ask.cpu
        return self.ask.cpu_on(at(self.ledger.capacity.mhz_per_core, nodes))

    @overload
    def binpack(self, nodes: int) -> float: ...
    @overload
    def binpack(self, nodes: np.ndarray) -> np.ndarray: ...
    def binpack(self, nodes: np.ndarray | int) -> np.ndarray | float:
        """The fit score (binpack or spread) of placing one more allocation on each node.

        For one node the score is looked up by its inputs: usage and capacity repeat across
        nodes of one shape, and numpy's scalar power costs more than the lookup.
        """
        ledger, cap = self.ledger, self.ledger.capacity
        inputs = (
            at(ledger.cpu, nodes) + self.cpu_ask(nodes),
            at(cap.cpu_divisor, nodes),
            at(ledger.memory_mb, nodes) + self.ask.memory_mb,
            at(cap.memory_divisor, nodes),
        )
        if not isinstance(nodes, int):
            return fit_score(self.algorithm, *inputs)
        score = self._fit_scores.get(inputs)
        if score is None:
            score = self._fit_scores[inputs] = float(fit_score(self.algorithm, *inputs))
        return score

    @cached_property
    def _fit_scores(self) -> dict[tuple, float]:
        return {}

    def verdicts_at(self, positions: np.ndarray, pulls: np.ndarray) -> np.ndarray:
        pulls = pulls - self.first_pull
        return np.where(pulls < len(self.cold), self.cold[positions], self.warm[positions])

    def window_open(self, start: int, stop: int, pulls: int) -> np.ndarray:
        """Whether positions ``start:stop`` (of the doubled order), pulled from pull number
        ``pulls`` on, pass the feasibility checks (a read-only view where possible).

        A node is cold the first time this group pulls it (its group-level class cache starts
        empty), warm afterwards; ``first_pull`` makes the count this group's own.
        """
        pulls -= self.first_pull
        n = len(self.cold)
        cold, warm = self._open_rings
        if pulls + stop - start <= n:
            return cold[start:stop]
        if pulls >= n:
            return warm[start:stop]
        lap = pulls + np.arange(stop - start) < n
        return np.where(lap, cold[start:stop], warm[start:stop])

    def extra_failure(self, node: int) -> str | None:
        """Network, then devices: the binpack checks that need per-node sets."""
        broken = self.ledger.broken.get(node)
        if broken:
            return broken
        if self.ask.has_ports:
            failure = self.ledger.port_failure(node, self.ask)
            if failure:
                return failure
        if self.ask.devices:
            return self.ledger.device_failure(self.table.nodes[node], node, self.ask)
        return None


@dataclass
class Options:
    """Scored positions of one window, in pull order.

    ``final`` has one entry per pulled position, -inf where the node is not an option
    (filtered, distinct rule, does not fit); ``mask`` marks the options (None: all are).
    Per-scorer values are not kept: ``report`` reads them for the few options a Select
    reports (the chosen one, the top 5), before anything on their nodes changes.
    """

    start: int  # the window's first position in the doubled visit order
    pulls: int  # the cursor's pull count when the window's first position was pulled
    final: np.ndarray
    mask: np.ndarray | None
    count: int  # options in the window
    boost: np.ndarray | None  # spread boost per position
    moving: np.ndarray  # spread boosts that move the running minimum, +inf for non-options

    def positions(self) -> np.ndarray | None:
        """Window index of each option (None: every position is one)."""
        return None if self.mask is None else np.flatnonzero(self.mask)

    def after(self, k: int) -> int:
        """Positions pulled up to and including the ``k``-th option."""
        return k if self.mask is None else int(np.flatnonzero(self.mask)[k - 1]) + 1

    def count_misses(self, state: GroupState, first: int, stop: int, misses: Misses) -> None:
        """Record in ``misses`` the filtered and exhausted nodes among window indices
        ``first:stop`` (pulled by one Select), as they stand now."""
        if self.mask is None:
            return
        if state.all_open and not state.rules.active:  # every miss is an exhausted node
            ring = state.started.ring[self.start + first : self.start + stop]
            misses.stretches.append((ring, self.mask[first:stop], state.exhaustion()))
            return
        indices = np.flatnonzero(~self.mask[first:stop]) + first
        if len(indices):
            positions = (self.start + indices) % len(state.cold)
            nodes = state.started.ring[positions]
            verdict = state.verdicts_at(positions, self.pulls + indices)
            count_misses(state, nodes, verdict, misses)

    def report_one(self, state: GroupState, i: int) -> tuple[int, float, Inputs]:
        """(node, final score, the scorers' inputs) at window index ``i``, read before
        anything on the node changes; its per-scorer scores are assembled from the inputs
        only when read (``chain.assemble``)."""
        position = self.start + i
        memo = state.started
        node = memo.ring.item(position)
        inputs = Inputs(
            memo.binpack.item(position),
            state.group_count.item(node),
            state.group.count,
            None if state.affinity is None else state.affinity.item(node),
            (node in state.penalty_nodes) if state.penalty_nodes else None,
            None if self.boost is None else self.boost.item(i),
        )
        return node, self.final.item(i), inputs

    def report(self, state: GroupState, indices: np.ndarray) -> list[tuple[int, float, Picked]]:
        """``report_one`` at many window indices (Selects made together), the inputs read
        as arrays once."""
        memo = state.started
        positions = self.start + indices
        nodes = memo.ring[positions]
        inputs = Inputs(
            memo.binpack[positions],
            state.group_count[nodes],
            state.group.count,
            None if state.affinity is None else state.affinity[nodes],
            np.isin(nodes, state._penalty_array) if state.penalty_nodes else None,
            None if self.boost is None else self.boost[indices],
        )
        return [
            (node, score, Picked(inputs, k))
            for k, (node, score) in enumerate(
                zip(nodes.tolist(), self.final[indices].tolist(), strict=True)
            )
        ]


def _window(state: GroupState, start: int, stop: int, pulls: int) -> Options:
    """Positions ``start:stop`` scored: the mean of the appended scores
    (``ScoreNormalizationIterator``) where the node is an option.

    Scores are computed over the whole window, which costs less than gathering the options
    first."""
    memo = state.started
    rules = state.rules.active
    ok = None if state.all_open and not rules else state.window_open(start, stop, pulls)
    if rules and ok is not None and ok.any():
        ok = ok.copy()
        nodes = memo.ring[start:stop][ok]
        ok[ok] = distinct_mask(state.rules, nodes, state.job_count, state.group_count)
    ok = state.fitting(start, stop, ok)
    count = int(np.count_nonzero(ok))
    mask = None if count == stop - start else ok
    total, appended = memo.total[start:stop], memo.appended[start:stop]
    penalized = None
    if state.penalty_nodes:
        penalized = np.isin(memo.ring[start:stop], state._penalty_array)
    boost, moving = None, NO_MOVES
    if state.spreads:
        slots = [column[start:stop] for column in memo.slots]
        boost, moving = state.spread.scores(state.spreads, slots, mask)
    if penalized is not None or boost is not None:
        inputs = Inputs(None, None, state.group.count, None, penalized, boost)
        total, appended = add_scores(state.per_select, inputs, total, appended)
    final = total / appended
    # Nodes not known to fit already score -inf; only nodes that fit but are filtered here
    # (a feasibility or distinct rule) need masking.
    if mask is not None and np.count_nonzero(final == -np.inf) != len(final) - count:
        final = np.where(mask, final, -np.inf)
    return Options(start, pulls, final, mask, count, boost, moving)


@dataclass
class _Limit:
    """``LimitIterator`` + ``MaxScoreIterator`` state across windows of one Select."""

    limit: int
    max_skip: int = MAX_SKIP
    threshold: float = SKIP_THRESHOLD
    returned: int = 0
    best: tuple[float, int, int] | None = None  # (score, window, window index)
    skipped: list[tuple[int, int]] = field(default_factory=list)  # (window, window index)

    def offer(self, w: int, options: Options) -> int | None:
        """Consume the window's options in order; return how many positions were pulled if
        the limit was reached."""
        scores, count, need = options.final, options.count, self.limit - self.returned
        if not count:
            return None
        room = self.max_skip - len(self.skipped)
        if room <= 0 or _all_above(options, self.threshold):
            k = len(scores) if count < need else options.after(need)
            i = int(np.argmax(scores[:k]))
            self.returned += min(count, need)
            self._consider(float(scores[i]), w, i)
            return k if count >= need else None
        # The first ``room`` non-positive options are set aside; each one before the limit is
        # reached lets the limit reach one option further.
        picked = options.positions()
        if picked is None:
            picked = np.arange(len(scores))
        values = scores[picked]
        skips = np.flatnonzero(values <= self.threshold)[:room].tolist()
        k = need
        for index in skips:
            if index < k:
                k += 1
        done = k <= count
        k = min(k, count)
        skips = [i for i in skips if i < k]
        self.skipped.extend((w, int(picked[i])) for i in skips)
        self.returned += k - len(skips)
        if k > len(skips):
            taken = values[:k].copy()
            taken[skips] = -np.inf
            i = int(picked[int(np.argmax(taken))])
            self._consider(float(scores[i]), w, i)
        return int(picked[k - 1]) + 1 if done else None

    def _consider(self, score: float, w: int, i: int) -> None:
        if self.best is None or score > self.best[0]:
            self.best = (score, w, i)

    def drain_skipped(self, score_of, direct: bool) -> None:
        """The source ran dry: hand back set-aside options exactly as ``LimitIterator.Next``.

        With fewer than ``maxSkip`` set aside, a returned one is set aside again and the next
        one is handed out instead, so ties among them may resolve to a later option. When the
        source ran dry while options were being set aside (``direct``: the last option pulled
        was set aside), that same ``Next`` hands out the first set-aside option unchecked.
        """
        skipped, index = list(self.skipped), 0
        if direct and self.returned < self.limit:
            self.returned += 1
            self._consider(score_of(skipped[0]), *skipped[0])
            index = 1
        while self.returned < self.limit:
            if index >= len(skipped):
                return
            option: tuple[int, int] | None = skipped[index]
            index += 1
            while (
                option is not None
                and score_of(option) <= self.threshold
                and len(skipped) < self.max_skip
            ):
                skipped.append(option)
                option = None
            self.returned += 1
            if option is None:
                if index >= len(skipped):
                    return
                option, index = skipped[index], index + 1
            self._consider(score_of(option), *option)


@dataclass
class Choice:
    """A successful Select."""

    node: int
    score: float
    parts: Scoring  # assembled into Parts when read (``chain.assemble``)
    nodes_evaluated: int
    top: TopScores | None
    misses: Misses | None = None  # filtered and exhausted nodes of the Select


def select(state: GroupState, cursor: Cursor, keep_top: bool = True) -> Choice | None:
    """Place one allocation of ``state.group``; None when no node fits (see ``failure_metric``).

    ``keep_top`` keeps the ScoreMetaData (top 5 options) of the Select.
    """
    if state.memo is None:
        state.remember(cursor.order)
    n = cursor.n
    seen, window = 0, window_for(state.limit)  # grows ×4 if short
    limit = _Limit(state.limit)
    consumed: list[tuple[Options, int]] = []  # each window and how many positions were pulled
    while seen < n:
        start = cursor.offset
        stop = start + min(window, n - seen)
        options = _window(state, start, stop, cursor.pulls)
        k = limit.offer(len(consumed), options)
        pulled = stop - start if k is None else k
        consumed.append((options, pulled))
        if state.spreads:
            state.spread.advance(options.moving[:pulled])
        cursor.offset = (cursor.offset + pulled) % n
        cursor.pulls += pulled
        seen += pulled
        if k is not None:
            break
        window *= 4
    else:
        limit.drain_skipped(
            lambda o: float(consumed[o[0]][0].final[o[1]]),
            bool(limit.skipped) and limit.skipped[-1] == _last_option(consumed),
        )
    if limit.best is None:
        return None
    _, w, i = limit.best
    node, score, parts = consumed[w][0].report_one(state, i)
    if not keep_top:
        return Choice(node, score, parts, seen, None)
    top = TopScores.kept(state, consumed, limit.best[0])
    misses = Misses(seen)
    for options, pulled in consumed:
        options.count_misses(state, 0, pulled, misses)
    return Choice(node, score, parts, seen, top, misses)


def select_preferred(
    state: GroupState, cursor: Cursor, node: int, keep_top: bool = True
) -> Choice | None:
    """The Select over the preferred ``node`` alone (``SelectOptions.PreferredNodes``, set
    by ``findPreferredNode`` in generic_sched.go for a replacement with a sticky or migrating
    ephemeral disk); None when it is not an option, and the caller's Select then runs over
    every node from the first visit position (``GroupState.prefer``). Its metric is
    Nomad's only when it finds the node: the next Select resets the context."""
    if state.prefer(cursor, node) != PASS:
        return None
    one = np.array([node])
    if (
        state.rules.active
        and not distinct_mask(state.rules, one, state.job_count, state.group_count)[0]
    ):
        return None
    if not state.fits(node):
        return None
    return state.lone_option(node, keep_top)


def max_score_option(
    scores: Sequence[float],
    limit: int,
    max_skip: int = MAX_SKIP,
    threshold: float = SKIP_THRESHOLD,
) -> int | None:
    """Index of the option ``MaxScoreIterator`` returns over ``LimitIterator(limit,
    threshold, max_skip)`` over options scored ``scores`` in that order (select.go), as one
    Select computes it; None when nothing is returned."""
    final = np.asarray(scores, dtype=float)
    if limit <= 0 or not len(final):
        return None
    options = Options(0, 0, final, None, len(final), None, NO_MOVES)
    state = _Limit(limit, max_skip, threshold)
    if state.offer(0, options) is None:
        state.drain_skipped(
            lambda o: float(final[o[1]]),
            bool(state.skipped) and state.skipped[-1] == (0, len(final) - 1),
        )
    return None if state.best is None else state.best[2]


def _last_option(consumed: list[tuple[Options, int]]) -> tuple[int, int] | None:
    """(window, index) of the last option pulled by a Select that ran the source dry."""
    for w in range(len(consumed) - 1, -1, -1):
        options = consumed[w][0]
        if options.count:
            picked = options.positions()
            return w, len(options.final) - 1 if picked is None else int(picked[-1])
    return None


def _all_above(options: Options, threshold: float = SKIP_THRESHOLD) -> bool:
    """No option scores ≤ ``threshold`` (non-options, at -inf, are counted apart)."""
    if options.mask is None:
        return bool(options.final.min() > threshold)
    low = int(np.count_nonzero(options.final <= threshold))
    return low == len(options.final) - options.count


def score_meta_order(final: np.ndarray) -> list[int]:
    """Indices of the ``ScoreMetaData`` entries, in their order, of options scored in index
    order (-inf: not an option, never scored).

    ``kheap.ScoreHeap`` is a min-heap of 5 driven by Go's container/heap: an option enters
    while there is room, or replaces the root when strictly above it; the entries come out
    by popping, so equal scores come out in the order the heap's shape gives them, not in
    scoring order. The root only rises, so the options left are cut in one vector step at
    the root, and cut again after every ``_HEAD`` × 4 of them offered one by one.
    """
    heap = _ScoreHeap()
    heap.offer(enumerate(final[:_HEAD].tolist()))
    start = _HEAD
    while start < len(final):
        picked = np.flatnonzero(final[start:] > heap.root())[: _HEAD * 4] + start
        heap.offer(zip(picked.tolist(), final[picked].tolist(), strict=True))
        start = int(picked[-1]) + 1 if len(picked) == _HEAD * 4 else len(final)
    return heap.items_reverse()


_HEAD = 32  # options offered one by one before the first cut


class _ScoreHeap:
    """``kheap.ScoreHeap`` of ``TOP_SCORES`` scores as Go's container/heap moves it."""

    __slots__ = ("items", "keys")

    def __init__(self) -> None:
        self.keys: list[float] = []
        self.items: list[int] = []

    def root(self) -> float:
        """The score an option must beat to enter (-inf, never scored, while there is room)."""
        return self.keys[0] if len(self.keys) == TOP_SCORES else -np.inf

    def offer(self, options: Iterable[tuple[int, float]]) -> None:
        """(index, score) options in order: ``heap.Push`` while there is room (-inf
        skipped), then replace the root (``heap.Fix``) when strictly above it."""
        keys, items = self.keys, self.items
        options = iter(options)
        if len(keys) < TOP_SCORES:
            for i, score in options:
                if score == -np.inf:
                    continue
                keys.append(score)
                items.append(i)
                j = len(keys) - 1  # up
                while j > 0:
                    p = (j - 1) // 2
                    if not keys[j] < keys[p]:
                        break
                    keys[j], keys[p], items[j], items[p] = keys[p], keys[j], items[p], items[j]
                    j = p
                if len(keys) == TOP_SCORES:
                    break
        root = self.root()
        for i, score in options:
            if score > root:
                keys[0], items[0] = score, i
                _down(keys, items, TOP_SCORES)
                root = keys[0]

    def items_reverse(self) -> list[int]:
        """The indices as ``GetItemsReverse`` orders them: popped one by one, filled from the
        back (the heap is emptied)."""
        keys, items, out = self.keys, self.items, []
        for n in range(len(keys) - 1, 0, -1):
            keys[0], keys[n], items[0], items[n] = keys[n], keys[0], items[n], items[0]
            _down(keys, items, n)
            out.append(items.pop())
            keys.pop()
        out.extend(items)
        return out[::-1]


def _down(keys: list[float], items: list[int], n: int) -> None:
    """container/heap's ``down`` from the root over the first ``n`` entries."""
    j = 0
    while True:
        c = 2 * j + 1
        if c >= n:
            return
        if c + 1 < n and keys[c + 1] < keys[c]:
            c += 1
        if not keys[c] < keys[j]:
            return
        keys[j], keys[c], items[j], items[c] = keys[c], keys[j], items[c], items[j]
        j = c


def window_for(limit: int) -> int:
    """Positions a Select looks at first: the limit, the set-aside options and some filtered
    nodes."""
    return max(32, limit + MAX_SKIP + limit // 4)


class TopScores(msgspec.Struct, frozen=True):
    """The ``ScoreMetaData`` of one Select (``PopulateScoreMetaData``), kept as the score
    columns of its options and worked out when read (``reports``).

    The columns that later placements change (bin-pack, collisions) are copied when the
    Select is made, before anything on their nodes changes (the final scores and boosts are
    the Select's own arrays);
    the ``kheap.ScoreHeap`` order and the per-scorer scores are worked out from them only
    for placements whose metadata is read. Options after the fifth one scoring the maximum
    never enter the heap (five earlier options score at least as much), so they are not kept.
    """

    final: np.ndarray  # final score per option in pull order, -inf: not an option
    nodes: np.ndarray
    binpack: np.ndarray
    collisions: np.ndarray  # allocations of the group on the node when it was scored
    boost: np.ndarray | None  # spread boost
    count: int  # the group's count (job anti-affinity)
    penalty_nodes: frozenset[int]
    affinity: np.ndarray | None  # per table node
    # Per node: the preemption score of the Select's options that evict (eviction on).
    preemption: dict[int, float] = msgspec.field(default_factory=dict)

    @classmethod
    def kept(cls, state: GroupState, consumed: list[tuple[Options, int]], best: float) -> TopScores:
        """The columns of a Select's options: ``consumed`` is each window it pulled and how
        many of its first positions it pulled, ``best`` the score of the option chosen."""
        if len(consumed) == 1:  # one window: its columns are slices
            options, used = consumed[0]
            reach = _heap_reach(options.final[:used], best)
            positions: np.ndarray | slice = slice(options.start, options.start + reach)
            # Views: the window's arrays are never written after the Select, and a Select's
            # window is not much longer than what enters its heap.
            boost = options.boost
            return cls.at(
                state, options.final[:reach], positions, None if boost is None else boost[:reach]
            )
        final = np.concatenate([o.final[:used] for o, used in consumed])
        reach = _heap_reach(final, best)
        positions = np.concatenate([o.start + np.arange(used) for o, used in consumed])[:reach]
        boost = None
        if consumed[0][0].boost is not None:
            boost = np.concatenate([o.boost[:used] for o, used in consumed if o.boost is not None])
        return cls.at(state, final[:reach], positions, None if boost is None else boost[:reach])

    @classmethod
    def at(
        cls,
        state: GroupState,
        final: np.ndarray,
        positions: np.ndarray | slice,
        boost: np.ndarray | None,
    ) -> TopScores:
        """Options scored ``final`` at visit ``positions`` (of the memo's doubled order)."""
        memo = state.started
        nodes = memo.ring[positions]
        binpack = memo.binpack[positions]
        return cls(
            final,
            nodes,
            binpack.copy() if isinstance(positions, slice) else binpack,
            state.group_count[nodes],
            boost,
            state.group.count,
            state.penalty_nodes,
            state.affinity,
        )

    def row(self, first: int, stop: int) -> TopScores:
        """The options ``first:stop`` of these (one Select's among Selects made together)."""
        return TopScores(
            self.final[first:stop],
            self.nodes[first:stop],
            self.binpack[first:stop],
            self.collisions[first:stop],
            None if self.boost is None else self.boost[first:stop],
            self.count,
            self.penalty_nodes,
            self.affinity,
            self.preemption,
        )

    def reports(self) -> list[tuple[int, float, Parts]]:
        """(node, final score, per-scorer scores) of the heap's entries in their order."""
        out = []
        for i in score_meta_order(self.final):
            node = self.nodes.item(i)
            inputs = Inputs(
                self.binpack.item(i),
                self.collisions.item(i),
                self.count,
                None if self.affinity is None else self.affinity.item(node),
                (node in self.penalty_nodes) if self.penalty_nodes else None,
                None if self.boost is None else self.boost.item(i),
                self.preemption.get(node, np.nan) if self.preemption else None,
            )
            out.append((node, self.final.item(i), assemble(inputs)))
        return out


def add_scores(
    scorers: Iterable[RankScorer], inputs: Inputs, total: Any, appended: Any
) -> tuple[Any, Any]:
    """``total`` and ``appended`` with what ``scorers`` append to the options of ``inputs``
    (``ScoreNormalizationIterator`` sums and counts them)."""
    for scorer in scorers:
        value, count = scorer.score(inputs)
        total = total + value
        appended = appended + count
    return total, appended


def _heap_reach(final: np.ndarray, best: float) -> int:
    """How many of the options scored ``final`` (in order) may enter ``kheap.ScoreHeap``:
    up to the fifth one scoring the maximum.

    ``best`` is the chosen option's score: above the skip threshold it is the maximum (every
    other option pulled was returned, so scores no more, or set aside, so scores ≤ 0)."""
    if not len(final):
        return 0
    tops = (final == (best if best > SKIP_THRESHOLD else final.max())).nonzero()[0]
    return len(final) if len(tops) < TOP_SCORES else int(tops[TOP_SCORES - 1]) + 1


@dataclass
class ExhaustionCodes:
    """Per table node, the dimension it is exhausted on (index into ``names``) as the
    Selects reading these saw it; filled by ``GroupState.settle`` after them."""

    names: list[str]
    codes: np.ndarray | None = None


@dataclass
class Misses:
    """The nodes a Select pulled that were not options, with their reason codes per
    stretch: counted by (node class, reason) into an ``AllocMetric`` only when one is asked
    for."""

    nodes_evaluated: int
    # (filtered, table nodes, reason codes, reason texts)
    parts: list[tuple[bool, np.ndarray, np.ndarray, Sequence[str]]] = field(default_factory=list)
    # Stretches where every node that is not an option is exhausted: (table node per pulled
    # position, option mask, their exhaustion codes); kept as they are until read.
    stretches: list[tuple[np.ndarray, np.ndarray, ExhaustionCodes]] = field(default_factory=list)

    def add_to(self, metric: AllocMetric, classes: Column) -> AllocMetric:
        """``FilterNode`` / ``ExhaustedNode`` for every miss, per (class, reason) at once;
        ``classes``: the table's user node class column."""
        for filtered, nodes, codes, names in self.parts:
            record = metric.filter_node if filtered else metric.exhausted_node
            for (c, code), count in _tally(classes.codes[nodes], codes):
                record(classes.values[c], names[code], count)
        for ring, mask, exhaustion in self.stretches:
            if exhaustion.codes is None:
                raise RuntimeError("GroupState.settle must run before the misses are read")
            nodes = ring[~mask]
            if len(nodes):
                for (c, code), count in _tally(classes.codes[nodes], exhaustion.codes[nodes]):
                    metric.exhausted_node(classes.values[c], exhaustion.names[code], count)
        return metric

    def metric(self, classes: Column) -> AllocMetric:
        return self.add_to(AllocMetric(nodes_evaluated=self.nodes_evaluated), classes)


def failure_metric(
    state: GroupState, cursor: Cursor, pulls_before: int, metric: AllocMetric
) -> None:
    """Fill ``metric`` as a Select that pulled every node once from ``cursor.offset`` and failed.

    A Select fails only when not one node fits, so the failed Select has walked the whole
    cycle: each node is either filtered (feasibility or distinct reason) or exhausted.
    """
    n = cursor.n
    offsets = np.arange(n)
    positions = (cursor.offset + offsets) % n
    verdict = state.verdicts_at(positions, pulls_before + offsets)
    metric.nodes_evaluated += n
    misses = Misses(n)
    count_misses(state, cursor.order[positions], verdict, misses)
    misses.add_to(metric, state.table.node_class_column)


def count_misses(state: GroupState, nodes: np.ndarray, verdict: np.ndarray, misses: Misses) -> None:
    """Nodes pulled that were not options: filtered by their feasibility verdict or a
    distinct rule (``FilterNode``), else exhausted (``ExhaustedNode``) by the dimension that
    does not fit now."""
    if state.rules.active:
        verdict = verdict.copy()
        open_ = np.flatnonzero(verdict == PASS)
        if len(open_):
            verdict[open_] = distinct_verdicts(
                state.rules, nodes[open_], state.job_count, state.group_count, state.reasons
            )
    exhausted = verdict == PASS
    if not exhausted.all():
        filtered = ~exhausted
        misses.parts.append((True, nodes[filtered], verdict[filtered], state.reasons.texts))
    if not exhausted.any():
        return
    found = nodes[exhausted]
    codes, names = state.exhausted_codes(found)
    misses.parts.append((False, found, codes, names))


def _tally(first: np.ndarray, second: np.ndarray) -> list[tuple[tuple[int, int], int]]:
    """Counts of each (first, second) pair of non-negative codes, in first-seen order."""
    width = int(second.max()) + 1
    keys, index, counts = np.unique(
        first.astype(np.int64) * width + second, return_index=True, return_counts=True
    )
    seen = np.argsort(index, kind="stable")
    return [
        ((k // width, k % width), n)
        for k, n in zip(keys[seen].tolist(), counts[seen].tolist(), strict=True)
    ]


def exhausted_dimension(state: GroupState, node: int) -> str:
    """The dimension Nomad records for a node that does not fit (network, devices, then numeric)."""
    extra = state.extra_failure(node)
    if extra:
        return extra
    nodes = np.array([node])
    code = int(state.ledger.numeric_failures(nodes, state.ask, state.cpu_ask(nodes))[0])
    return NUMERIC_DIMS[code]
