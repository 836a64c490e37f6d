"""The seeds on which ``scenarios/shuffle-luck.yaml`` places job ``b``, counted from the
shuffle alone, without the placement code under test.

Job ``a`` (500 MHz, scheduler ``spread``) takes the big node whenever the big node is among
the ``max(2, ceil(log2 n))`` nodes a service job scores (``GenericStack.SetNodes``); job ``b``
(1,000 MHz) fits only the empty big node. So ``b`` places exactly on the seeds whose shuffle
for ``a`` (the first job's evaluation) puts the big node (node 0) at that position or later.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from sim.placement.scheduler import job_seed

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "shuffle-luck.yaml"
BIG_NODE = 0


def seeds_where_b_places(seeds: range, small: int = 15) -> int:
    nodes = small + 1
    scored = max(2, math.ceil(math.log2(nodes)))
    placed = 0
    for seed in seeds:
        order = np.random.default_rng(job_seed(seed, 0)).permutation(np.arange(nodes))
        placed += int(np.flatnonzero(order == BIG_NODE)[0]) >= scored
    return placed
