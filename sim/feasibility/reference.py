"""The scalar reference: Nomad's FeasibilityWrapper loop, one node at a time.

It shares nothing with the vectorized engine but the leaf checks that are scalar anyway
(device matching, network and host-volume rules) and the seeded bit stream: it picks its own
candidates and shuffles them itself. Property tests assert that both engines give the same
visit order, verdict and AllocMetric for every node; benchmarks measure the gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from models import Job, Node, TaskGroup

from ..core.globs import glob_match
from ..core.metrics import AllocMetric
from ..core.nodeclass import computed_class_key, group_escapes, job_escapes
from ..core.operators import node_satisfies
from .devices import has_devices
from .drivers import driver_ok
from .network import NetworkAsk, network_failure
from .reasons import (
    COMPUTED_CLASS_INELIGIBLE,
    MISSING_DEVICES,
    MISSING_DRIVERS,
    MISSING_HOST_VOLUMES,
    MISSING_SECRETS_PROVIDER,
)
from .stack import group_constraints, network_asks, secret_providers
from .volumes import has_host_volumes, host_volume_requests

_UNKNOWN, _ELIGIBLE, _INELIGIBLE = "unknown", "eligible", "ineligible"


_U32 = 0xFFFF_FFFF


@dataclass
class ReferenceResult:
    """Per-group verdicts (reason or None) for the visit order, and the full-pass metric."""

    order: list[int]
    verdicts: list[str | None]
    metric: AllocMetric = field(default_factory=AllocMetric)


def reference_candidates(nodes: Sequence[Node], job: Job) -> tuple[list[int], dict[str, int]]:
    """``readyNodesInDCsAndPool``, node by node."""
    kept: list[int] = []
    per_dc: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if job.node_pool not in ("all", "") and node.node_pool != job.node_pool:
            continue
        if not node.ready():
            continue
        if not any(glob_match(p, node.datacenter) for p in job.datacenters):
            continue
        kept.append(i)
        per_dc[node.datacenter] = per_dc.get(node.datacenter, 0) + 1
    return kept, per_dc


def reference_shuffle(indices: Sequence[int], seed: int) -> list[int]:
    """``scheduler/feasible/feasible.go: ShuffleNodes``: Fisher–Yates from the last element
    down, each swap partner uniform in ``[0, i]``.

    Nomad draws from Go's ``math/rand``; the simulator's random source is NumPy's PCG64 seeded
    with ``seed``. Bounded draws are masked rejection sampling on that raw stream (32-bit words,
    low half first, while the bound fits in 32 bits), the same draws the engine's
    ``Generator.permutation`` consumes, so one seed means one visit order in both engines.
    """
    bits = np.random.default_rng(seed).bit_generator
    spare: list[int] = []

    def word32() -> int:
        if spare:
            return spare.pop()
        raw = int(bits.random_raw())
        spare.append(raw >> 32)
        return raw & _U32

    out = list(indices)
    for i in range(len(out) - 1, 0, -1):
        mask = (1 << i.bit_length()) - 1
        while True:
            j = (word32() if i <= _U32 else int(bits.random_raw())) & mask
            if j <= i:
                break
        out[i], out[j] = out[j], out[i]
    return out


def reference_order(nodes: Sequence[Node], job: Job, seed: int) -> list[int]:
    """The evaluation's visit order: its candidates, shuffled once (``GenericStack.SetNodes``)."""
    return reference_shuffle(reference_candidates(nodes, job)[0], seed)


def _first_failing_constraint(node: Node, constraints: list) -> str | None:
    for c in constraints:
        if c.operand in ("distinct_hosts", "distinct_property"):
            continue
        if not node_satisfies(node, c):
            return str(c)
    return None


def _group_check(node: Node, group: TaskGroup, network: NetworkAsk) -> str | None:
    for driver in sorted({t.driver for t in group.tasks if t.driver}):
        if not driver_ok(node, driver):
            return MISSING_DRIVERS
    failed = _first_failing_constraint(node, group_constraints(group))
    if failed is not None:
        return failed
    if not has_devices(node, [d for t in group.tasks for d in t.resources.devices]):
        return MISSING_DEVICES
    failed = network_failure(node, network)
    if failed is not None:
        return failed
    for provider in secret_providers(group):
        if f"plugins.secrets.{provider}.version" not in node.attributes:
            return MISSING_SECRETS_PROVIDER
    return None


def reference_job(nodes: Sequence[Node], job: Job, seed: int) -> list[ReferenceResult]:
    """Each group of ``job`` over the evaluation's own visit order; job statuses per class are
    shared by the groups, group ones are not (``scheduler/feasible/feasible.go:
    FeasibilityWrapper.Next``)."""
    candidates, per_dc = reference_candidates(nodes, job)
    order = reference_shuffle(candidates, seed)
    results = []
    job_escaped = job_escapes(job.constraints)
    job_status: dict[object, str] = {}  # one per evaluation, shared by the groups
    for group, network in zip(job.task_groups, network_asks(job)):
        escaped = group_escapes(group)
        volumes = host_volume_requests(group.volumes)
        group_status: dict[object, str] = {}
        metric = AllocMetric(
            nodes_in_pool=len(order), node_pool=job.node_pool, nodes_available=dict(per_dc)
        )
        verdicts: list[str | None] = []
        for index in order:
            node = nodes[index]
            metric.nodes_evaluated += 1
            reason = _visit(
                node, job, group, network, volumes, job_escaped, escaped, job_status, group_status
            )
            if reason is not None:
                metric.filter_node(node.node_class, reason)
            verdicts.append(reason)
        results.append(ReferenceResult(list(order), verdicts, metric))
    return results


def _visit(node, job, group, network, volumes, job_escaped, escaped, job_status, group_status):
    key = computed_class_key(node)
    js = _UNKNOWN if job_escaped else job_status.get(key, _UNKNOWN)
    if js == _INELIGIBLE:
        return COMPUTED_CLASS_INELIGIBLE
    failed = _first_failing_constraint(node, job.constraints)
    if failed is not None:
        if not job_escaped:
            job_status[key] = _INELIGIBLE
        return failed
    if not job_escaped:
        job_status.setdefault(key, _ELIGIBLE)
    gs = _UNKNOWN if escaped else group_status.get(key, _UNKNOWN)
    if gs == _INELIGIBLE:
        return COMPUTED_CLASS_INELIGIBLE
    if gs != _ELIGIBLE:
        failed = _group_check(node, group, network)
        if failed is not None:
            if not escaped:
                group_status[key] = _INELIGIBLE
            return failed
        if not escaped:
            group_status[key] = _ELIGIBLE
    if not has_host_volumes(node, volumes):
        return MISSING_HOST_VOLUMES
    return None


class ReferenceWrapper:
    """``FeasibilityWrapper`` of one evaluation, asked one node at a time.

    Job statuses per computed class are shared by the job's groups, group statuses are kept
    per group (``EvalEligibility``, scheduler/feasible/context.go). ``cache=False`` is the
    system stack, which resets eligibility before every node.
    """

    def __init__(self, job: Job, cache: bool = True) -> None:
        self.job = job
        self.cache = cache
        self.job_status: dict[object, str] = {}
        self.group_status: dict[str, dict[object, str]] = {}

    def check(self, node: Node, group: TaskGroup, network: NetworkAsk) -> str | None:
        """The reason the node is filtered for ``group`` (None: it passes)."""
        if not self.cache:
            self.job_status, self.group_status = {}, {}
        return _visit(
            node,
            self.job,
            group,
            network,
            host_volume_requests(group.volumes),
            not self.cache or job_escapes(self.job.constraints),
            not self.cache or group_escapes(group),
            self.job_status,
            self.group_status.setdefault(group.name, {}),
        )
