"""Placement: fit, score and select as Nomad's scheduler does, per job, in priority order.

Names are imported on first use (``sim.core.lazy``): a command loads only the modules it
runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports

if TYPE_CHECKING:
    from .chain import GENERIC_CHAIN, SYSTEM_CHAIN, RankScorer
    from .config import PoolScheduler
    from .deployment import DeploymentOutcome, image_os, start_problem
    from .exact import ExactResult, exact_placement
    from .limit import limit_options
    from .plan import BlockedEval, GroupOutcome, JobOutcome, PlacedAllocation, PlacementPlan
    from .preemption import (
        Amount,
        DeviceRequest,
        Holding,
        NetworkUse,
        NodeRoom,
        PreemptAsk,
        basic_resource_distance,
        preempt_on_node,
        preemption_score,
    )
    from .reference import reference_simulate
    from .resources import GroupAsk, Ledger, NodeCapacity, group_ask
    from .scheduler import ExistingAlloc, job_seed, simulate
    from .scoring import limit_for, score_fit_binpack, score_fit_spread
    from .select import max_score_option

_HOMES = {
    "Amount": ".preemption",
    "BlockedEval": ".plan",
    "DeploymentOutcome": ".deployment",
    "DeviceRequest": ".preemption",
    "ExactResult": ".exact",
    "ExistingAlloc": ".scheduler",
    "GENERIC_CHAIN": ".chain",
    "GroupAsk": ".resources",
    "GroupOutcome": ".plan",
    "Holding": ".preemption",
    "JobOutcome": ".plan",
    "Ledger": ".resources",
    "NetworkUse": ".preemption",
    "NodeCapacity": ".resources",
    "NodeRoom": ".preemption",
    "PlacedAllocation": ".plan",
    "PlacementPlan": ".plan",
    "PoolScheduler": ".config",
    "PreemptAsk": ".preemption",
    "SYSTEM_CHAIN": ".chain",
    "RankScorer": ".chain",
    "basic_resource_distance": ".preemption",
    "exact_placement": ".exact",
    "group_ask": ".resources",
    "image_os": ".deployment",
    "job_seed": ".scheduler",
    "limit_for": ".scoring",
    "limit_options": ".limit",
    "max_score_option": ".select",
    "preempt_on_node": ".preemption",
    "preemption_score": ".preemption",
    "reference_simulate": ".reference",
    "score_fit_binpack": ".scoring",
    "score_fit_spread": ".scoring",
    "simulate": ".scheduler",
    "start_problem": ".deployment",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "GENERIC_CHAIN",
    "SYSTEM_CHAIN",
    "Amount",
    "BlockedEval",
    "DeploymentOutcome",
    "DeviceRequest",
    "ExactResult",
    "ExistingAlloc",
    "GroupAsk",
    "GroupOutcome",
    "Holding",
    "JobOutcome",
    "Ledger",
    "NetworkUse",
    "NodeCapacity",
    "NodeRoom",
    "PlacedAllocation",
    "PlacementPlan",
    "PoolScheduler",
    "PreemptAsk",
    "RankScorer",
    "basic_resource_distance",
    "exact_placement",
    "group_ask",
    "image_os",
    "job_seed",
    "limit_for",
    "limit_options",
    "max_score_option",
    "preempt_on_node",
    "preemption_score",
    "reference_simulate",
    "score_fit_binpack",
    "score_fit_spread",
    "simulate",
    "start_problem",
]
