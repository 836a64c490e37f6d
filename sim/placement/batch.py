"""Consecutive Selects of one group at once, while none of them can see another's placement.

A Select's placement changes only the chosen node (its resources, its allocation counts, its
memo) unless a scorer of the chain says otherwise (``RankScorer.batchable``: spread boosts move
for every node, reschedule penalties are per allocation) or the group has distinct rules
(distinct_property counts move for every node sharing the value). Without those, the Selects
that follow one another along the visit order look at disjoint stretches of it, so within one
round of the order each sees exactly what it would have seen after the earlier ones placed. Their
windows are then rows of one array: the limit iterator's cut is every ``limit``-th option
and ``MaxScoreIterator`` is a row-wise argmax. Only stretches without any score ≤ 0 are
taken this way (those options would be set aside, see ``select``); the Select that meets one
runs on its own.
"""

from __future__ import annotations

import numpy as np

from .select import (
    SKIP_THRESHOLD,
    Choice,
    Cursor,
    GroupState,
    Misses,
    TopScores,
    _window,
    window_for,
)


def select_many(state: GroupState, cursor: Cursor, wanted: int, keep_top: bool) -> list[Choice]:
    """Up to ``wanted`` Selects in one pass, as ``select`` would make them one by one; an
    empty list when the group's Selects depend on each other or none fits in one round."""
    if wanted < 2 or state.rules.active or cursor.pulls < state.batch_from:
        return []
    if not state.batchable():
        return []
    if state.memo is None:
        state.remember(cursor.order)
    n, limit = cursor.n, state.limit
    start, span = cursor.offset, min(n, wanted * window_for(limit))
    options = _window(state, start, start + span, cursor.pulls)
    picked = options.positions()
    final = options.final if picked is None else options.final[picked]
    rows = min(wanted, options.count // limit)
    low = np.flatnonzero(final[: rows * limit] <= SKIP_THRESHOLD)
    if len(low):
        rows = int(low[0]) // limit
    if rows < 2:
        # The Selects over this stretch go one by one; look again once they have passed it.
        state.batch_from = cursor.pulls + span
        return []
    last = np.arange(1, rows + 1) * limit  # options pulled by the end of each Select
    ends = last if picked is None else picked[last - 1] + 1
    evaluated = np.diff(ends, prepend=0).tolist()
    cursor.offset = (start + int(ends[-1])) % n
    cursor.pulls += int(ends[-1])
    table = final[: rows * limit].reshape(rows, limit)

    def where(option_indices: np.ndarray) -> np.ndarray:
        return option_indices if picked is None else picked[option_indices]

    reports = options.report(state, where(table.argmax(axis=1) + last - limit))
    if not keep_top:
        return [
            Choice(*report, count, None) for report, count in zip(reports, evaluated, strict=True)
        ]
    indices = where(np.arange(rows * limit))  # window index of each of the rows' options
    boost = None if options.boost is None else options.boost[indices]
    columns = TopScores.at(state, final[: rows * limit], options.start + indices, boost)
    choices = []
    pulled_from = 0
    for first, count, report in zip((last - limit).tolist(), evaluated, reports, strict=True):
        misses = Misses(count)
        options.count_misses(state, pulled_from, pulled_from + count, misses)
        pulled_from += count
        choices.append(Choice(*report, count, columns.row(first, first + limit), misses))
    return choices
