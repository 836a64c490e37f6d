"""Placement: fit, score and select as Nomad's scheduler does, per job, in priority order."""

from .deployment import DeploymentOutcome, image_os, start_problem
from .exact import ExactResult, exact_placement
from .plan import BlockedEval, GroupOutcome, JobOutcome, PlacedAllocation, PlacementPlan
from .resources import GroupAsk, Ledger, NodeCapacity, group_ask
from .scheduler import ExistingAlloc, job_seed, simulate
from .scoring import limit_for, score_fit_binpack, score_fit_spread

__all__ = [
    "BlockedEval",
    "DeploymentOutcome",
    "ExactResult",
    "ExistingAlloc",
    "GroupAsk",
    "GroupOutcome",
    "JobOutcome",
    "Ledger",
    "NodeCapacity",
    "PlacedAllocation",
    "PlacementPlan",
    "exact_placement",
    "group_ask",
    "image_os",
    "job_seed",
    "limit_for",
    "score_fit_binpack",
    "score_fit_spread",
    "simulate",
    "start_problem",
]
