"""A scenario that places for some seeds and not others, and the seeds it places for,
counted from the shuffle alone (without the placement code under test).

One big node (1,000 MHz) among 15 small ones (500 MHz); scheduler algorithm ``spread``.
Job ``a`` (500 MHz) fits anywhere and, with ``spread``, prefers the emptiest node it scores:
the big one, when the big one is among the ``max(2, ceil(log2 16)) = 4`` nodes a service job
scores (``GenericStack.SetNodes``). Job ``b`` (1,000 MHz) fits only the empty big node. So ``b``
places exactly in the seeds whose shuffle for ``a`` puts the big node at position 4 or later.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from sim.placement.scheduler import job_seed

SMALL = 15
NODES = SMALL + 1
SCORED = max(2, math.ceil(math.log2(NODES)))

_NODE = """\
    template:
      datacenter: dc1
      node_class: {cls}
      attributes: {{kernel.name: linux, driver.docker: "1"}}
      drivers: {{docker: {{detected: true, healthy: true}}}}
      node_resources:
        cpu: {{cpu_shares: {cpu}}}
        memory: {{memory_mb: 4096}}
        disk: {{disk_mb: 40000}}
"""

_JOB = """\
  - id: {id}
    datacenters: [dc1]
    task_groups:
      - name: {id}
        tasks:
          - name: t
            driver: docker
            config: {{image: "busybox"}}
            resources: {{cpu: {cpu}, memory: 256}}
"""

SCENARIO = (
    "name: luck\nscheduler:\n  algorithm: spread\nnode_groups:\n"
    "  - name: big\n    count: 1\n"
    + _NODE.format(cls="big", cpu=1000)
    + f"  - name: small\n    count: {SMALL}\n"
    + _NODE.format(cls="small", cpu=500)
    + "jobs:\n"
    + _JOB.format(id="a", cpu=500)
    + _JOB.format(id="b", cpu=1000)
)


def write_scenario(folder: Path) -> Path:
    path = folder / "luck.yaml"
    path.write_text(SCENARIO)
    return path


def seeds_where_b_places(seeds: range, big_node: int = 0) -> int:
    """Seeds in which the big node (node 0, the first group's) is not among the nodes ``a``
    scores: Nomad's visit order is a permutation of the candidates, seeded per evaluation."""
    placed = 0
    for seed in seeds:
        order = np.random.default_rng(job_seed(seed, 0)).permutation(np.arange(NODES))
        placed += int(np.flatnonzero(order == big_node)[0]) >= SCORED
    return placed
