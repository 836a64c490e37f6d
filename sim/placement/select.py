"""One ``GenericStack.Select``: walk the shuffled nodes, score, limit, keep the max (spec §e.5, §f).

Nomad pulls nodes one at a time through its iterator chain. Here the same walk is done a
window at a time: verdicts, distinct rules, fit and scores for the whole window are vector
operations, then the limit iterator's rule picks how far into the window Nomad would have
pulled. Only that prefix counts (NodesEvaluated, the spread running minimum, the static
iterator position), so the result is the node-by-node one, at O(limit) work per Select.

Reproduced from scheduler/feasible/select.go and feasible.go:
- ``StaticIterator`` keeps its offset between Selects and wraps; each Select pulls every
  node at most once; the class cache is warm on the second visit of a node.
- ``LimitIterator``: returns ``limit`` options; the first 3 options with a final score ≤ 0
  are set aside and only come back after the source runs dry (in Nomad's slightly odd
  order, reproduced in ``_drain_skipped``).
- ``MaxScoreIterator``: highest final score, ties to the first returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from models import Job, TaskGroup

from ..feasibility.reasons import PASS, ReasonTable
from ..metrics import AllocMetric
from ..nodetable import NodeTable
from .distinct import DistinctRules, distinct_mask, distinct_verdicts
from .resources import NUMERIC_DIMS, GroupAsk, Ledger
from .scoring import NO_MOVES, SpreadScorer, SpreadSet, anti_affinity, fit_score

MAX_SKIP = 3
SKIP_THRESHOLD = 0.0
TOP_SCORES = 5  # MaxRetainedNodeScores
# Remembering fit and score per node, and a partial sort for the top scores, pay off when a
# Select scores many nodes (the limit of a group with affinities or spreads); for a handful
# of nodes they only add work.
MEMO_FROM_LIMIT = 64


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
        return self.by_job.setdefault(job_id, np.zeros(self.n, dtype=np.int64))

    def group(self, job_id: str, group: str) -> np.ndarray:
        return self.by_group.setdefault((job_id, group), np.zeros(self.n, dtype=np.int64))

    def add(self, job_id: str, group: str, node: int) -> None:
        self.job(job_id)[node] += 1
        self.group(job_id, group)[node] += 1


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

    @cached_property
    def _fit_memo(self) -> np.ndarray:
        """Per node: 1 fits, 0 does not, -1 not known yet (see ``forget``)."""
        return np.full(self.table.n, -1, dtype=np.int8)

    @cached_property
    def _base_memo(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return np.full(self.table.n, np.nan), np.zeros(self.table.n), np.zeros(self.table.n)

    def fits(self, nodes: np.ndarray) -> np.ndarray:
        """Whether one more allocation fits each node, remembered between Selects.

        Within one group's Selects only its own placements change the ledger, and ``forget``
        is called for each, so a node's answer stays valid until then.
        """
        if self.limit < MEMO_FROM_LIMIT:
            return self._fits_now(nodes)
        memo = self._fit_memo
        known = memo[nodes]
        unknown = known < 0
        if unknown.any():
            fresh = nodes[unknown]
            memo[fresh] = self._fits_now(fresh)
            known = memo[nodes]
        return known == 1

    def _fits_now(self, nodes: np.ndarray) -> np.ndarray:
        ok = self.ledger.fits(nodes, self.ask, self.cpu_ask(nodes))
        if self.ask.has_ports or self.ask.devices:
            for i in np.flatnonzero(ok).tolist():
                ok[i] = self.extra_failure(int(nodes[i])) is None
        return ok

    def base_scores(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sum and number of the appended scores other than spread, and the binpack score,
        remembered like ``fits``.

        Binpack, job anti-affinity and node affinity of a node change only when this group
        places on it; spread boosts change with every placement and are added per Select.
        """
        if self.limit < MEMO_FROM_LIMIT:
            return self._base_now(nodes)
        total, appended, binpack = self._base_memo
        known = total[nodes]
        unknown = np.isnan(known)
        if unknown.any():
            fresh = nodes[unknown]
            total[fresh], appended[fresh], binpack[fresh] = self._base_now(fresh)
            known = total[nodes]
        return known, appended[nodes], binpack[nodes]

    def _base_now(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        binpack = self.binpack(nodes)
        total = binpack
        appended = np.ones(len(nodes))
        collisions = self.group_count[nodes]
        if collisions.any():
            hit = collisions > 0
            total = total + np.where(hit, anti_affinity(collisions, self.group.count), 0.0)
            appended = appended + hit
        if self.affinity is not None:
            total = total + self.affinity[nodes]
            appended = appended + 1.0
        return total, appended, binpack

    def score_parts(self, node: int, binpack: float, spread: float) -> np.ndarray:
        """Per-scorer scores of one option (``ScoreMetaData``); NaN where nothing was appended."""
        collisions = int(self.group_count[node])
        anti = -(collisions + 1.0) / max(self.group.count, 1) if collisions else np.nan
        affinity = np.nan if self.affinity is None else float(self.affinity[node])
        return np.array([binpack, anti, affinity, spread if spread != 0.0 else np.nan])

    def forget(self, node: int) -> None:
        """``node`` got an allocation: its fit and scores must be computed again."""
        if "_fit_memo" in self.__dict__:
            self._fit_memo[node] = -1
        if "_base_memo" in self.__dict__:
            self._base_memo[0][node] = np.nan

    @cached_property
    def job_count(self) -> np.ndarray:
        return self.counts.job(self.job.id)

    @cached_property
    def group_count(self) -> np.ndarray:
        return self.counts.group(self.job.id, self.group.name)

    def cpu_ask(self, nodes: np.ndarray) -> np.ndarray | float:
        if not self.ask.cores:
            return self.ask.cpu
        return self.ask.cpu_on(self.ledger.capacity.mhz_per_core[nodes])

    def binpack(self, nodes: np.ndarray) -> np.ndarray:
        """The fit score (binpack or spread) of placing one more allocation on each node."""
        ledger, cap = self.ledger, self.ledger.capacity
        return fit_score(
            self.algorithm,
            ledger.cpu[nodes] + self.cpu_ask(nodes),
            cap.inverse_cpu[nodes],
            ledger.memory_mb[nodes] + self.ask.memory_mb,
            cap.inverse_memory[nodes],
        )

    def verdicts_at(self, positions: np.ndarray, pulls: np.ndarray) -> np.ndarray:
        pulls = pulls - self.first_pull
        return np.where(pulls < len(self.cold), self.cold[positions], self.warm[positions])

    def window_verdicts(self, start: int, stop: int, pulls: int) -> np.ndarray:
        """Verdicts of positions ``start:stop`` pulled from pull number ``pulls`` on.

        A node is cold the first time this group pulls it (its group-level class cache starts
        empty), warm afterwards; ``first_pull`` makes the count this group's own.
        """
        pulls -= self.first_pull
        n = len(self.cold)
        if pulls + stop - start <= n:
            return self.cold[start:stop]
        if pulls >= n:
            return self.warm[start:stop]
        lap = pulls + np.arange(stop - start) < n
        return np.where(lap, self.cold[start:stop], self.warm[start:stop])

    def extra_failure(self, node: int) -> str | None:
        """Network, then devices: the binpack checks that need per-node sets."""
        if self.ask.has_ports:
            failure = self.ledger.port_failure(node, self.ask)
            if failure:
                return failure
        if self.ask.devices:
            return self.ledger.device_failure(self.table.nodes[node], node, self.ask)
        return None


@dataclass
class Options:
    """Scored options of one window, in pull order.

    Per-scorer values are not kept: ``parts`` rebuilds them for the few options a Select
    reports (the chosen one, the top 5), before anything on their nodes changes.
    """

    pulls: np.ndarray  # pull index within the window
    nodes: np.ndarray
    final: np.ndarray
    binpack: np.ndarray
    boost: np.ndarray | None  # spread boost per option
    moving: np.ndarray  # spread boosts that move the running minimum

    def prefix(self, k: int) -> Options:
        boost = None if self.boost is None else self.boost[:k]
        return Options(
            self.pulls[:k], self.nodes[:k], self.final[:k], self.binpack[:k], boost, self.moving[:k]
        )

    def parts(self, state: GroupState, i: int) -> np.ndarray:
        spread = 0.0 if self.boost is None else float(self.boost[i])
        return state.score_parts(int(self.nodes[i]), float(self.binpack[i]), spread)


def _score(state: GroupState, pulls: np.ndarray, nodes: np.ndarray) -> Options:
    """Appended scores and their mean (``ScoreNormalizationIterator``)."""
    total, appended, binpack = state.base_scores(nodes)
    if not state.spreads:
        return Options(pulls, nodes, total / appended, binpack, None, NO_MOVES)
    boost, moving = state.spread.scores(state.spreads, nodes)
    final = (total + boost) / (appended + (boost != 0.0))
    return Options(pulls, nodes, final, binpack, boost, moving)



@dataclass
class _Limit:
    """``LimitIterator`` + ``MaxScoreIterator`` state across windows of one Select."""

    limit: int
    returned: int = 0
    best: tuple[float, int, int] | None = None  # (score, window, index)
    skipped: list[tuple[int, int]] = field(default_factory=list)  # (window, index)

    def offer(self, w: int, scores: np.ndarray) -> int | None:
        """Consume options in order; return how many were pulled if the limit was reached."""
        m, need = len(scores), self.limit - self.returned
        if not m:
            return None
        nonpos = scores <= SKIP_THRESHOLD
        room = MAX_SKIP - len(self.skipped)
        if room <= 0 or not nonpos.any():
            k = min(need, m)
            i = int(np.argmax(scores[:k]))
            self.returned += k
            self._consider(float(scores[i]), w, i)
            return k if k == need else None
        skip = nonpos & (np.cumsum(nonpos) <= room)
        cum = np.cumsum(~skip)
        done = int(cum[-1]) >= need
        k = int(np.searchsorted(cum, need)) + 1 if done else m
        self.skipped.extend((w, int(i)) for i in np.flatnonzero(skip[:k]))
        taken = np.flatnonzero(~skip[:k])
        self.returned += len(taken)
        if len(taken):
            i = int(taken[np.argmax(scores[taken])])
            self._consider(float(scores[i]), w, i)
        return k if done else None

    def _consider(self, score: float, w: int, i: int) -> None:
        if self.best is None or score > self.best[0]:
            self.best = (score, w, i)

    def drain_skipped(self, score_of) -> None:
        """The source ran dry: hand back set-aside options exactly as ``LimitIterator.Next``.

        With fewer than ``maxSkip`` set aside, a returned one is set aside again and the next
        one is handed out instead, so ties among them may resolve to a later option.
        """
        skipped, index = list(self.skipped), 0
        while self.returned < self.limit:
            if index >= len(skipped):
                return
            option, index = skipped[index], index + 1
            while (
                option is not None
                and score_of(option) <= SKIP_THRESHOLD
                and len(skipped) < MAX_SKIP
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
    parts: np.ndarray
    nodes_evaluated: int
    top: list[tuple[int, float, np.ndarray]] | None


def select(state: GroupState, cursor: Cursor, keep_top: bool = True) -> Choice | None:
    """Place one allocation of ``state.group``; None when no node fits (see ``failure_metric``).

    ``keep_top`` keeps the ScoreMetaData (top 5 options) of the Select.
    """
    n = cursor.n
    # Room for the limit, the set-aside options and some filtered nodes; grows ×4 if short.
    seen, window = 0, max(32, state.limit + MAX_SKIP + state.limit // 4)
    limit = _Limit(state.limit)
    consumed: list[Options] = []
    while seen < n:
        width = min(window, n - seen, n - cursor.offset)  # a window never wraps
        start, stop = cursor.offset, cursor.offset + width
        verdict = state.window_verdicts(start, stop, cursor.pulls)
        ok = verdict == PASS
        nodes = cursor.order[start:stop]
        if state.rules.active and ok.any():
            ok[ok] = distinct_mask(state.rules, nodes[ok], state.job_count, state.group_count)
        idx = np.flatnonzero(ok)
        if len(idx):
            fit = state.fits(nodes[idx])
            idx = idx[fit]
        options = _score(state, idx, nodes[idx])
        k = limit.offer(len(consumed), options.final)
        pulled = width if k is None else int(options.pulls[k - 1]) + 1
        used = len(options.final) if k is None else k
        consumed.append(options.prefix(used))
        if state.spreads:
            state.spread.advance(options.moving[:used])
        cursor.offset = (cursor.offset + pulled) % n
        cursor.pulls += pulled
        seen += pulled
        if k is not None:
            break
        window *= 4
    else:
        limit.drain_skipped(lambda o: float(consumed[o[0]].final[o[1]]))
    if limit.best is None:
        return None
    _, w, i = limit.best
    chosen = consumed[w]
    return Choice(
        node=int(chosen.nodes[i]),
        score=float(chosen.final[i]),
        parts=chosen.parts(state, i),
        nodes_evaluated=seen,
        top=_top_scores(state, consumed) if keep_top else None,
    )


def _top_scores(
    state: GroupState, consumed: list[Options]
) -> list[tuple[int, float, np.ndarray]]:
    """``PopulateScoreMetaData``: the 5 best options of the Select by normalized score."""
    if len(consumed) == 1:
        merged = consumed[0]
    else:
        merged = Options(
            np.concatenate([o.pulls for o in consumed]),
            np.concatenate([o.nodes for o in consumed]),
            np.concatenate([o.final for o in consumed]),
            np.concatenate([o.binpack for o in consumed]),
            None if consumed[0].boost is None else np.concatenate([o.boost for o in consumed]),
            NO_MOVES,
        )
    final = merged.final
    if len(final) > MEMO_FROM_LIMIT:
        # Only options scoring at least the 5th best can be among the top; sort just those.
        fifth = np.partition(final, len(final) - TOP_SCORES)[len(final) - TOP_SCORES]
        near = np.flatnonzero(final >= fifth)
        best = near[np.argsort(-final[near], kind="stable")][:TOP_SCORES]
    else:
        best = np.argsort(-final, kind="stable")[:TOP_SCORES]
    return [(int(merged.nodes[i]), float(final[i]), merged.parts(state, i)) for i in best.tolist()]


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
    nodes = cursor.order[positions]
    open_ = np.flatnonzero(verdict == PASS)
    if state.rules.active and len(open_):
        verdict[open_] = distinct_verdicts(
            state.rules, nodes[open_], state.job_count, state.group_count, state.reasons
        )
    metric.nodes_evaluated += n
    user_class = state.table.node_class_column
    for i in np.flatnonzero(verdict != PASS).tolist():
        node = int(nodes[i])
        metric.filter_node(
            user_class.values[user_class.codes[node]], state.reasons.texts[verdict[i]]
        )
    for node in nodes[verdict == PASS].tolist():
        metric.exhausted_node(
            user_class.values[user_class.codes[node]], exhausted_dimension(state, node)
        )


def exhausted_dimension(state: GroupState, node: int) -> str:
    """The dimension Nomad records for a node that does not fit (network, devices, then numeric)."""
    extra = state.extra_failure(node)
    if extra:
        return extra
    nodes = np.array([node])
    code = int(state.ledger.numeric_failures(nodes, state.ask, state.cpu_ask(nodes))[0])
    return NUMERIC_DIMS[code]
