"""Placement: fit, score and select as Nomad's scheduler does, per job, in priority order."""

from .chain import GENERIC_CHAIN, SYSTEM_CHAIN, RankScorer
from .config import PoolScheduler
from .deployment import DeploymentOutcome, image_os, start_problem
from .exact import ExactResult, exact_placement
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
from .reference import limit_options, reference_simulate
from .resources import GroupAsk, Ledger, NodeCapacity, group_ask
from .scheduler import ExistingAlloc, job_seed, simulate
from .scoring import limit_for, score_fit_binpack, score_fit_spread
from .select import max_score_option

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
