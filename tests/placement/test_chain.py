"""The rank chain's declaration: Nomad's order, and each unit's vectorised score, scalar score
and scalar reference agreeing option by option."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import Affinity
from sim.placement.chain import (
    GENERIC_CHAIN,
    PER_SELECT,
    REMEMBERED,
    SYSTEM_CHAIN,
    Inputs,
    ReferenceOption,
    assemble,
    binpack_only,
    recorded_scores,
)
from sim.placement.preemption import preemption_score

from .helpers import node

# scheduler/feasible/stack.go NewGenericStack, from the bin-pack to the preemption scorer.
NOMAD_GENERIC_ORDER = [
    ("binpack", "BinPackIterator"),
    ("job-anti-affinity", "JobAntiAffinityIterator"),
    ("node-reschedule-penalty", "NodeReschedulingPenaltyIterator"),
    ("node-affinity", "NodeAffinityIterator"),
    ("allocation-spread", "SpreadIterator"),
    ("preemption", "PreemptionScoringIterator"),
]


def test_the_generic_chain_is_nomads_order():
    assert [(s.name, s.iterator) for s in GENERIC_CHAIN] == NOMAD_GENERIC_ORDER


def test_the_system_chain_is_binpack_alone():
    assert [s.name for s in SYSTEM_CHAIN] == ["binpack"]


def test_the_memo_keeps_what_only_the_node_s_own_placements_change():
    assert [s.name for s in REMEMBERED] == ["binpack", "job-anti-affinity", "node-affinity"]
    assert set(REMEMBERED) | set(PER_SELECT) == set(GENERIC_CHAIN)
    assert not set(REMEMBERED) & set(PER_SELECT)


def test_selects_batch_only_with_scorers_that_change_the_chosen_node_alone():
    assert [s.name for s in GENERIC_CHAIN if not s.batchable] == [
        "node-reschedule-penalty",
        "allocation-spread",
        "preemption",
    ]


def test_recorded_scores_write_zero_only_for_the_iterators_that_do():
    parts = binpack_only(0.5)
    assert recorded_scores(parts) == {
        "binpack": 0.5,
        "job-anti-affinity": 0.0,
        "node-reschedule-penalty": 0.0,
        "node-affinity": 0.0,
    }
    assert recorded_scores(parts, SYSTEM_CHAIN) == {"binpack": 0.5}


scalars = st.floats(-1.0, 1.0, allow_nan=False)
priorities = st.lists(st.integers(1, 100), max_size=4)


@given(
    fits=st.lists(st.floats(0.0, 18.0), min_size=1, max_size=8),
    data=st.data(),
)
def test_vector_scalar_and_reference_scores_agree(fits, data):
    """Per scorer: its vectorised score over options, its scalar score per option, and its
    reference on the plain facts of that option give the same appended scores."""
    n = len(fits)
    collisions = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    penalized = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    boosts = data.draw(st.lists(scalars | st.just(0.0), min_size=n, max_size=n))
    victims = data.draw(st.lists(priorities, min_size=n, max_size=n))
    count = data.draw(st.integers(1, 5))
    preempt = [preemption_score(v) if v else math.nan for v in victims]
    vector = Inputs(
        np.array(fits) / 18.0,
        np.array(collisions),
        count,
        None,
        np.array(penalized),
        np.array(boosts),
        np.array(preempt),
    )
    for scorer in GENERIC_CHAIN:
        if scorer.name == "node-affinity":
            continue  # affinities are evaluated on nodes: see the next test
        values, appended = scorer.score(vector)
        for i in range(n):
            one = Inputs(fits[i] / 18.0, collisions[i], count, None, penalized[i], boosts[i])
            one = one._replace(preemption=preempt[i])
            reference = scorer.reference(
                ReferenceOption(
                    fits[i],
                    collisions[i],
                    count,
                    penalized[i],
                    node("n"),
                    [],
                    lambda i=i: boosts[i],
                    victims[i],
                )
            )
            part = assemble(one)[GENERIC_CHAIN.index(scorer)]
            if reference is None:
                assert not np.broadcast_to(appended, n)[i] and math.isnan(part)
            else:
                assert np.broadcast_to(appended, n)[i]
                assert float(np.broadcast_to(values, n)[i]) == pytest.approx(reference, abs=1e-12)
                assert part == pytest.approx(reference, abs=1e-12)


def test_node_affinity_reference_is_the_weighted_share_of_matches():
    affinities = [
        Affinity.model_validate(
            {"LTarget": "${node.class}", "RTarget": "linux", "Operand": "=", "Weight": 50}
        ),
        Affinity.model_validate(
            {"LTarget": "${node.class}", "RTarget": "gpu", "Operand": "=", "Weight": -25}
        ),
    ]
    [affinity] = [s for s in GENERIC_CHAIN if s.name == "node-affinity"]
    facts = ReferenceOption(9.0, 0, 1, False, node("n"), affinities, None, [])
    assert affinity.reference(facts) == pytest.approx(50 / 75)
    assert affinity.reference(ReferenceOption(9.0, 0, 1, False, node("n"), [], None, [])) is None
    assert affinity.score(Inputs(0.5, 0, 1, 0.25))[0] == 0.25
