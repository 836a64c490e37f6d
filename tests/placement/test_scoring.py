"""Fit scores, the limit, the limit/max-score iterators: Nomad's numbers.

``nomad/structs/funcs.go: ScoreFitBinPack``, ``scheduler/feasible/stack.go: GenericStack.SetNodes``
(the limit), ``scheduler/feasible/select.go: LimitIterator.Next``, ``MaxScoreIterator.Next``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.placement import limit_for, score_fit_binpack, score_fit_spread
from sim.placement.scoring import (
    BINPACK_MAX_FIT,
    NO_MOVES,
    SpreadSet,
    even_spread_boost,
    even_spread_table,
    scored_limit,
)
from sim.placement.select import Options, _Limit


def _window(scores: list[float], options: list[bool] | None = None) -> Options:
    """A window whose positions score ``scores``; ``options`` marks which are options."""
    mask = None if options is None else np.array(options)
    final = np.array(scores, dtype=float)
    if mask is not None:
        final[~mask] = -np.inf
    count = len(scores) if mask is None else int(mask.sum())
    return Options(0, 0, final, mask, count, None, NO_MOVES)


def _free(used_cpu: float, used_mem: float) -> tuple[float, float]:
    # TestScoreFitBinPack: node 4096 MHz / 8192 MB, reserved 2048 / 4096.
    return 1 - used_cpu / 2048, 1 - used_mem / 4096


@pytest.mark.parametrize(
    ("util", "binpack", "spread"),
    [((2048, 4096), 18.0, 0.0), ((0, 0), 0.0, 18.0), ((1024, 2048), 13.675, 4.325)],
)
def test_fit_scores_match_nomad_tests(util, binpack, spread):
    free = _free(*util)
    assert float(score_fit_binpack(*free)) == pytest.approx(binpack, abs=1e-3)
    assert float(score_fit_spread(*free)) == pytest.approx(spread, abs=1e-3)


def test_mock_node_binpack_and_normalized():
    # 4 × 3500 MHz, 8192 MB, reserved 100 MHz / 256 MB; ask 500 MHz / 256 MB on an empty node.
    fit = float(score_fit_binpack(1 - 500 / 13900, 1 - 256 / 7936))
    assert fit == pytest.approx(1.5107, abs=1e-4)
    assert fit / BINPACK_MAX_FIT == pytest.approx(0.0839, abs=1e-4)


@pytest.mark.parametrize(
    ("n", "limit"),
    [(1, 2), (4, 2), (5, 3), (8, 3), (9, 4), (16, 4), (17, 5), (100, 7), (1000, 10)],
)
def test_service_limit(n, limit):
    assert limit_for("service", n) == limit


def test_batch_limit_and_scored_limit():
    assert limit_for("batch", 10_000) == 2
    assert scored_limit(10) == 100
    assert scored_limit(300) == 300


def test_limit_sets_aside_non_positive_scores():
    limit = _Limit(2)
    # -0.5 and 0.0 are set aside; 0.3 and 0.2 fill the limit; 0.9 is never pulled.
    pulled = limit.offer(0, _window([-0.5, 0.3, 0.0, 0.2, 0.9]))
    assert pulled == 4
    assert limit.best == (0.3, 0, 1)
    assert limit.skipped == [(0, 0), (0, 2)]


def test_limit_counts_options_not_pulled_nodes():
    limit = _Limit(2)
    # Position 1 is filtered and position 2 set aside: the two options are positions 0 and 3,
    # so four nodes are pulled and the best is the first one.
    window = _window([0.4, 0.0, -0.5, 0.3, 0.2], [True, False, True, True, True])
    assert limit.offer(0, window) == 4
    assert limit.best == (0.4, 0, 0)
    assert limit.skipped == [(0, 2)]


def test_limit_not_reached_pulls_the_whole_window():
    limit = _Limit(5)
    window = _window([0.1, 0.0, 0.3], [True, False, True])
    assert limit.offer(0, window) is None
    assert (limit.returned, limit.best) == (2, (0.3, 0, 2))


def test_limit_returns_set_aside_options_when_dry():
    limit = _Limit(3)
    scores = np.array([-0.2, -0.1])
    assert limit.offer(0, _window(scores.tolist())) is None
    limit.drain_skipped(lambda o: float(scores[o[1]]), direct=True)
    assert limit.best[0] == -0.1


def test_max_score_ties_keep_the_first():
    limit = _Limit(3)
    limit.offer(0, _window([0.5, 0.5, 0.4]))
    assert limit.best == (0.5, 0, 0)


def test_even_spread_boost():
    counts = np.array([2, 1, 0])
    slots = np.array([0, 1, 2])
    # value 0 above the min → (1-2)/1; value 1 at the min, spread uneven → (2-1)/1;
    # value 2 never used → (1-0)/1.
    assert even_spread_boost(counts, slots).tolist() == [-1.0, 1.0, 1.0]
    assert even_spread_boost(np.array([1, 1]), np.array([0, 1])).tolist() == [-1.0, -1.0]
    assert even_spread_boost(np.zeros(2, dtype=int), np.array([0, 1])).tolist() == [0.0, 0.0]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 3), min_size=n, max_size=n),
            st.lists(st.integers(0, n - 1), max_size=40),
        )
    )
)
def test_even_table_kept_by_add_equals_a_fresh_one(start_and_adds):
    start, adds = start_and_adds
    spread_set = SpreadSet("${meta.rack}", np.zeros(0, dtype=np.int64), [], np.array(start), 0, {})
    for slot in adds:
        spread_set.even_table()
        spread_set.add(slot)
        assert spread_set.even_table().tolist() == even_spread_table(spread_set.counts).tolist()
