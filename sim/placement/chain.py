"""The rank chain, declared once in Nomad's order (``NewGenericStack`` / ``NewSystemStack``,
scheduler/feasible/stack.go).

Feasibility (the wrapper of class-cached checkers, then ``distinct_hosts`` and
``distinct_property``) hands nodes to the rank iterators below; each appends its score to the
node only when it has one and records it in the metric by its name (``ScoreNode``), some of
them as 0 when they append nothing. ``ScoreNormalizationIterator`` averages what was
appended, ``LimitIterator`` and ``MaxScoreIterator`` pick the node (``limit_max``).

Per-scorer scores travel as ``Parts``: one value per scorer of ``GENERIC_CHAIN``, in this
order, NaN where the scorer appended nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NORMALIZED_SCORE = "normalized-score"  # structs.NormScorerName


@dataclass(frozen=True)
class Scorer:
    """One rank iterator.

    ``records_zero``: the metric gets ``name: 0`` when nothing is appended.
    ``batchable``: a placement changes this scorer's value on the chosen node only, so
    consecutive Selects that look at disjoint nodes may be made together (``batch``).
    """

    name: str
    iterator: str
    records_zero: bool
    batchable: bool


BINPACK = Scorer("binpack", "BinPackIterator", records_zero=False, batchable=True)
JOB_ANTI_AFFINITY = Scorer(
    "job-anti-affinity", "JobAntiAffinityIterator", records_zero=True, batchable=True
)
RESCHEDULE_PENALTY = Scorer(
    "node-reschedule-penalty",
    "NodeReschedulingPenaltyIterator",
    records_zero=True,
    batchable=False,  # the penalty nodes are per allocation
)
NODE_AFFINITY = Scorer("node-affinity", "NodeAffinityIterator", records_zero=True, batchable=True)
SPREAD = Scorer(
    "allocation-spread",
    "SpreadIterator",
    records_zero=False,
    batchable=False,  # every placement moves every node's boost
)

GENERIC_CHAIN: tuple[Scorer, ...] = (
    BINPACK,
    JOB_ANTI_AFFINITY,
    RESCHEDULE_PENALTY,
    NODE_AFFINITY,
    SPREAD,
)
SYSTEM_CHAIN: tuple[Scorer, ...] = (BINPACK,)

Parts = tuple[float, ...]  # one value per scorer of GENERIC_CHAIN, NaN: nothing appended


def parts_of(**scores: float) -> Parts:
    """``Parts`` from scores by scorer name (``job_anti_affinity=…``); absent ones are NaN."""
    by_name = {k.replace("_", "-"): v for k, v in scores.items()}
    return tuple(float(by_name.get(s.name, np.nan)) for s in GENERIC_CHAIN)


def recorded_scores(parts, chain: tuple[Scorer, ...] = GENERIC_CHAIN) -> dict[str, float]:
    """The ``Scores`` map of a ``NodeScoreMeta``: what each scorer of ``chain`` recorded."""
    out = {}
    for scorer, value in zip(GENERIC_CHAIN, parts, strict=True):
        if scorer not in chain:
            continue
        if not np.isnan(value):
            out[scorer.name] = float(value)
        elif scorer.records_zero:
            out[scorer.name] = 0.0
    return out
