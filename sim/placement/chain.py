"""The rank chain, declared once in Nomad's order (``NewGenericStack`` / ``NewSystemStack``,
scheduler/feasible/stack.go).

Feasibility (the wrapper of class-cached checkers, then ``distinct_hosts`` and
``distinct_property``) hands nodes to the rank iterators below; each appends its score to the
node only when it has one and records it in the metric by its name (``ScoreNode``), some of
them as 0 when they append nothing. ``ScoreNormalizationIterator`` averages what was
appended, ``LimitIterator`` and ``MaxScoreIterator`` pick the node (``select.py``).

Every scorer is one unit behind ``RankScorer``; the windowed Select, the batched Selects,
the plan's metadata and the scalar reference all go through ``GENERIC_CHAIN`` /
``SYSTEM_CHAIN`` rather than naming scorers one by one. Per-option scores travel as
``Parts``: one value per scorer of ``GENERIC_CHAIN``, in this order, NaN where the scorer
appended nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

import msgspec
import numpy as np

from models import Affinity, Node

from ..core.operators import check_constraint
from ..core.targets import resolve_target
from .preemption import PREEMPTION, preemption_score
from .scoring import anti_affinity

NORMALIZED_SCORE = "normalized-score"  # structs.NormScorerName

Parts = tuple[float, ...]  # one value per scorer of GENERIC_CHAIN, NaN: nothing appended


# What a scorer gives the options it scores, as scalars or arrays aligned with them: (value,
# appended), the value being the score where it is appended and 0 elsewhere, appended 1 (or
# True) where it is and 0 elsewhere; so totals and counts add up without masking. A plain
# tuple, made once or twice per Select.
Scored = tuple[Any, Any]


class Inputs(NamedTuple):
    """What the Select knows of the options being scored, as arrays aligned with them or one
    option's scalars. An input is None when the group (or Select) has none of it, which is
    what ``RankScorer.applies`` reads."""

    binpack: Any
    collisions: Any  # allocations of the group on the node
    group_size: int  # the group's count
    affinity: Any = None  # Σ matching weights / Σ |weights|
    penalized: Any = None  # the node is a reschedule penalty node
    boost: Any = None  # total spread boost
    preemption: Any = None  # preemption score, NaN where the option evicts nothing


class Picked(NamedTuple):
    """Option ``option`` of ``inputs`` given as arrays over several options (the Selects made
    together share them): its ``Parts`` are assembled only if read."""

    inputs: Inputs
    option: int

    def one(self) -> Inputs:
        """The option's own inputs, as scalars."""
        i = self.option
        return Inputs(*(v.item(i) if isinstance(v, np.ndarray) else v for v in self.inputs))


# An option's per-scorer scores, or what they are assembled from when read (``assemble``).
Scoring = Parts | Inputs | Picked


class ReferenceOption(msgspec.Struct, frozen=True):
    """One option as the scalar reference sees it (``reference.py``): plain facts, no memo."""

    fit: float  # ScoreFit of the node with the allocation (0–18)
    collisions: int
    count: int
    penalized: bool
    node: Node
    affinities: list[Affinity]  # the group's: job, group, then tasks
    spread: Callable[[], float] | None  # the spread boost, computed when asked; None: no spread
    victim_priorities: list[int]


class RankScorer(Protocol):
    """One rank iterator of the chain.

    ``name``: its ``ScoreMetaData`` key; ``iterator``: the Nomad iterator it models;
    ``records_zero``: the metric gets ``name: 0`` when nothing is appended; ``batchable``: a
    placement changes this scorer's value on the chosen node only, so consecutive Selects
    over disjoint nodes may be made together (``batch``); ``pulled``: scored per Select as
    nodes are pulled, because its value changes between Selects on nodes other than the
    one placed on (spread) or is the allocation's own (penalty, preemption), so the Select
    memo (``select.Memo``) does not keep it.
    """

    @property
    def name(self) -> str: ...
    @property
    def iterator(self) -> str: ...
    @property
    def records_zero(self) -> bool: ...
    @property
    def batchable(self) -> bool: ...
    @property
    def pulled(self) -> bool: ...

    def applies(self, inputs: Inputs) -> bool:
        """Whether the scorer may append anything for this group (and Select)."""
        ...

    def score(self, inputs: Inputs) -> Scored:
        """The scores of the options ``inputs`` describes (call only where ``applies``)."""
        ...

    def reference(self, option: ReferenceOption) -> float | None:
        """The scalar reference's score of one option; None when nothing is appended."""
        ...


class BinPack(msgspec.Struct, frozen=True):
    """``BinPackIterator`` (rank.go): ScoreFit / 18, always appended."""

    name: str = "binpack"
    iterator: str = "BinPackIterator"
    records_zero: bool = False
    batchable: bool = True
    pulled: bool = False

    def applies(self, inputs: Inputs) -> bool:
        return True

    def score(self, inputs: Inputs) -> Scored:
        return inputs.binpack, 1.0

    def reference(self, option: ReferenceOption) -> float | None:
        return option.fit / 18.0  # binPackingMaxFitScore


class JobAntiAffinity(msgspec.Struct, frozen=True):
    """``JobAntiAffinityIterator`` (rank.go): −(collisions + 1)/count where the group already
    has allocations on the node."""

    name: str = "job-anti-affinity"
    iterator: str = "JobAntiAffinityIterator"
    records_zero: bool = True
    batchable: bool = True
    pulled: bool = False

    def applies(self, inputs: Inputs) -> bool:
        return True

    def score(self, inputs: Inputs) -> Scored:
        collisions = inputs.collisions
        hit = collisions > 0
        return hit * anti_affinity(collisions, inputs.group_size), hit

    def reference(self, option: ReferenceOption) -> float | None:
        if not option.collisions:
            return None
        return -(option.collisions + 1) / option.count


class ReschedulePenalty(msgspec.Struct, frozen=True):
    """``NodeReschedulingPenaltyIterator`` (rank.go): −1 on the nodes the allocation being
    replaced ran on."""

    name: str = "node-reschedule-penalty"
    iterator: str = "NodeReschedulingPenaltyIterator"
    records_zero: bool = True
    batchable: bool = False  # the penalty nodes are per allocation
    pulled: bool = True

    def applies(self, inputs: Inputs) -> bool:
        return inputs.penalized is not None

    def score(self, inputs: Inputs) -> Scored:
        hit = inputs.penalized
        return hit * -1.0, hit

    def reference(self, option: ReferenceOption) -> float | None:
        return -1.0 if option.penalized else None


class NodeAffinity(msgspec.Struct, frozen=True):
    """``NodeAffinityIterator`` (rank.go): Σ matching weights / Σ |weights|, appended on every
    node when the group has affinities."""

    name: str = "node-affinity"
    iterator: str = "NodeAffinityIterator"
    records_zero: bool = True
    batchable: bool = True
    pulled: bool = False

    def applies(self, inputs: Inputs) -> bool:
        return inputs.affinity is not None

    def score(self, inputs: Inputs) -> Scored:
        return inputs.affinity, 1.0

    def reference(self, option: ReferenceOption) -> float | None:
        if not option.affinities:
            return None
        matched = 0.0
        for a in option.affinities:
            left, lok = resolve_target(a.l_target, option.node)
            right, rok = resolve_target(a.r_target, option.node)
            if check_constraint(a.operand, left, right, lok, rok):
                matched += a.weight
        return matched / sum(abs(a.weight) for a in option.affinities)


class AllocationSpread(msgspec.Struct, frozen=True):
    """``SpreadIterator`` (spread.go): the total boost, appended when not 0."""

    name: str = "allocation-spread"
    iterator: str = "SpreadIterator"
    records_zero: bool = False
    batchable: bool = False  # every placement moves every node's boost
    pulled: bool = True

    def applies(self, inputs: Inputs) -> bool:
        return inputs.boost is not None

    def score(self, inputs: Inputs) -> Scored:
        boost = inputs.boost
        return boost, boost != 0.0

    def reference(self, option: ReferenceOption) -> float | None:
        boost = None if option.spread is None else option.spread()
        return None if boost is None or boost == 0.0 else boost


class PreemptionScoring(msgspec.Struct, frozen=True):
    """``PreemptionScoringIterator`` (rank.go): scores an option that evicts by its victims'
    priorities (``preemption.preemption_score``); appended only on such options."""

    name: str = PREEMPTION
    iterator: str = "PreemptionScoringIterator"
    records_zero: bool = False
    batchable: bool = False  # only Selects with eviction on have it, and they go one by one
    pulled: bool = True

    def applies(self, inputs: Inputs) -> bool:
        return inputs.preemption is not None

    def score(self, inputs: Inputs) -> Scored:
        appended = ~np.isnan(inputs.preemption)
        return np.where(appended, inputs.preemption, 0.0), appended

    def reference(self, option: ReferenceOption) -> float | None:
        if not option.victim_priorities:
            return None
        return preemption_score(option.victim_priorities)


GENERIC_CHAIN: tuple[RankScorer, ...] = (
    BinPack(),
    JobAntiAffinity(),
    ReschedulePenalty(),
    NodeAffinity(),
    AllocationSpread(),
    PreemptionScoring(),
)
# NewSystemStack: bin-pack (evicting) straight into score normalization.
SYSTEM_CHAIN: tuple[RankScorer, ...] = GENERIC_CHAIN[:1]

# What a group's Select memo keeps per visit position (changes only when the node itself gets
# an allocation) and what is scored again each Select.
REMEMBERED: tuple[RankScorer, ...] = tuple(s for s in GENERIC_CHAIN if not s.pulled)
PER_SELECT: tuple[RankScorer, ...] = tuple(s for s in GENERIC_CHAIN if s.pulled)
_INDEX = {s.name: i for i, s in enumerate(GENERIC_CHAIN)}


def assemble(scored: Scoring) -> Parts:
    """``Parts`` of one option from its inputs (each scorer's score or NaN); Parts already
    assembled are returned as they are."""
    if isinstance(scored, Picked):
        scored = scored.one()
    if not isinstance(scored, Inputs):
        return scored
    out = []
    for scorer in GENERIC_CHAIN:
        value, appended = scorer.score(scored) if scorer.applies(scored) else (0.0, False)
        out.append(float(value) if appended else np.nan)
    return tuple(out)


def normalized(parts: Parts) -> float:
    """``ScoreNormalizationIterator``: the mean of the scores appended."""
    appended = [v for v in parts if not np.isnan(v)]
    return sum(appended) / len(appended)


def binpack_only(score: float) -> Parts:
    """``Parts`` of an option only bin-pack scored (``SYSTEM_CHAIN``)."""
    return (score, *[np.nan] * (len(GENERIC_CHAIN) - 1))


def recorded_scores(
    parts: Parts, chain: tuple[RankScorer, ...] = GENERIC_CHAIN
) -> dict[str, float]:
    """The ``Scores`` map of a ``NodeScoreMeta``: what each scorer of ``chain`` recorded, in
    chain order."""
    out = {}
    for scorer, value in zip(GENERIC_CHAIN, parts, strict=True):
        if scorer not in chain:
            continue
        if not np.isnan(value):
            out[scorer.name] = float(value)
        elif scorer.records_zero:
            out[scorer.name] = 0.0
    return out
